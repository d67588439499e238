--[[
  Appends an execution log and adds its metrics to the summaries of its variant.

  Input:
    KEYS[1] logs hash (id -> JSON)
    KEYS[2] the experiment's log index (sorted set of ids, all at score 0: ordered by id)
    KEYS[3] the experiment's log summaries hash
    ARGV[1] id, ARGV[2] log JSON, ARGV[3] variant key,
    then 3 values per metric: name, value, sketch bucket
  Output:
    0 on success, -6 when the id exists
]]
--- @include "addTo"

if redis.call("HSETNX", KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return -6
end
redis.call("ZADD", KEYS[2], 0, ARGV[1])
for i = 4, #ARGV, 3 do
  local prefix = ARGV[3] .. "\0" .. ARGV[i] .. "\0"
  redis.call("HINCRBY", KEYS[3], prefix .. "count", 1)
  local value = tonumber(ARGV[i + 1])
  addTo(KEYS[3], prefix .. "sum", value)
  -- As planLog: the square, and one more log whose square is kept (see LogMetricSummary).
  addTo(KEYS[3], prefix .. "sumSquares", value * value)
  redis.call("HINCRBY", KEYS[3], prefix .. "squared", 1)
  redis.call("HINCRBY", KEYS[3], prefix .. "b:" .. ARGV[i + 2], 1)
end
return 0
