--[[
  Moves one alert rule's subject between ok and firing, once across every instance evaluating it: the first
  instance to see a change makes it, the others find it made. A firing is announced only if the subject has
  not been announced for this rule within the cool-down; a resolution only if its firing was announced.

  KEYS[1]  the rule's firing subjects (hash: subject -> "<fired at ms>:<1 if announced else 0>")
  KEYS[2]  the rule's last announcement per subject (hash: subject -> ms)
  ARGV[1]  subject
  ARGV[2]  "firing" or "ok"
  ARGV[3]  now, ms
  ARGV[4]  cool-down, ms

  Returns: "fire:<ms>" (announce a firing), "resolve:<fired at ms>" (announce its end), "quiet" (a change
  made but not announced: within the cool-down, or ending an unannounced firing), or "none" (no change).
]]
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == 'firing' then
  if current then return 'none' end
  local now = tonumber(ARGV[3])
  local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
  if now - last < tonumber(ARGV[4]) then
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[3] .. ':0')
    return 'quiet'
  end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3] .. ':1')
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
  -- Kept as long as a cool-down can matter; renewed by every announcement of any subject of the rule.
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]) * 2)
  return 'fire:' .. ARGV[3]
end
if not current then return 'none' end
redis.call('HDEL', KEYS[1], ARGV[1])
local split = string.find(current, ':', 1, true)
if split and string.sub(current, split + 1) == '1' then
  return 'resolve:' .. string.sub(current, 1, split - 1)
end
return 'quiet'
