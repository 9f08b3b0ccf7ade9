--[[
  Moves an account to a state, in the pool's slot where the scheduler reads it. A state already in force
  changes only when an upstream gives a later time for it (fifty requests failing together make one
  transition, not fifty).
  Family-scoped rate limits are kept beside the state and do not replace it.

  KEYS[1]  the account's scheduling hash in the pool slot (sched:<id>)
  ARGV[1]  now, ms
  ARGV[2]  new state: active | cooling | rate_limited | quota_exhausted | auth_failed
  ARGV[3]  until, ms (0 when the state has no end)
  ARGV[4]  reason
  ARGV[5]  model family the limit applies to, "" for the whole account

  Returns: { previous state or "active", previous until, 1 if this call changed anything }
]]
local now = tonumber(ARGV[1])
local kind, untilMs, reason, family = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local current = redis.call('HMGET', KEYS[1], 'state', 'until')
local previous = current[1] or 'active'
local previousUntil = tonumber(current[2] or '0')
-- A timed state whose time has passed is active again, whatever the hash still says.
if previous ~= 'auth_failed' and previous ~= 'active' and previousUntil <= now then
  previous, previousUntil = 'active', 0
end

if family ~= '' then
  local field = 'rl:' .. family
  local familyUntil = tonumber(redis.call('HGET', KEYS[1], field) or '0')
  if familyUntil >= untilMs then return { previous, previousUntil, 0 } end
  redis.call('HSET', KEYS[1], field, untilMs)
  return { previous, previousUntil, 1 }
end

if kind == 'active' then
  -- Family and model limits are cleared too: an account whose only limit was one model's is reset as well.
  local cleared = 0
  local fields = redis.call('HKEYS', KEYS[1])
  for _, field in ipairs(fields) do
    if field == 'state' or field == 'until' or field == 'reason' or string.sub(field, 1, 3) == 'rl:' then
      redis.call('HDEL', KEYS[1], field)
      cleared = 1
    end
  end
  if previous == 'active' and cleared == 0 then return { previous, previousUntil, 0 } end
  return { previous, previousUntil, 1 }
end

-- A state already in force is not renewed by the same failure seen again (concurrent requests that met the
-- same overload): only an upstream's own later time (a rate limit's reset, a quota's) extends it.
if previous == kind then
  local extendable = kind == 'rate_limited' or kind == 'quota_exhausted'
  if kind == 'auth_failed' or not extendable or previousUntil >= untilMs then
    return { previous, previousUntil, 0 }
  end
end
redis.call('HSET', KEYS[1], 'state', kind, 'until', untilMs, 'reason', reason)
return { previous, previousUntil, 1 }
