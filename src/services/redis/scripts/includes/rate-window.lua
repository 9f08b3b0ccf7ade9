-- The key's rate window. Fixed windows: one counter hash per window. Sliding windows: buckets of window/60
-- (at least 1 s) in hash `rs`, next to running sums of the live buckets, with the bucket starts in sorted set
-- `rsb` so expired buckets are found without reading the whole hash. A bucket counts while any part of it is
-- inside the window, so the sums never undercount. Needs declared-keys first: the keys are `rw:<window start>`
-- (fixed) or `rs` and `rsb` (sliding), which the caller declares from the same `now`. Kinds: r requests, t tokens,
-- c micro-USD.
local function slidingBucketMs(windowMs)
  return math.max(1000, math.floor(windowMs / 60))
end

-- Adds amounts to the window: `amounts` maps a kind to how much (zero amounts are skipped).
local function windowAdd(windowMs, mode, now, amounts)
  local ttl = windowMs * 2 + 60000
  local bucketMs = slidingBucketMs(windowMs)
  local bucket = now - (now % bucketMs)
  local name = mode == 'fixed' and key('rw:' .. (now - (now % windowMs))) or key('rs')
  local added = false
  for kind, amount in pairs(amounts) do
    if amount ~= 0 then
      if mode == 'fixed' then
        redis.call('HINCRBY', name, kind, amount)
      else
        redis.call('HINCRBY', name, bucket .. ':' .. kind, amount)
        redis.call('HINCRBY', name, kind, amount)
      end
      added = true
    end
  end
  if not added then return end
  redis.call('PEXPIRE', name, ttl)
  if mode ~= 'fixed' then
    redis.call('ZADD', key('rsb'), bucket, bucket)
    redis.call('PEXPIRE', key('rsb'), ttl)
  end
end

-- Returns requests, tokens and micro-USD in the window, and when its oldest counted part leaves it.
local function windowRead(windowMs, mode, now)
  if mode == 'fixed' then
    local start = now - (now % windowMs)
    local counts = redis.call('HMGET', key('rw:' .. start), 'r', 't', 'c')
    return tonumber(counts[1] or '0'), tonumber(counts[2] or '0'), tonumber(counts[3] or '0'), start + windowMs
  end
  local bucketMs = slidingBucketMs(windowMs)
  -- Buckets whose end has left the window leave the sums.
  for _, bucket in ipairs(redis.call('ZRANGEBYSCORE', key('rsb'), '-inf', now - windowMs - bucketMs)) do
    for _, kind in ipairs({ 'r', 't', 'c' }) do
      local value = redis.call('HGET', key('rs'), bucket .. ':' .. kind)
      if value then
        redis.call('HINCRBY', key('rs'), kind, -tonumber(value))
        redis.call('HDEL', key('rs'), bucket .. ':' .. kind)
      end
    end
    redis.call('ZREM', key('rsb'), bucket)
  end
  local sums = redis.call('HMGET', key('rs'), 'r', 't', 'c')
  local oldest = redis.call('ZRANGE', key('rsb'), 0, 0)[1]
  local from = oldest and tonumber(oldest) or (now - (now % bucketMs))
  return tonumber(sums[1] or '0'), tonumber(sums[2] or '0'), tonumber(sums[3] or '0'), from + bucketMs + windowMs
end
