--[[
  Attaches a score to a log unless the log holds one with the same key, and adds a new
  score's increments (core's planScore) to the log summaries of its experiment.

  Input:
    KEYS[1] the project's logs hash (id -> JSON)
    KEYS[2] the log's score positions hash (score key -> index in KEYS[3])
    KEYS[3] the log's scores list (JSON, oldest first)
    KEYS[4] the experiment's log summaries hash
    ARGV[1] log id, ARGV[2] score key, ARGV[3] score JSON,
    then 2 values per summary increment: hash field, delta
  Output:
    false when the log does not exist; { 1, score JSON } for a new score;
    { 0, stored score JSON } when the key was taken
]]
--- @include "addTo"

if redis.call("HEXISTS", KEYS[1], ARGV[1]) == 0 then
  return false
end
local at = redis.call("HGET", KEYS[2], ARGV[2])
if at then
  return { 0, redis.call("LINDEX", KEYS[3], tonumber(at)) }
end
local length = redis.call("RPUSH", KEYS[3], ARGV[3])
redis.call("HSET", KEYS[2], ARGV[2], length - 1)
for i = 4, #ARGV, 2 do
  addTo(KEYS[4], ARGV[i], tonumber(ARGV[i + 1]))
end
return { 1, ARGV[3] }
