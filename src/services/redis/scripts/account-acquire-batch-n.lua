--[[
  Chooses an upstream account for each of several requests and leases it, in one round trip for all of them
  (requests arriving in the same event-loop turn share the call).

  For each request, among the candidates that can serve: the lowest tier (a key's bound accounts before the
  pool behind them); within it the session's sticky pin (key + session -> account) while its account can
  serve; otherwise the lowest priority number, then accounts with rate-limit headroom before those nearly
  out, then the fewest requests in flight per unit of weight, then the least recently used. The choice is
  then pinned (or the pin renewed) and stamped as the pool's most recent use. Stamps come from a per-pool
  clock that never repeats (max(now, last stamp + 1)): requests chosen in one call, or in one millisecond by
  several calls, still tell which account was used longest ago, so equal accounts take turns instead of the
  first ones winning every tie. An account cannot serve while its state says so (cooling, rate limited,
  quota exhausted, until a time; auth failed, until reset), while its model family is rate limited, or at its
  max concurrency. Only live leases count; expired ones (an instance died mid-request) are left for the
  reconciler, which reads them to tell on which account each lost request was.

  KEYS[1]  the pool's last-used hash: account id -> use stamp (ms-scale, unique within the pool), and the field
           "#clock" -> the last stamp given (account ids never start with "#")
  KEYS[2..] every other key it touches, each ARGV[1] .. suffix in the same {pool:<platform>} slot: sched:<id>
           (state) and leases:<id> of every candidate, and each request's sticky pin
  ARGV[1]  the pool's slot prefix, e.g. "relay:{pool:claude}:"
  ARGV[2]  now, ms since the epoch
  ARGV[3]  lease time to live, ms
  ARGV[4]  sticky pin time to live, ms
  ARGV[5]  number of requests r, then per request: request id (the lease member), model family ("" if none),
           sticky suffix ("" if none), candidate count n, then n quintuples: account id, tier, priority,
           max concurrency (0 = no limit), weight

  Returns: one entry per request, in order: { "ok", account id, requests in flight on it before this one,
           1 if the sticky pin chose it } or { "NO_ACCOUNT", detail JSON }.
]]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local stickyTtl = tonumber(ARGV[4])
local results = {}

-- @include declared-keys

-- The pool's use clock: stamps stay close to the time (older stamps, written as plain ms, compare sensibly)
-- but strictly increase, whatever the caller's clock says.
local clock = tonumber(redis.call('HGET', KEYS[1], '#clock') or '0')
local stamped = false

-- Whether account `id` may take a request of `family` now: true plus its low-headroom flag (0 or 1), or
-- false plus when it may again, if known. One HMGET reads everything the choice needs from its state.
local function available(id, family)
  local state = redis.call('HMGET', key('sched:' .. id), 'state', 'until', 'low',
    family ~= '' and ('rl:' .. family) or 'low')
  local kind, untilMs = state[1], tonumber(state[2] or '0')
  if kind == 'auth_failed' then return false, nil end
  if kind and kind ~= 'active' and untilMs > now then return false, untilMs end
  if family ~= '' then
    local familyUntil = tonumber(state[4] or '0')
    if familyUntil > now then return false, familyUntil end
  end
  return true, tonumber(state[3] or '0')
end

local at = 6
for _ = 1, tonumber(ARGV[5]) do
  local member, family, sticky = ARGV[at], ARGV[at + 1], ARGV[at + 2]
  local count = tonumber(ARGV[at + 3])
  at = at + 4
  local pinned = sticky ~= '' and redis.call('GET', key(sticky)) or false
  local best, bestRank, bestInFlight, pinnedChoice
  local busy, unavailable, soonest = 0, 0, nil
  for _ = 1, count do
    local id, tier, priority, maxConcurrency, weight = ARGV[at], tonumber(ARGV[at + 1]),
      tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4])
    at = at + 5
    local ok, detail = available(id, family)
    if not ok then
      unavailable = unavailable + 1
      if detail and (soonest == nil or detail < soonest) then soonest = detail end
    else
      local inFlight = redis.call('ZCOUNT', key('leases:' .. id), '(' .. now, '+inf')
      if maxConcurrency > 0 and inFlight >= maxConcurrency then
        busy = busy + 1
      elseif id == pinned then
        pinnedChoice = { id, inFlight, tier }
      else
        local low = detail
        local lastUsed = tonumber(redis.call('HGET', KEYS[1], id) or '0')
        local rank = { tier, priority, low, (inFlight + 1) / weight, lastUsed }
        local better = best == nil
        if not better then
          for i = 1, 5 do
            if rank[i] ~= bestRank[i] then
              better = rank[i] < bestRank[i]
              break
            end
          end
        end
        if better then best, bestRank, bestInFlight = id, rank, inFlight end
      end
    end
  end
  local chosen, inFlight, stickyHit = nil, nil, 0
  -- The pin yields only to a bound account that can serve (a lower tier).
  if pinnedChoice and (best == nil or pinnedChoice[3] <= bestRank[1]) then
    chosen, inFlight, stickyHit = pinnedChoice[1], pinnedChoice[2], 1
  elseif best then
    chosen, inFlight = best, bestInFlight
  end
  if chosen == nil then
    local reason = busy > 0 and 'all_busy' or 'all_unavailable'
    local retry = soonest and math.max(1, math.ceil((soonest - now) / 1000)) or 1
    results[#results + 1] = { 'NO_ACCOUNT', cjson.encode({
      reason = reason, candidates = count, busy = busy, unavailable = unavailable, retryAfterSeconds = retry,
    }) }
  else
    redis.call('ZADD', key('leases:' .. chosen), now + ttl, member)
    clock = math.max(now, clock + 1)
    stamped = true
    redis.call('HSET', KEYS[1], chosen, clock)
    if sticky ~= '' then redis.call('SET', key(sticky), chosen, 'PX', stickyTtl) end
    results[#results + 1] = { 'ok', chosen, inFlight, stickyHit }
  end
end
if stamped then redis.call('HSET', KEYS[1], '#clock', clock) end
return results
