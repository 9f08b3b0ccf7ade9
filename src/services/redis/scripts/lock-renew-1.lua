--[[
  Extends a leader lock's expiry, but only for the instance that holds it.

  KEYS[1]  lock key
  ARGV[1]  owner token of the caller
  ARGV[2]  new time to live in milliseconds

  Returns: 1 when renewed.
  Errors:  RELAY_LOCK_NOT_OWNED {"holder": <current owner or false>} when the caller no longer holds it.
]]
local holder = redis.call('GET', KEYS[1])
if holder ~= ARGV[1] then
  return redis.error_reply('RELAY_LOCK_NOT_OWNED ' .. cjson.encode({ holder = holder }))
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
