--[[
  Ends what dead instances left on a key: the claims whose expiry passed before a cutoff (their instance
  stopped renewing them) and expired concurrency leases. An ended claim gives its reservation back and is
  charged its estimated cost (the input estimate made at admission) in every spend counter, and is returned so
  the caller can write its ledger entry (outcome instance_lost). Safe to run from several instances at once:
  a claim ends once, here or in a settle.

  KEYS[1]  the key's claim expiry set (member: request id, score: expiry ms); other keys are ARGV[1] .. suffix
           in the same slot
  ARGV[1]  the key's slot prefix
  ARGV[2]  cutoff, ms: claims and leases that expired before it are ended
  ARGV[3]  most claims to end in this call (the rest wait for the next)

  A claim record is "<reserved micros>|<limited suffixes>|<charged counters>|<estimated micros>|<info JSON>",
  where charged counters are "<suffix>:<ttl seconds>" pairs, comma-separated (ttl 0: keep).

  Returns: { leases removed, claims and leases still live, { request id, claim record, ... } }
]]
local prefix = ARGV[1]
local cutoff = tonumber(ARGV[2])

-- @include spend-counter
-- @include release-claim

local function chargeEstimate(record)
  local first = string.find(record, '|', 1, true)
  local second = string.find(record, '|', first + 1, true)
  local third = string.find(record, '|', second + 1, true)
  local fourth = string.find(record, '|', third + 1, true)
  local estimate = tonumber(string.sub(record, third + 1, fourth - 1))
  if estimate <= 0 then return end
  for item in string.gmatch(string.sub(record, second + 1, third - 1), '[^,]+') do
    -- Suffixes contain colons themselves: the time to live is what follows the last one.
    local suffix, ttl = string.match(item, '^(.*):(%d+)$')
    if suffix then charge(suffix, estimate, ttl) end
  end
end

local orphans = {}
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff, 'LIMIT', 0, tonumber(ARGV[3]))
for _, requestId in ipairs(expired) do
  redis.call('ZREM', prefix .. 'leases', requestId)
  local record = releaseClaim(requestId)
  if record then
    chargeEstimate(record)
    orphans[#orphans + 1] = requestId
    orphans[#orphans + 1] = record
  end
end
local leases = redis.call('ZREMRANGEBYSCORE', prefix .. 'leases', '-inf', cutoff)
local live = redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', prefix .. 'leases')
return { leases, live, orphans }
