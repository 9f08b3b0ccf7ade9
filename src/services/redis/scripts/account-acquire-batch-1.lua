--[[
  Chooses an upstream account for each of several requests and leases it, in one round trip for all of them
  (requests arriving in the same event-loop turn share the call). For each request, in order: lowest priority
  number, then fewest requests in flight, then least recently used; accounts at their max concurrency are
  skipped. Expired leases (an instance died mid-request) are dropped on the way.

  KEYS[1]  the pool's last-used hash (account id -> ms); every other key is derived from ARGV[1] and lives
           in the same {pool:<platform>} slot
  ARGV[1]  the pool's slot prefix, e.g. "relay:{pool:claude}:"
  ARGV[2]  now, ms since the epoch
  ARGV[3]  lease time to live, ms
  ARGV[4]  number of requests r, then per request: request id (the lease member), candidate count n,
           n triples (account id, priority, max concurrency; 0 = no limit)

  Returns: one entry per request, in order: { "ok", account id, requests in flight on it before this one }
           or { "NO_ACCOUNT", detail JSON } when every candidate of that request is at its limit.
]]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local results = {}
local swept = {}
local at = 5
for _ = 1, tonumber(ARGV[4]) do
  local member = ARGV[at]
  local count = tonumber(ARGV[at + 1])
  at = at + 2
  local best, bestPriority, bestInFlight, bestLastUsed
  for _ = 1, count do
    local id = ARGV[at]
    local priority = tonumber(ARGV[at + 1])
    local maxConcurrency = tonumber(ARGV[at + 2])
    at = at + 3
    local leases = prefix .. 'leases:' .. id
    if not swept[id] then
      redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
      swept[id] = true
    end
    local inFlight = redis.call('ZCARD', leases)
    if maxConcurrency == 0 or inFlight < maxConcurrency then
      local lastUsed = tonumber(redis.call('HGET', KEYS[1], id) or '0')
      if best == nil
        or priority < bestPriority
        or (priority == bestPriority and inFlight < bestInFlight)
        or (priority == bestPriority and inFlight == bestInFlight and lastUsed < bestLastUsed) then
        best, bestPriority, bestInFlight, bestLastUsed = id, priority, inFlight, lastUsed
      end
    end
  end
  if best == nil then
    results[#results + 1] = { 'NO_ACCOUNT', cjson.encode({ reason = 'all_busy', candidates = count, retryAfterSeconds = 1 }) }
  else
    redis.call('ZADD', prefix .. 'leases:' .. best, now + ttl, member)
    -- The lease just added counts as in flight for the rest of the batch, which spreads equal accounts.
    redis.call('HSET', KEYS[1], best, now)
    results[#results + 1] = { 'ok', best, bestInFlight }
  end
end
return results
