--[[
  Records assignments of one experiment, first writer wins; a new one counts as an exposure
  of its variant and, when it has a day, as an exposure of that day, and keeps its
  covariates, counted in its variant (one script: atomic). A losing writer changes nothing.

  Input:
    KEYS[1] assignments hash        (entity -> variant)
    KEYS[2] exposures hash          (variant -> count)
    KEYS[3] exposures-by-day hash   (day NUL variant -> count)
    KEYS[4] entity covariates hash  (entity -> "name NUL value NUL name NUL value ...")
    KEYS[5] covariates hash         (name NUL variant NUL entities|sum|sumSquares -> number)
    ARGV    entity, variant, day, covariates, entity, variant, day, covariates, ...
            (day: the UTC day "YYYY-MM-DD" of the assignment, "" when it has none;
             covariates: "name NUL value ..." as KEYS[4] keeps them, "" for none; values are
             finite numbers, checked by the caller)
  Output:
    the variant stored for each entity, in order
]]
--- @include "addTo"

local stored = {}
for i = 1, #ARGV, 4 do
  local entity, variant, day, covariates = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if redis.call("HSETNX", KEYS[1], entity, variant) == 1 then
    redis.call("HINCRBY", KEYS[2], variant, 1)
    if day ~= "" then
      redis.call("HINCRBY", KEYS[3], day .. "\0" .. variant, 1)
    end
    if covariates ~= "" then
      redis.call("HSET", KEYS[4], entity, covariates)
      local name = nil
      for part in string.gmatch(covariates, "[^%z]+") do
        if name == nil then
          name = part
        else
          local x = tonumber(part)
          local field = name .. "\0" .. variant .. "\0"
          redis.call("HINCRBY", KEYS[5], field .. "entities", 1)
          addTo(KEYS[5], field .. "sum", x)
          addTo(KEYS[5], field .. "sumSquares", x * x)
          name = nil
        end
      end
    end
    stored[#stored + 1] = variant
  else
    stored[#stored + 1] = redis.call("HGET", KEYS[1], entity)
  end
end
return stored
