--[[
  Compare-and-swap of a JSON record: writes the new value only if the stored one is still what the caller
  read. Used instead of WATCH/MULTI, which is unsafe on a connection shared by concurrent requests.

  KEYS[1]  record key
  ARGV[1]  the value the caller read
  ARGV[2]  the value to write

  Returns: 1 when written, 0 when the record changed (or vanished) in between.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2])
return 1
