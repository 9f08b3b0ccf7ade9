--[[
  Applies one batch of aggregated ledger entries to the usage rollups and moves the cursor, atomically. The
  cursor check makes a batch apply exactly once even if two instances aggregate the same entries.

  KEYS[1]  rollup cursor (id of the last ledger entry applied)
  KEYS[2..] every rollup key the batch writes, each ARGV[3] .. suffix
  ARGV[1]  the cursor value the batch was read after ("" when none yet)
  ARGV[2]  the new cursor: id of the batch's last entry
  ARGV[3]  the {usage} slot prefix
  ARGV[4]  number of hash keys H, then per key: suffix, ttl seconds, pair count c, c × (field, increment)
  then     number of ranking keys R, then per key: suffix, ttl seconds, pair count c, c × (member, increment)

  Returns: 1 when applied, 0 when the cursor had moved (the batch was applied by someone else).
]]
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then
  return 0
end
local prefix = ARGV[3]

-- @include declared-keys

local hashes = tonumber(ARGV[4])
local at = 5
for _ = 1, hashes do
  local name = key(ARGV[at])
  local ttl = ARGV[at + 1]
  local count = tonumber(ARGV[at + 2])
  at = at + 3
  for _ = 1, count do
    redis.call('HINCRBY', name, ARGV[at], ARGV[at + 1])
    at = at + 2
  end
  redis.call('EXPIRE', name, ttl)
end
local rankings = tonumber(ARGV[at])
at = at + 1
for _ = 1, rankings do
  local name = key(ARGV[at])
  local ttl = ARGV[at + 1]
  local count = tonumber(ARGV[at + 2])
  at = at + 3
  for _ = 1, count do
    redis.call('ZINCRBY', name, ARGV[at + 1], ARGV[at])
    at = at + 2
  end
  redis.call('EXPIRE', name, ttl)
end
redis.call('SET', KEYS[1], ARGV[2])
return 1
