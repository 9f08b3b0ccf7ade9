-- Gives one request's reserved amount back to every spend counter it was reserved against and forgets it.
-- Expects `prefix` (the key's slot prefix) in scope. A reservation is stored as "<micros>|<suffix>,<suffix>".
local function releaseReservation(requestId)
  local record = redis.call('HGET', prefix .. 'resv', requestId)
  if record then
    local sep = string.find(record, '|', 1, true)
    local amount = tonumber(string.sub(record, 1, sep - 1))
    for suffix in string.gmatch(string.sub(record, sep + 1), '[^,]+') do
      if redis.call('HINCRBY', prefix .. 'reserved', suffix, -amount) <= 0 then
        redis.call('HDEL', prefix .. 'reserved', suffix)
      end
    end
    redis.call('HDEL', prefix .. 'resv', requestId)
  end
  redis.call('ZREM', prefix .. 'resv-exp', requestId)
end
