-- Where a spend counter lives. A suffix names a key in the API key's slot (`prefix .. suffix`), with its
-- reservations in the key's `reserved` hash; a suffix starting with "=" is the whole name of a counter shared
-- by all the keys of one user (their per-user spend limits), with its reservations beside it at
-- "<name>:reserved". Expects `prefix` (the key's slot prefix) in scope.
-- (Those shared counters sit in the user's slot, outside the key's: one more reason this script needs a
-- single Redis or a cluster-aware key layout; see docs/architecture.md, "Spend limits per user".)
local function counterKey(suffix)
  if string.byte(suffix, 1) == 61 then return string.sub(suffix, 2) end
  return prefix .. suffix
end

local function reservedOf(suffix)
  if string.byte(suffix, 1) == 61 then
    return tonumber(redis.call('GET', string.sub(suffix, 2) .. ':reserved') or '0')
  end
  return tonumber(redis.call('HGET', prefix .. 'reserved', suffix) or '0')
end

-- Adds `amount` (negative to give back) to what is reserved against a counter; nothing is kept at zero.
local function reserve(suffix, amount)
  if string.byte(suffix, 1) == 61 then
    local name = string.sub(suffix, 2) .. ':reserved'
    if redis.call('INCRBY', name, amount) <= 0 then redis.call('DEL', name) end
    return
  end
  if redis.call('HINCRBY', prefix .. 'reserved', suffix, amount) <= 0 then
    redis.call('HDEL', prefix .. 'reserved', suffix)
  end
end

-- Charges a settled cost to a counter; the expiry is set once, by the increment that creates the period's
-- counter (ttl 0: kept for good).
local function charge(suffix, cost, ttl)
  local name = counterKey(suffix)
  if redis.call('INCRBY', name, cost) == cost and tonumber(ttl) > 0 then redis.call('EXPIRE', name, ttl) end
end
