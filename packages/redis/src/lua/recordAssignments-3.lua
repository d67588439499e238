--[[
  Records assignments of one experiment, first writer wins; a new one counts as an exposure
  of its variant and, when it has a day, as an exposure of that day (one script: atomic).

  Input:
    KEYS[1] assignments hash      (entity -> variant)
    KEYS[2] exposures hash        (variant -> count)
    KEYS[3] exposures-by-day hash (day NUL variant -> count)
    ARGV    entity, variant, day, entity, variant, day, ...
            (day: the UTC day "YYYY-MM-DD" of the assignment, "" when it has none)
  Output:
    the variant stored for each entity, in order
]]
local stored = {}
for i = 1, #ARGV, 3 do
  local entity, variant, day = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if redis.call("HSETNX", KEYS[1], entity, variant) == 1 then
    redis.call("HINCRBY", KEYS[2], variant, 1)
    if day ~= "" then
      redis.call("HINCRBY", KEYS[3], day .. "\0" .. variant, 1)
    end
    stored[#stored + 1] = variant
  else
    stored[#stored + 1] = redis.call("HGET", KEYS[1], entity)
  end
end
return stored
