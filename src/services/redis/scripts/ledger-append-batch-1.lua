--[[
  Appends settled requests to the usage ledger, each once: a request id already settled (a retry, or the
  reconciler racing the instance) finds its marker and is skipped. Requests finishing together share one call.

  KEYS[1]  ledger stream; the "already settled" markers are ARGV[4] .. request id, in the same {ledger} slot
  ARGV[1]  approximate maximum stream length (MAXLEN ~)
  ARGV[2]  marker time to live, seconds
  ARGV[3]  stream field name
  ARGV[4]  marker key prefix
  ARGV[5..] pairs: request id, encoded entry

  Returns: one value per pair, in order: the new entry id, or 0 when that request was already settled.
]]
local results = {}
for i = 5, #ARGV, 2 do
  if redis.call('SET', ARGV[4] .. ARGV[i], '1', 'NX', 'EX', ARGV[2]) then
    results[#results + 1] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', ARGV[3], ARGV[i + 1])
  else
    results[#results + 1] = 0
  end
end
return results
