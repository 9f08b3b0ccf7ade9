--[[
  Admits one request for an API key, atomically on the key's slot: starts an activate-on-first-use clock,
  takes a concurrency lease, counts the request in the rate window, reserves the request's cost against every
  cost limit, and records the request's claim. Nothing is written unless every check passes (except the
  activation clock, which starts with the first attempt). Settle (key-settle-1.lua) ends the claim and
  replaces the reservation with the real cost; the reconciler (key-reconcile-1.lua) ends the claims of
  requests whose instance died.

  The reservation is the request's worst case when that fits under every limit. When it does not, but the
  request's floor (its input bound and one output token) does, the request is admitted with the room that is
  left reserved, and the caller caps its output to fit; otherwise it is refused, saying why.

  KEYS[1]  the key's lease set (member: request id, score: expiry ms); every other key is ARGV[1] .. suffix
  ARGV[1]  the key's slot prefix, e.g. "relay:{k:key_1}:"
  ARGV[2]  now, ms
  ARGV[3]  request id
  ARGV[4]  lease and claim time to live, ms
  ARGV[5]  concurrency limit, 0 for none
  ARGV[6]  activate-on-first-use lifetime, ms, 0 for none
  ARGV[7]  rate window, ms, 0 for none
  ARGV[8]  rate window mode: "sliding" or "fixed"
  ARGV[9]  requests per window, 0 for none
  ARGV[10] tokens per window, 0 for none
  ARGV[11] micro-USD per window, 0 for none
  ARGV[12] the request's worst-case cost, micro-USD
  ARGV[13] the request's floor: the least it can be served with, micro-USD (at most ARGV[12])
  ARGV[14] the rest of the claim record, after "<reserved>|<limited suffixes>|": see key-reconcile-1.lua
  ARGV[15] number of cost limits n, then n quadruples: limit name, spend counter suffix, limit micro-USD,
           period end ms. A suffix starting with "=" names a user's counter outside the key's slot (see
           includes/spend-counter.lua)

  Returns: { activated at ms or 0, 1 if a lease was taken, micro-USD reserved (0 for none) }
  Errors:  RELAY_KEY_EXPIRED, RELAY_CONCURRENCY_LIMIT, RELAY_RATE_LIMIT, RELAY_COST_LIMIT with JSON detail; a
           cost refusal's `reason` is "exhausted" (nothing left), "in_flight" (what is left is reserved by
           requests still running) or "does_not_fit" (this request's floor is more than what is left)
]]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local requestId = ARGV[3]
local ttl = tonumber(ARGV[4])

-- @include rate-window
-- @include spend-counter

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

-- Cost limits: what is spent, plus what requests in flight may still spend, leaves the room for this one.
local worst, floor = tonumber(ARGV[12]), tonumber(ARGV[13])
local room = nil
local counters = {}
local at = 16
for _ = 1, tonumber(ARGV[15]) do
  local name, suffix, max, endsAt = ARGV[at], ARGV[at + 1], tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  at = at + 4
  local spent = tonumber(redis.call('GET', counterKey(suffix)) or '0')
  local reserved = reservedOf(suffix)
  local left = max - spent - reserved
  if left < floor then
    local reason = 'does_not_fit'
    if spent >= max then reason = 'exhausted' elseif spent + floor <= max then reason = 'in_flight' end
    return refuse('COST_LIMIT', {
      limit = name, reason = reason, maxMicros = max, spentMicros = spent, reservedMicros = reserved,
      requestMicros = worst, floorMicros = floor, resetAt = endsAt,
    })
  end
  if room == nil or left < room then room = left end
  counters[#counters + 1] = suffix
end
local amount = 0
if #counters > 0 then
  amount = worst
  if room < worst then amount = room end
end

-- Every check passed: record.
if windowMs > 0 then windowAdd(windowMs, windowMode, now, { r = 1 }) end
local leased = 0
if concurrency > 0 then
  redis.call('ZADD', KEYS[1], now + ttl, requestId)
  leased = 1
end
if amount > 0 then
  for _, suffix in ipairs(counters) do reserve(suffix, amount) end
end
redis.call('HSET', prefix .. 'claims', requestId, amount .. '|' .. table.concat(counters, ',') .. '|' .. ARGV[14])
redis.call('ZADD', prefix .. 'claims-exp', now + ttl, requestId)
return { activatedAt, leased, amount }
