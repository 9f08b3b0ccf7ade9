--[[
  Settles a request on its key's slot: releases the concurrency lease, replaces the cost reservation with the
  real cost in every spend counter, and adds the request's tokens and cost to the rate window. Idempotent by
  request id: a second settle releases nothing twice and counts nothing twice. Settling with no usage (a
  request refused after admission) releases the lease and reservation only.

  KEYS[1]  the key's lease set; every other key is ARGV[1] .. suffix in the same slot
  ARGV[1]  the key's slot prefix
  ARGV[2]  now, ms
  ARGV[3]  request id
  ARGV[4]  seconds to remember that the request was settled
  ARGV[5]  real cost, micro-USD
  ARGV[6]  tokens (input, output and cache, as the rate window counts them)
  ARGV[7]  rate window, ms, 0 for none
  ARGV[8]  rate window mode: "sliding" or "fixed"
  ARGV[9]  number of spend counters n, then n pairs: counter suffix, time to live seconds (0: keep)

  Returns: 1 when this call settled the request, 0 when it had been settled before.
]]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local requestId = ARGV[3]

-- @include release-reservation
-- @include rate-window

redis.call('ZREM', KEYS[1], requestId)
releaseReservation(requestId)
if not redis.call('SET', prefix .. 'settled:' .. requestId, '1', 'NX', 'EX', ARGV[4]) then
  return 0
end

local cost = tonumber(ARGV[5])
local tokens = tonumber(ARGV[6])
if cost > 0 then
  local at = 10
  for _ = 1, tonumber(ARGV[9]) do
    -- The expiry is set once, by the increment that creates the period's counter.
    if redis.call('INCRBY', prefix .. ARGV[at], cost) == cost and tonumber(ARGV[at + 1]) > 0 then
      redis.call('EXPIRE', prefix .. ARGV[at], ARGV[at + 1])
    end
    at = at + 2
  end
end

local windowMs = tonumber(ARGV[7])
if windowMs > 0 then windowAdd(windowMs, ARGV[8], now, { t = tokens, c = cost }) end
return 1
