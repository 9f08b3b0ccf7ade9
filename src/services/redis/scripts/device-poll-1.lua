--[[
  One token poll of a device authorization (RFC 8628 §3.4/§3.5), answered from its state in one step so two
  polls racing for an approved code cannot both receive tokens: the first marks it used, the second is told so.

  A poll sooner than the interval since the previous one is answered `slow_down`, and the interval grows by
  ARGV[2] as RFC 8628 asks (the client adds the same to its own); an early poll still counts as a poll.

  KEYS[1]  the authorization's hash ({gw}:da:<sha256 of the device code>): status (pending | approved |
           denied | used), expires (ms), interval (ms), polled (ms of the previous poll, absent before)
  ARGV[1]  now, ms
  ARGV[2]  how much slower a client that polled too fast must poll, ms
  ARGV[3]  tolerance: a poll this much early still counts as on time (timers and networks jitter), ms

  Returns: { "approved" } (now used: issue tokens once), { "pending" }, { "slow_down" }, { "denied" },
           { "used" } (a second exchange of one code), { "expired" } or { "invalid" } (unknown code).
]]
local now, step, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local a = redis.call('HMGET', KEYS[1], 'status', 'expires', 'interval', 'polled')
if not a[1] then return { 'invalid' } end
if a[1] == 'used' then return { 'used' } end
if now >= tonumber(a[2]) then return { 'expired' } end
if a[1] == 'denied' then return { 'denied' } end
local interval, polled = tonumber(a[3]), tonumber(a[4])
redis.call('HSET', KEYS[1], 'polled', now)
if a[1] == 'approved' then
  redis.call('HSET', KEYS[1], 'status', 'used')
  return { 'approved' }
end
if polled and now - polled < interval - tolerance then
  redis.call('HSET', KEYS[1], 'interval', interval + step)
  return { 'slow_down' }
end
return { 'pending' }
