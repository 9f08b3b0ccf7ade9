--[[
  Drops a key from the reconciler's index once nothing of it is left to expire, unless an admission in the
  meantime pushed its entry into the future.

  KEYS[1]  the reconciler's index (member: key id, score: latest expiry ms of its leases and reservations)
  ARGV[1]  key id
  ARGV[2]  now, ms

  Returns: 1 when removed, 0 when kept.
]]
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) <= tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
