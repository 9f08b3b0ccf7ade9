-- Every key the script touches is declared in KEYS and reached through `key(suffix)`: on a Redis Cluster, whose
-- checks look only at KEYS, a script then runs whole on the node holding all of its keys or is refused before
-- it starts (TRYAGAIN or ASK while its slot is being moved), instead of failing halfway, after some of its
-- writes, on a key already moved. Keys are found by their name after the slot prefix (`prefix`, in scope). A
-- name the caller did not declare is the caller's bug: the script stops rather than reach an unchecked key.
local declared = {}
for _, name in ipairs(KEYS) do
  if string.sub(name, 1, #prefix) ~= prefix then error('key outside the slot prefix: ' .. name) end
  declared[string.sub(name, #prefix + 1)] = name
end

local function key(suffix)
  local name = declared[suffix]
  if name == nil then error('undeclared key: ' .. suffix) end
  return name
end
