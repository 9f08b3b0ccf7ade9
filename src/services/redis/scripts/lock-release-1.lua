--[[
  Releases a leader lock if the caller still holds it; a lock that expired and was taken over is left alone.

  KEYS[1]  lock key
  ARGV[1]  owner token of the caller

  Returns: 1 when released, 0 when the caller did not hold it.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
