--[[
  Rotates a refresh token: the presented token is spent and a new one of the same family is issued, in one
  step. A spent token presented again means it was stolen (or replayed): the whole family is revoked, so
  both the thief's and the owner's next refresh fail. A family lives while its key exists; logout deletes it.
  The caller reads the presented token's family first, to declare the family's key.

  KEYS[1]  the presented token's record ({auth}:rt:<sha256>)
  KEYS[2]  the new token's record
  KEYS[3]  the presented token's family ({auth}:rf:<family id>), as the caller read it from KEYS[1]
  ARGV[1]  that family id
  ARGV[2]  now, ms
  ARGV[3]  lifetime of the new token (and of the family from now), ms

  Returns: { "ok", user id, family id, session version } or { "invalid" } (unknown or expired token),
           { "revoked" } (its family was ended) or { "reused" } (a spent token; the family is now revoked).
]]
local now, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
local token = redis.call('HMGET', KEYS[1], 'user', 'family', 'used', 'exp', 'ver')
-- A token's family never changes; a record naming another one than the caller read is not the token it read.
if not token[1] or tonumber(token[4]) <= now or token[2] ~= ARGV[1] then return { 'invalid' } end
if redis.call('EXISTS', KEYS[3]) == 0 then return { 'revoked' } end
if token[3] == '1' then
  redis.call('DEL', KEYS[3])
  return { 'reused' }
end
-- The spent token is kept until it would have expired, so its reuse is still recognised.
redis.call('HSET', KEYS[1], 'used', '1')
redis.call('HSET', KEYS[2], 'user', token[1], 'family', token[2], 'used', '0', 'exp', now + ttl, 'ver', token[5])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return { 'ok', token[1], token[2], token[5] }
