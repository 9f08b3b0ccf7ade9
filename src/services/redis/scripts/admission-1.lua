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

-- @include rate-window

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

-- Rate window.
local windowMs = tonumber(ARGV[7])
local windowMode = ARGV[8]
if windowMs > 0 then
  local requests, tokens, cost, resetAt = windowRead(windowMs, windowMode, now)
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
if windowMs > 0 then windowAdd(windowMs, windowMode, now, { r = 1 }) end
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
