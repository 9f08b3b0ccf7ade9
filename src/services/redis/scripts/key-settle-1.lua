--[[
  Settles a request on its key's slot: releases the concurrency lease, ends the request's claim (giving back
  its reservation) and charges the real cost to every spend counter, and adds the request's tokens and cost
  to the rate window. Counts once: only the call that ends the claim charges anything, so a retried settle,
  or one arriving after the reconciler ended the claim of an instance it thought dead, changes nothing.
  Settling with no usage (a request given back before it ran) only ends the lease and the claim.

  KEYS[1]  the key's lease set; every other key is ARGV[1] .. suffix in the same slot
  ARGV[1]  the key's slot prefix
  ARGV[2]  now, ms
  ARGV[3]  request id
  ARGV[4]  real cost, micro-USD
  ARGV[5]  tokens (input, output and cache, as the rate window counts them)
  ARGV[6]  rate window, ms, 0 for none
  ARGV[7]  rate window mode: "sliding" or "fixed"
  ARGV[8]  number of spend counters n, then n pairs: counter suffix, time to live seconds (0: keep); a suffix
           starting with "=" is a user's counter (includes/spend-counter.lua)

  Returns: 1 when this call settled the request, 0 when its claim had already ended.
]]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local requestId = ARGV[3]

-- @include spend-counter
-- @include release-claim
-- @include rate-window

redis.call('ZREM', KEYS[1], requestId)
if not releaseClaim(requestId) then return 0 end

local cost = tonumber(ARGV[4])
local tokens = tonumber(ARGV[5])
if cost > 0 then
  local at = 9
  for _ = 1, tonumber(ARGV[8]) do
    charge(ARGV[at], cost, ARGV[at + 1])
    at = at + 2
  end
end

local windowMs = tonumber(ARGV[6])
if windowMs > 0 then windowAdd(windowMs, ARGV[7], now, { t = tokens, c = cost }) end
return 1
