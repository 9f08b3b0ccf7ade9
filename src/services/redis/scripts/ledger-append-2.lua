--[[
  Appends one settled request to the usage ledger, once: a second settle of the same request id (a retry, or
  the reconciler racing the instance) finds the marker and writes nothing.

  KEYS[1]  ledger stream
  KEYS[2]  the request's "already settled" marker
  ARGV[1]  approximate maximum stream length (MAXLEN ~)
  ARGV[2]  marker time to live, seconds
  ARGV[3]  stream field name
  ARGV[4]  the encoded entry

  Returns: the new entry id, or 0 when the request was already settled.
]]
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then
  return 0
end
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', ARGV[3], ARGV[4])
