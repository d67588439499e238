--[[
  Records assignments of one experiment, first writer wins; a new one counts as an exposure.

  Input:
    KEYS[1] assignments hash (entity -> variant)
    KEYS[2] exposures hash   (variant -> count)
    ARGV    entity, variant, entity, variant, ...
  Output:
    the variant stored for each entity, in order
]]
local stored = {}
for i = 1, #ARGV, 2 do
  if redis.call("HSETNX", KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call("HINCRBY", KEYS[2], ARGV[i + 1], 1)
    stored[#stored + 1] = ARGV[i + 1]
  else
    stored[#stored + 1] = redis.call("HGET", KEYS[1], ARGV[i])
  end
end
return stored
