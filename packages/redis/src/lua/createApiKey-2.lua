--[[
  Stores a new API key record unless its id or hash exists.

  Input:
    KEYS[1] keys hash (id -> JSON), KEYS[2] hash index (hash -> id)
    ARGV[1] id, ARGV[2] hash, ARGV[3] record JSON
  Output:
    0 on success, -7 when the id or the hash exists
]]
if redis.call("HEXISTS", KEYS[1], ARGV[1]) == 1 or redis.call("HEXISTS", KEYS[2], ARGV[2]) == 1 then
  return -7
end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[3])
redis.call("HSET", KEYS[2], ARGV[2], ARGV[1])
return 0
