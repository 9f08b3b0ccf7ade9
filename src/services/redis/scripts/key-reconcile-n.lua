--[[
  Ends what dead instances left on a key: the claims whose expiry passed before a cutoff (their instance
  stopped renewing them) and expired concurrency leases. An ended claim gives its reservation back and is
  charged its estimated cost (the input estimate made at admission) in every spend counter, and is returned so
  the caller can write its ledger entry (outcome instance_lost). Safe to run from several instances at once:
  a claim ends once, here or in a settle. The counters a claim charges are named in its record, so the caller
  reads the expired claims first and declares their counters; a claim is ended here only while it is still
  expired and every counter it names was declared (one admitted since waits for the next pass).

  KEYS[1]  the key's lease set
  KEYS[2..] every other key it touches, each ARGV[1] .. suffix: claims-exp (the claims' expiry set, member:
           request id, score: expiry ms), claims, reserved, and every spend counter named by the claims to end
  ARGV[1]  the key's slot prefix
  ARGV[2]  cutoff, ms: claims and leases that expired before it are ended
  ARGV[3..] the request ids of the claims to end, as the caller read them from claims-exp

  A claim record is "<reserved micros>|<limited suffixes>|<charged counters>|<estimated micros>|<info JSON>",
  where charged counters are "<suffix>:<ttl seconds>" pairs, comma-separated (ttl 0: keep).

  Returns: { leases removed, claims and leases still live, { request id, claim record, ... } }
]]
local prefix = ARGV[1]
local cutoff = tonumber(ARGV[2])

-- @include declared-keys
-- @include spend-counter
-- @include release-claim

-- The counters a claim record charges (suffix and time to live) and the estimate to charge them.
local function charges(record)
  local first = string.find(record, '|', 1, true)
  local second = string.find(record, '|', first + 1, true)
  local third = string.find(record, '|', second + 1, true)
  local fourth = string.find(record, '|', third + 1, true)
  local counters = {}
  for item in string.gmatch(string.sub(record, second + 1, third - 1), '[^,]+') do
    -- Suffixes contain colons themselves: the time to live is what follows the last one.
    local suffix, ttl = string.match(item, '^(.*):(%d+)$')
    if suffix then counters[#counters + 1] = { suffix, ttl } end
  end
  return counters, tonumber(string.sub(record, third + 1, fourth - 1))
end

-- Whether a claim may end now: still expired (not settled or renewed since the caller read it), with every
-- counter it charges declared; and if so, those counters and the estimate.
local function endable(requestId)
  local expiry = redis.call('ZSCORE', key('claims-exp'), requestId)
  if not expiry or tonumber(expiry) > cutoff then return false end
  local record = redis.call('HGET', key('claims'), requestId)
  if not record then return true, {}, 0 end
  local counters, estimate = charges(record)
  for _, counter in ipairs(counters) do
    if declared[counter[1]] == nil then return false end
  end
  return true, counters, estimate
end

local orphans = {}
for index = 3, #ARGV do
  local requestId = ARGV[index]
  local ok, counters, estimate = endable(requestId)
  if ok then
    redis.call('ZREM', key('leases'), requestId)
    local record = releaseClaim(requestId)
    if record then
      if estimate > 0 then
        for _, counter in ipairs(counters) do charge(counter[1], estimate, counter[2]) end
      end
      orphans[#orphans + 1] = requestId
      orphans[#orphans + 1] = record
    end
  end
end
local leases = redis.call('ZREMRANGEBYSCORE', key('leases'), '-inf', cutoff)
local live = redis.call('ZCARD', key('claims-exp')) + redis.call('ZCARD', key('leases'))
return { leases, live, orphans }
