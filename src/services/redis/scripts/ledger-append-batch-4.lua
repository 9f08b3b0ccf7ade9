--[[
  Appends settled requests to the usage ledger, each once. An admitted request is listed as pending (by
  admission, in the same round trip) and appending it removes it from that list: a second append of the same
  request (a retried settle, or the reconciler and a late settle racing) finds it gone and is skipped. Entries
  without a pending listing (the failed attempts of a request that failed over) are appended as they come.
  Requests finishing together share one call. Entries priced without a known price are also counted.

  KEYS[1]  ledger stream
  KEYS[2]  pending requests (sorted set: request id scored by admission ms)
  KEYS[3]  count of entries recorded without a known price
  KEYS[4]  most recent models recorded without a known price (sorted set: model scored by ms)
  ARGV[1]  approximate maximum stream length (MAXLEN ~)
  ARGV[2]  stream field name
  ARGV[3]  now, ms
  ARGV[4..] quadruples: request id, "1" if guarded by its pending listing else "0", the model when it had no
           known price else "", encoded entry

  Returns: one value per quadruple, in order: the new entry id, or 0 when that request was already recorded.
]]
local results = {}
local unpriced = 0
for i = 4, #ARGV, 4 do
  if ARGV[i + 1] == '0' or redis.call('ZREM', KEYS[2], ARGV[i]) == 1 then
    results[#results + 1] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', ARGV[2], ARGV[i + 3])
    if ARGV[i + 2] ~= '' then
      unpriced = unpriced + 1
      redis.call('ZADD', KEYS[4], ARGV[3], ARGV[i + 2])
    end
  else
    results[#results + 1] = 0
  end
end
if unpriced > 0 then
  redis.call('INCRBY', KEYS[3], unpriced)
  -- Only the latest few model names are kept: a client sending random names must not grow this.
  redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -51)
end
return results
