--[[
  Records a sign-in whose password matched: the pair's failures and wait are cleared, and the pair becomes
  trusted (exempt from its address's bound) for ARGV[1] ms. The attempt's charge on the address is given back,
  so the address bound counts failures only.

  KEYS[1]  the pair's hash ({login:<address>}:user:<username>)
  KEYS[2]  the address's attempt counter, in the same slot
  ARGV[1]  how long the pair stays trusted, ms
  ARGV[2]  "1" when login-attempt-2.lua charged the attempt to the address, else "0"

  Returns: 1
]]
redis.call('HSET', KEYS[1], 'fails', 0, 'until', 0, 'trusted', '1')
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if ARGV[2] == '1' and (tonumber(redis.call('GET', KEYS[2])) or 0) > 0 then
  redis.call('DECR', KEYS[2])
end
return 1
