-- Ends one request's claim on its key: gives its reserved amount back to every spend counter it was reserved
-- against and forgets the claim. Needs declared-keys first. Returns the claim record,
-- or false when there was none (already settled, or reclaimed by the reconciler). Needs spend-counter first.
-- A claim is stored as "<reserved micros>|<limited counter suffixes, comma-separated>|<rest>"; see admission-n.lua.
local function releaseClaim(requestId)
  redis.call('ZREM', key('claims-exp'), requestId)
  local record = redis.call('HGET', key('claims'), requestId)
  if not record then return false end
  local first = string.find(record, '|', 1, true)
  local second = string.find(record, '|', first + 1, true)
  local amount = tonumber(string.sub(record, 1, first - 1))
  if amount > 0 then
    for suffix in string.gmatch(string.sub(record, first + 1, second - 1), '[^,]+') do
      reserve(suffix, -amount)
    end
  end
  redis.call('HDEL', key('claims'), requestId)
  return record
end
