--[[
  Settles requests of one key on its key's slot (or their owner's side, in the owner's slot), all those of one
  settle batch in one call: for each request,
  releases the concurrency lease, ends its claim (giving back its reservation) and charges the real cost to
  every spend counter; the requests' tokens and cost go to the rate window. Counts once: only the call that ends
  a claim charges anything for it, so a retried settle, or one arriving after the reconciler ended the claim of
  an instance it thought dead, changes nothing. Settling with no usage (a request given back before it ran)
  only ends the lease and the claim. Charges to the same counter are added up first and written once.

  KEYS[1]  the key's lease set
  KEYS[2..] every other key it touches, each ARGV[1] .. suffix: claims, claims-exp, reserved, the rate window's
           (with a window; see rate-window.lua) and every spend counter charged
  ARGV[1]  the key's slot prefix
  ARGV[2]  now, ms
  ARGV[3]  rate window, ms, 0 for none
  ARGV[4]  rate window mode: "sliding" or "fixed"
  ARGV[5]  number of requests m, then for each: request id, real cost in micro-USD, tokens (input, output and
           cache, as the rate window counts them), number of spend counters n, then n pairs: counter suffix,
           time to live seconds (0: keep)

  Returns: how many of the requests this call settled (a claim that had already ended counts 0).
]]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])

-- @include declared-keys
-- @include spend-counter
-- @include release-claim
-- @include rate-window

local settled, tokens, cost = 0, 0, 0
local charges, ttls, order = {}, {}, {}
local at = 6
for _ = 1, tonumber(ARGV[5]) do
  local requestId = ARGV[at]
  local requestCost = tonumber(ARGV[at + 1])
  local requestTokens = tonumber(ARGV[at + 2])
  local first = at + 4
  at = first + 2 * tonumber(ARGV[at + 3])
  redis.call('ZREM', KEYS[1], requestId)
  if releaseClaim(requestId) then
    settled = settled + 1
    tokens = tokens + requestTokens
    cost = cost + requestCost
    if requestCost > 0 then
      for index = first, at - 1, 2 do
        local suffix = ARGV[index]
        if not charges[suffix] then
          charges[suffix] = 0
          ttls[suffix] = ARGV[index + 1]
          order[#order + 1] = suffix
        end
        charges[suffix] = charges[suffix] + requestCost
      end
    end
  end
end

for _, suffix in ipairs(order) do charge(suffix, charges[suffix], ttls[suffix]) end
local windowMs = tonumber(ARGV[3])
if windowMs > 0 and settled > 0 then windowAdd(windowMs, ARGV[4], now, { t = tokens, c = cost }) end
return settled
