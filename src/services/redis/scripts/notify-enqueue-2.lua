--[[
  Queues one notification delivery, once: the delivery id is derived from (notification id, channel id), and a
  record that already exists (queued, in flight, or finished within the retention) makes this a no-op, so the
  same event enqueued twice, by one instance or several, is delivered at most once.

  KEYS[1]  due set (delivery id scored by its next attempt, ms)
  KEYS[2]  the delivery's record (hash)
  ARGV[1]  delivery id
  ARGV[2]  now, ms since the epoch
  ARGV[3]  retention, ms: the record expires after this even if no worker ever takes it
  ARGV[4]  the notification, JSON
  ARGV[5]  channel id
  ARGV[6]  channel kind

  Returns: 1 when queued, 0 when the delivery already existed.
]]
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
redis.call('HSET', KEYS[2],
  'notification', ARGV[4],
  'channelId', ARGV[5],
  'kind', ARGV[6],
  'status', 'queued',
  'attempts', 0,
  'createdAt', ARGV[2],
  'updatedAt', ARGV[2],
  'nextAttemptAt', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
