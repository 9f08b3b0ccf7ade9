--[[
  Admits one request for an API key, atomically on the key's slot: starts an activate-on-first-use clock,
  takes a concurrency lease, counts the request in the rate window, and reserves the request's worst-case cost
  against every cost limit. Nothing is written unless every check passes (except the activation clock, which
  starts with the first attempt). Settle (key-settle-1.lua) replaces the reservation with the real cost.

  KEYS[1]  the key's lease set (member: request id, score: expiry ms); every other key is ARGV[1] .. suffix
  ARGV[1]  the key's slot prefix, e.g. "relay:{k:key_1}:"
  ARGV[2]  now, ms
  ARGV[3]  request id
  ARGV[4]  lease and reservation time to live, ms
  ARGV[5]  concurrency limit, 0 for none
  ARGV[6]  activate-on-first-use lifetime, ms, 0 for none
  ARGV[7]  rate window, ms, 0 for none
  ARGV[8]  rate window mode: "sliding" or "fixed"
  ARGV[9]  requests per window, 0 for none
  ARGV[10] tokens per window, 0 for none
  ARGV[11] micro-USD per window, 0 for none
  ARGV[12] micro-USD to reserve (the request's worst case)
  ARGV[13] number of cost limits n, then n quadruples: limit name, spend counter suffix, limit micro-USD,
           period end ms

  Returns: { activated at ms or 0, 1 if a lease was taken, 1 if a reservation was made }
  Errors:  RELAY_KEY_EXPIRED, RELAY_CONCURRENCY_LIMIT, RELAY_RATE_LIMIT, RELAY_COST_LIMIT with JSON detail
]]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local requestId = ARGV[3]
local ttl = tonumber(ARGV[4])

local function refuse(code, detail)
  return redis.error_reply('RELAY_' .. code .. ' ' .. cjson.encode(detail))
end

-- Activation: the first attempt starts the clock; every later one is measured against it.
local activatedAt = 0
local lifetime = tonumber(ARGV[6])
if lifetime > 0 then
  redis.call('SET', prefix .. 'activated', now, 'NX')
  activatedAt = tonumber(redis.call('GET', prefix .. 'activated'))
  if now >= activatedAt + lifetime then
    return refuse('KEY_EXPIRED', { activatedAt = activatedAt, expiredAt = activatedAt + lifetime })
  end
end

-- Concurrency: leases of a dead instance expire by their score.
local concurrency = tonumber(ARGV[5])
if concurrency > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  local inFlight = redis.call('ZCARD', KEYS[1])
  if inFlight >= concurrency then
    return refuse('CONCURRENCY_LIMIT', { limit = 'concurrency', max = concurrency, inFlight = inFlight, retryAfterSeconds = 1 })
  end
end

-- Rate window. Fixed: one counter hash per window. Sliding: buckets of window/60 (at least 1 s) in one hash,
-- a bucket counting while any part of it is inside the window, so the sum never undercounts.
local windowMs = tonumber(ARGV[7])
local windowField
if windowMs > 0 then
  local requests, tokens, cost, resetAt = 0, 0, 0, 0
  if ARGV[8] == 'fixed' then
    local start = now - (now % windowMs)
    windowField = { prefix .. 'rw:' .. start, 'r' }
    local counts = redis.call('HMGET', windowField[1], 'r', 't', 'c')
    requests, tokens, cost = tonumber(counts[1] or '0'), tonumber(counts[2] or '0'), tonumber(counts[3] or '0')
    resetAt = start + windowMs
  else
    local bucketMs = math.max(1000, math.floor(windowMs / 60))
    local bucket = now - (now % bucketMs)
    windowField = { prefix .. 'rs', bucket .. ':r' }
    local fields = redis.call('HGETALL', prefix .. 'rs')
    local oldest
    for i = 1, #fields, 2 do
      local sep = string.find(fields[i], ':', 1, true)
      local start = tonumber(string.sub(fields[i], 1, sep - 1))
      if start + bucketMs + windowMs <= now then
        redis.call('HDEL', prefix .. 'rs', fields[i])
      else
        local kind = string.sub(fields[i], sep + 1)
        local value = tonumber(fields[i + 1])
        if kind == 'r' then requests = requests + value elseif kind == 't' then tokens = tokens + value else cost = cost + value end
        if oldest == nil or start < oldest then oldest = start end
      end
    end
    resetAt = (oldest or bucket) + bucketMs + windowMs
  end
  local function limited(name, max)
    return refuse('RATE_LIMIT', { limit = name, max = max, resetAt = resetAt, retryAfterSeconds = math.ceil((resetAt - now) / 1000) })
  end
  local maxRequests, maxTokens, maxCost = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
  if maxRequests > 0 and requests + 1 > maxRequests then return limited('window_requests', maxRequests) end
  if maxTokens > 0 and tokens >= maxTokens then return limited('window_tokens', maxTokens) end
  if maxCost > 0 and cost >= maxCost then return limited('window_cost', maxCost) end
end

-- Cost limits: what is spent, plus what requests in flight may still spend, plus this request's worst case.
local amount = tonumber(ARGV[12])
local counters = {}
local at = 14
for _ = 1, tonumber(ARGV[13]) do
  local name, suffix, max, endsAt = ARGV[at], ARGV[at + 1], tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  at = at + 4
  local spent = tonumber(redis.call('GET', prefix .. suffix) or '0')
  local reserved = tonumber(redis.call('HGET', prefix .. 'reserved', suffix) or '0')
  if spent + reserved + amount > max then
    return refuse('COST_LIMIT', {
      limit = name, maxMicros = max, spentMicros = spent, reservedMicros = reserved,
      requestMicros = amount, resetAt = endsAt,
    })
  end
  counters[#counters + 1] = suffix
end

-- Every check passed: record.
if windowField then
  redis.call('HINCRBY', windowField[1], windowField[2], 1)
  redis.call('PEXPIRE', windowField[1], windowMs * 2 + 60000)
end
local leased = 0
if concurrency > 0 then
  redis.call('ZADD', KEYS[1], now + ttl, requestId)
  leased = 1
end
local reservedNow = 0
if amount > 0 and #counters > 0 then
  for _, suffix in ipairs(counters) do redis.call('HINCRBY', prefix .. 'reserved', suffix, amount) end
  redis.call('HSET', prefix .. 'resv', requestId, amount .. '|' .. table.concat(counters, ','))
  redis.call('ZADD', prefix .. 'resv-exp', now + ttl, requestId)
  reservedNow = 1
end
return { activatedAt, leased, reservedNow }
