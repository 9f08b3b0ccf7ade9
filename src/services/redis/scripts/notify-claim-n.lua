--[[
  Claims due deliveries for one worker with a visibility lease: each is re-scored to now + lease, so no other
  worker sees it until then; a worker that dies mid-delivery leaves it to be claimed again once the lease ends.
  Every claim counts as an attempt (a delivery that kills its worker cannot retry forever). Due entries whose
  record expired are dropped, which keeps the due set from holding orphans. The caller reads which deliveries
  are due first, to declare their records; one claimed by another worker since (no longer due) is skipped.

  KEYS[1]  due set (delivery id scored by its next attempt, or by its lease's end while claimed)
  KEYS[2..] the records of the deliveries to claim, each ARGV[1] .. "delivery:" .. delivery id
  ARGV[1]  the {notify} slot prefix, e.g. "relay:{notify}:"
  ARGV[2]  now, ms since the epoch
  ARGV[3]  lease, ms
  ARGV[4]  the claimer's token (instance and worker), checked when the delivery is completed
  ARGV[5..] the ids of the deliveries to claim, as the caller found them due

  Returns: a flat list, five values per claimed delivery: id, attempt number, notification JSON, channel id,
           channel kind.
]]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local leaseEnd = now + tonumber(ARGV[3])

-- @include declared-keys

local claimed = {}
for index = 5, #ARGV do
  local id = ARGV[index]
  local due = redis.call('ZSCORE', KEYS[1], id)
  local record = key('delivery:' .. id)
  if not due or tonumber(due) > now then
    -- Claimed by another worker since the caller looked, or completed: not this call's.
  elseif redis.call('EXISTS', record) == 0 then
    redis.call('ZREM', KEYS[1], id)
  else
    local attempt = redis.call('HINCRBY', record, 'attempts', 1)
    redis.call('HSET', record, 'status', 'sending', 'claimer', ARGV[4], 'updatedAt', now, 'nextAttemptAt', leaseEnd)
    redis.call('ZADD', KEYS[1], leaseEnd, id)
    local fields = redis.call('HMGET', record, 'notification', 'channelId', 'kind')
    claimed[#claimed + 1] = id
    claimed[#claimed + 1] = attempt
    claimed[#claimed + 1] = fields[1] or ''
    claimed[#claimed + 1] = fields[2] or ''
    claimed[#claimed + 1] = fields[3] or ''
  end
end
return claimed
