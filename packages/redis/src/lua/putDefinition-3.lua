--[[
  Creates or replaces a definition at an expected revision, and bumps the project's
  definitions version in the same script.

  Input:
    KEYS[1] definitions hash   (field "<kind>:<key>" -> record JSON)
    KEYS[2] definition ids hash (field "<kind>:<id>" -> key)
    KEYS[3] version counter
    ARGV[1] kind
    ARGV[2] key
    ARGV[3] id
    ARGV[4] expected revision (0 to create)
    ARGV[5] record JSON
  Output:
    { 0, newVersion }
    { -1, storedRevision }  the stored revision is not the expected one
    { -2, ownerKey }        creating with an id another key holds
    { -3, storedId }        replacing with another id
]]
local field = ARGV[1] .. ":" .. ARGV[2]
local current = redis.call("HGET", KEYS[1], field)
local actual = 0
local storedId = false
if current then
  local record = cjson.decode(current)
  actual = record.revision
  storedId = record.id
end
if actual ~= tonumber(ARGV[4]) then
  return { -1, actual }
end
if storedId and storedId ~= ARGV[3] then
  return { -3, storedId }
end
if not current then
  local idField = ARGV[1] .. ":" .. ARGV[3]
  local owner = redis.call("HGET", KEYS[2], idField)
  if owner then
    return { -2, owner }
  end
  redis.call("HSET", KEYS[2], idField, ARGV[2])
end
redis.call("HSET", KEYS[1], field, ARGV[5])
return { 0, redis.call("INCR", KEYS[3]) }
