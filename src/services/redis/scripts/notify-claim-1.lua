--[[
  Claims up to N due deliveries for one worker with a visibility lease: each is re-scored to now + lease, so
  no other worker sees it until then; a worker that dies mid-delivery leaves it to be claimed again once the
  lease ends. Every claim counts as an attempt (a delivery that kills its worker cannot retry forever). Due
  entries whose record expired are dropped, which keeps the due set from holding orphans.

  KEYS[1]  due set (delivery id scored by its next attempt, or by its lease's end while claimed); records are
           ARGV[1] .. delivery id, in the same {notify} slot
  ARGV[1]  delivery record prefix, e.g. "relay:{notify}:delivery:"
  ARGV[2]  now, ms since the epoch
  ARGV[3]  lease, ms
  ARGV[4]  most deliveries to claim
  ARGV[5]  the claimer's token (instance and worker), checked when the delivery is completed

  Returns: a flat list, five values per claimed delivery: id, attempt number, notification JSON, channel id,
           channel kind.
]]
local now = tonumber(ARGV[2])
local leaseEnd = now + tonumber(ARGV[3])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
local claimed = {}
for _, id in ipairs(due) do
  local key = ARGV[1] .. id
  if redis.call('EXISTS', key) == 0 then
    redis.call('ZREM', KEYS[1], id)
  else
    local attempt = redis.call('HINCRBY', key, 'attempts', 1)
    redis.call('HSET', key, 'status', 'sending', 'claimer', ARGV[5], 'updatedAt', now, 'nextAttemptAt', leaseEnd)
    redis.call('ZADD', KEYS[1], leaseEnd, id)
    local fields = redis.call('HMGET', key, 'notification', 'channelId', 'kind')
    claimed[#claimed + 1] = id
    claimed[#claimed + 1] = attempt
    claimed[#claimed + 1] = fields[1] or ''
    claimed[#claimed + 1] = fields[2] or ''
    claimed[#claimed + 1] = fields[3] or ''
  end
end
return claimed
