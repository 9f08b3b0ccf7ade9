--[[
  Releases what crashed instances left on a key: reservations and concurrency leases whose expiry passed (the
  instance that held them stopped renewing). Safe to run from several instances at once.

  KEYS[1]  the key's reservation expiry set (member: request id, score: expiry ms); other keys are
           ARGV[1] .. suffix in the same slot
  ARGV[1]  the key's slot prefix
  ARGV[2]  now, ms

  Returns: { reservations released, leases removed, reservations and leases still live }
]]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])

-- @include release-reservation

local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, requestId in ipairs(expired) do releaseReservation(requestId) end
local leases = redis.call('ZREMRANGEBYSCORE', prefix .. 'leases', '-inf', now)
local live = redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', prefix .. 'leases')
return { #expired, leases, live }
