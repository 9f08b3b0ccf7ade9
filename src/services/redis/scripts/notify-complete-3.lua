--[[
  Records the outcome of one delivery attempt, only for the worker still holding the claim (same claimer token
  and attempt, still sending): a worker whose lease ran out and whose delivery another worker has claimed since
  changes nothing, so each attempt is recorded once. Delivered and failed deliveries leave the due set and
  expire after the retention; a retry is re-scored to its next attempt. Each recorded attempt is appended to
  the channel's delivery log, capped.

  KEYS[1]  due set
  KEYS[2]  the delivery's record (hash)
  KEYS[3]  the channel's delivery log (stream)
  ARGV[1]  delivery id
  ARGV[2]  claimer token the claim was made with
  ARGV[3]  attempt number of the claim
  ARGV[4]  outcome: "delivered", "retrying" or "failed"
  ARGV[5]  now, ms since the epoch
  ARGV[6]  next attempt, ms (for "retrying")
  ARGV[7]  retention of finished records, ms
  ARGV[8]  log entries kept per channel; 0 writes no log entry (the channel was deleted)
  ARGV[9]  the log entry, JSON
  ARGV[10] the attempt's result for the record: HTTP status or error message

  Returns: 1 when recorded, 0 when the claim was no longer this worker's.
]]
local current = redis.call('HMGET', KEYS[2], 'claimer', 'attempts', 'status')
if current[1] ~= ARGV[2] or current[2] ~= ARGV[3] or current[3] ~= 'sending' then
  return 0
end
local outcome = ARGV[4]
redis.call('HSET', KEYS[2], 'status', outcome, 'updatedAt', ARGV[5], 'lastResult', ARGV[10])
if outcome == 'retrying' then
  redis.call('HSET', KEYS[2], 'nextAttemptAt', ARGV[6])
  redis.call('ZADD', KEYS[1], ARGV[6], ARGV[1])
else
  redis.call('HDEL', KEYS[2], 'nextAttemptAt')
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[7])
end
local keep = tonumber(ARGV[8])
if keep > 0 then
  redis.call('XADD', KEYS[3], 'MAXLEN', keep, '*', 'e', ARGV[9])
end
return 1
