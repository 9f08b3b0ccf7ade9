--[[
  Records the signed-in user's answer to a pending device authorization: approved (with the user and the key
  the device will be bound to) or denied. Only a pending, unexpired authorization can be decided, once: a
  second approval of the same code (another tab, another user) is refused rather than rebinding the device.

  KEYS[1]  the authorization's hash ({gw}:da:<sha256 of the device code>)
  ARGV[1]  now, ms
  ARGV[2]  "approved" or "denied"
  ARGV[3]  the deciding user's id
  ARGV[4]  the key the device is bound to ("" when denied)

  Returns: { "ok" }, { "invalid" } (unknown code), { "expired" } or { "decided", status } (already answered).
]]
local a = redis.call('HMGET', KEYS[1], 'status', 'expires')
if not a[1] then return { 'invalid' } end
if tonumber(ARGV[1]) >= tonumber(a[2]) then return { 'expired' } end
if a[1] ~= 'pending' then return { 'decided', a[1] } end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'user', ARGV[3], 'key', ARGV[4], 'decided', ARGV[1])
return { 'ok' }
