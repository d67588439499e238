--[[
  Deletes a definition at an expected revision and bumps the project's definitions version.

  Input:
    KEYS[1] definitions hash, KEYS[2] definition ids hash, KEYS[3] version counter
    ARGV[1] kind, ARGV[2] key, ARGV[3] expected revision
  Output:
    { 0, newVersion }
    { -1, storedRevision }  the stored revision is not the expected one
    { -4 }                  no such definition
]]
local field = ARGV[1] .. ":" .. ARGV[2]
local current = redis.call("HGET", KEYS[1], field)
if not current then
  return { -4 }
end
local record = cjson.decode(current)
if record.revision ~= tonumber(ARGV[3]) then
  return { -1, record.revision }
end
redis.call("HDEL", KEYS[1], field)
redis.call("HDEL", KEYS[2], ARGV[1] .. ":" .. record.id)
return { 0, redis.call("INCR", KEYS[3]) }
