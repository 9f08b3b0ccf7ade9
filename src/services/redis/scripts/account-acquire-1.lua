--[[
  Chooses an upstream account from the candidates and leases it, in one round trip.
  Order: lowest priority number, then fewest requests in flight, then least recently used. Accounts at their
  max concurrency are skipped. Expired leases (an instance died mid-request) are dropped on the way.

  KEYS[1]  the pool's last-used hash (account id -> ms); every other key is derived from ARGV[1] and lives
           in the same {pool:<platform>} slot
  ARGV[1]  the pool's slot prefix, e.g. "relay:{pool:claude}:"
  ARGV[2]  now, ms since the epoch
  ARGV[3]  lease time to live, ms
  ARGV[4]  request id (the lease's member)
  ARGV[5]  number of candidates n, followed by n triples: account id, priority, max concurrency (0 = none)

  Returns: { account id, requests in flight on it before this one }.
  Errors:  RELAY_NO_ACCOUNT {"reason":"all_busy","candidates":n} when every candidate is at its limit.
]]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local member = ARGV[4]
local count = tonumber(ARGV[5])

local best, bestPriority, bestInFlight, bestLastUsed
for i = 0, count - 1 do
  local id = ARGV[6 + i * 3]
  local priority = tonumber(ARGV[7 + i * 3])
  local maxConcurrency = tonumber(ARGV[8 + i * 3])
  local leases = prefix .. 'leases:' .. id
  redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
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
  return redis.error_reply('RELAY_NO_ACCOUNT ' .. cjson.encode({ reason = 'all_busy', candidates = count, retryAfterSeconds = 1 }))
end
redis.call('ZADD', prefix .. 'leases:' .. best, now + ttl, member)
redis.call('HSET', KEYS[1], best, now)
return { best, bestInFlight }
