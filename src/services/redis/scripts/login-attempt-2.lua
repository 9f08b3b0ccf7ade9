--[[
  Takes one sign-in attempt for a username from an address, before the password is checked: attempts that
  race (a batch, parallel requests) are counted one at a time, so none gets past a limit. Every attempt counts
  as a failure until login-success-2.lua clears it; a refused attempt changes nothing.

  Per username+address pair, the first ARGV[2] attempts are free; after that each attempt must wait ARGV[3]
  ms, doubling with every further attempt up to ARGV[4] ms. Only that pair waits: a guesser elsewhere cannot
  lock the user out. Per address, pairs not trusted yet may make ARGV[6] attempts per ARGV[7] ms window, which
  stops one client guessing across usernames; a pair that signed in before is trusted and exempt, so users
  behind a shared proxy keep signing in while someone there guesses.

  KEYS[1]  the pair's hash ({login:<address>}:user:<username>): fails, until (ms), trusted ("1" or absent)
  KEYS[2]  the address's attempt counter ({login:<address>}:address), in the same slot
  ARGV[1]  now, ms
  ARGV[2]  free attempts per pair
  ARGV[3]  first wait, ms
  ARGV[4]  longest wait, ms
  ARGV[5]  how long a pair's state outlives its last attempt, ms (at least the longest wait)
  ARGV[6]  attempts per address and window, for pairs not trusted
  ARGV[7]  address window, ms

  Returns: { "ok", charged } where charged is 1 when the attempt counted against the address, or
           { "wait", ms } when the pair or the address must wait that long first.
]]
local now = tonumber(ARGV[1])
local free, first, longest = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local keep, per_address, window = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])

local pair = redis.call('HMGET', KEYS[1], 'fails', 'until', 'trusted')
local fails = tonumber(pair[1]) or 0
local wait_until = tonumber(pair[2]) or 0
if now < wait_until then return { 'wait', wait_until - now } end

local charged = 0
if pair[3] ~= '1' then
  local count = tonumber(redis.call('GET', KEYS[2])) or 0
  if count >= per_address then
    local left = redis.call('PTTL', KEYS[2])
    if left <= 0 then left = window end
    return { 'wait', left }
  end
  -- The window starts with its first attempt; later ones do not extend it.
  if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], window) end
  charged = 1
end

fails = fails + 1
local next_at = 0
if fails >= free then
  -- The exponent is capped so the product stays an exact integer long after the wait reached its ceiling.
  next_at = now + math.min(first * 2 ^ math.min(fails - free, 40), longest)
end
redis.call('HSET', KEYS[1], 'fails', fails, 'until', math.floor(next_at))
-- A trusted pair keeps its longer life; anything else is forgotten `keep` ms after its last attempt.
if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
return { 'ok', charged }
