--[[
  Admits the requests of one API key that reached admission in the same event-loop turn, atomically on the
  key's slot, in one call: for each request in order, starts an activate-on-first-use clock, takes a
  concurrency lease, counts the request in the rate window, reserves its cost against every cost limit, and
  records its claim. Each request sees those before it in the call as if they had come alone: a refusal writes
  nothing for that request (except the activation clock, which starts with the first attempt) and the next one
  is still considered. Run on a user's slot with no concurrency, lifetime or window, it does the same for the
  owner's side of requests of owned keys: their per-user spend counters (admission/key-admission-groups.ts).
  Settle (key-settle-n.lua) ends a claim and replaces the reservation with the real cost; the reconciler
  (key-reconcile-n.lua) ends the claims of requests whose instance died.

  A reservation is the request's worst case when that fits under every limit. When it does not, but the
  request's floor (its input bound and one output token) does, the request is admitted with the room that is
  left reserved, and the caller caps its output to fit; otherwise it is refused, saying why.

  KEYS[1]  the key's lease set (member: request id, score: expiry ms)
  KEYS[2..] every other key it touches, each ARGV[1] .. suffix: claims, claims-exp, reserved, activated (with
           a lifetime), the rate window's (with a window; see rate-window.lua), and each cost limit's counter
  ARGV[1]  the key's slot prefix, e.g. "relay:{k:key_1}:"
  ARGV[2]  now, ms
  ARGV[3]  lease and claim time to live, ms
  ARGV[4]  concurrency limit, 0 for none
  ARGV[5]  activate-on-first-use lifetime, ms, 0 for none
  ARGV[6]  rate window, ms, 0 for none
  ARGV[7]  rate window mode: "sliding" or "fixed"
  ARGV[8]  requests per window, 0 for none
  ARGV[9]  tokens per window, 0 for none
  ARGV[10] micro-USD per window, 0 for none
  ARGV[11] number of requests m, then for each: request id; worst-case cost, micro-USD; floor, the least it can
           be served with, micro-USD (at most the worst case); the rest of its claim record, after
           "<reserved>|<limited suffixes>|" (see key-reconcile-n.lua); number of cost limits n, then n
           quadruples: limit name, spend counter suffix, limit micro-USD, period end ms

  Returns: one entry per request, in order: { 1, activated at ms or 0, 1 if a lease was taken, micro-USD
           reserved (0 for none) } when admitted, or { 0, code, JSON detail } when refused. Codes: KEY_EXPIRED,
           CONCURRENCY_LIMIT, RATE_LIMIT, COST_LIMIT; a cost refusal's `reason` is "exhausted" (nothing left),
           "in_flight" (what is left is reserved by requests still running) or "does_not_fit" (this request's
           floor is more than what is left)
]]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])

-- @include declared-keys
-- @include rate-window
-- @include spend-counter

local function refused(code, detail)
  return { 0, code, cjson.encode(detail) }
end

-- Activation: the first attempt starts the clock; every later one is measured against it.
local activatedAt = 0
local expired = nil
local lifetime = tonumber(ARGV[5])
if lifetime > 0 then
  redis.call('SET', key('activated'), now, 'NX')
  activatedAt = tonumber(redis.call('GET', key('activated')))
  if now >= activatedAt + lifetime then
    expired = { activatedAt = activatedAt, expiredAt = activatedAt + lifetime }
  end
end

-- Concurrency: leases of a dead instance expire by their score. Read once; the call's own leases add to it.
local concurrency = tonumber(ARGV[4])
local inFlight = 0
if concurrency > 0 and not expired then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  inFlight = redis.call('ZCARD', KEYS[1])
end

-- Rate window: read once; admission only adds requests to it, counted here as they are admitted.
local windowMs = tonumber(ARGV[6])
local windowMode = ARGV[7]
local maxRequests, maxTokens, maxCost = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local windowRequests, windowTokens, windowCost, resetAt = 0, 0, 0, 0
if windowMs > 0 and not expired then
  windowRequests, windowTokens, windowCost, resetAt = windowRead(windowMs, windowMode, now)
end

-- Cost limits: what each counter has spent is read once; what is reserved is read once and then follows the
-- call's own reservations, which are added up and written once at the end.
local spentOf, reservedNow, reserving, reservingOrder = {}, {}, {}, {}
local function counterState(suffix)
  if spentOf[suffix] == nil then
    spentOf[suffix] = tonumber(redis.call('GET', key(suffix)) or '0')
    reservedNow[suffix] = reservedOf(suffix)
  end
  return spentOf[suffix], reservedNow[suffix]
end

local function admitOne(at)
  local requestId = ARGV[at]
  local worst, floor = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
  if expired then return refused('KEY_EXPIRED', expired) end
  if concurrency > 0 and inFlight >= concurrency then
    return refused('CONCURRENCY_LIMIT', { limit = 'concurrency', max = concurrency, inFlight = inFlight, retryAfterSeconds = 1 })
  end
  if windowMs > 0 then
    local function limited(name, max)
      return refused('RATE_LIMIT', { limit = name, max = max, resetAt = resetAt, retryAfterSeconds = math.ceil((resetAt - now) / 1000) })
    end
    if maxRequests > 0 and windowRequests + 1 > maxRequests then return limited('window_requests', maxRequests) end
    if maxTokens > 0 and windowTokens >= maxTokens then return limited('window_tokens', maxTokens) end
    if maxCost > 0 and windowCost >= maxCost then return limited('window_cost', maxCost) end
  end
  local room = nil
  local counters = {}
  local quad = at + 5
  for _ = 1, tonumber(ARGV[at + 4]) do
    local name, suffix, max, endsAt = ARGV[quad], ARGV[quad + 1], tonumber(ARGV[quad + 2]), tonumber(ARGV[quad + 3])
    quad = quad + 4
    local spent, reserved = counterState(suffix)
    local left = max - spent - reserved
    if left < floor then
      local reason = 'does_not_fit'
      if spent >= max then reason = 'exhausted' elseif spent + floor <= max then reason = 'in_flight' end
      return refused('COST_LIMIT', {
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
  windowRequests = windowRequests + 1
  local leased = 0
  if concurrency > 0 then
    redis.call('ZADD', KEYS[1], now + ttl, requestId)
    inFlight = inFlight + 1
    leased = 1
  end
  if amount > 0 then
    for _, suffix in ipairs(counters) do
      reservedNow[suffix] = reservedNow[suffix] + amount
      if not reserving[suffix] then
        reserving[suffix] = 0
        reservingOrder[#reservingOrder + 1] = suffix
      end
      reserving[suffix] = reserving[suffix] + amount
    end
  end
  redis.call('HSET', key('claims'), requestId, amount .. '|' .. table.concat(counters, ',') .. '|' .. ARGV[at + 3])
  redis.call('ZADD', key('claims-exp'), now + ttl, requestId)
  return { 1, activatedAt, leased, amount }
end

local results = {}
local admitted = 0
local at = 12
for index = 1, tonumber(ARGV[11]) do
  results[index] = admitOne(at)
  if results[index][1] == 1 then admitted = admitted + 1 end
  at = at + 5 + 4 * tonumber(ARGV[at + 4])
end

for _, suffix in ipairs(reservingOrder) do reserve(suffix, reserving[suffix]) end
if windowMs > 0 and admitted > 0 then windowAdd(windowMs, windowMode, now, { r = admitted }) end
return results
