-- Where a spend counter lives: a suffix names a key in the script's slot (`key(suffix)`), with its
-- reservations in the slot's `reserved` hash. The slot is an API key's, or a user's for the counters shared by
-- all their keys (their per-user spend limits), which the same scripts keep in the user's slot. Needs
-- declared-keys first.
local function reservedOf(suffix)
  return tonumber(redis.call('HGET', key('reserved'), suffix) or '0')
end

-- Adds `amount` (negative to give back) to what is reserved against a counter; nothing is kept at zero.
local function reserve(suffix, amount)
  if redis.call('HINCRBY', key('reserved'), suffix, amount) <= 0 then
    redis.call('HDEL', key('reserved'), suffix)
  end
end

-- Charges a settled cost to a counter; the expiry is set once, by the increment that creates the period's
-- counter (ttl 0: kept for good).
local function charge(suffix, cost, ttl)
  local name = key(suffix)
  if redis.call('INCRBY', name, cost) == cost and tonumber(ttl) > 0 then redis.call('EXPIRE', name, ttl) end
end
