--[[
  Records assignments of one experiment, first writer wins; a new one counts as an exposure
  of its variant and, when it has a day, as an exposure of that day, and keeps its
  covariates, counted in its variant, and the slices of its dimensions, counted as exposures
  of its variant in each (one script: atomic). A losing writer changes nothing.

  Input:
    KEYS[1] assignments hash        (entity -> variant)
    KEYS[2] exposures hash          (variant -> count)
    KEYS[3] exposures-by-day hash   (day NUL variant -> count)
    KEYS[4] entity covariates hash  (entity -> "name NUL value NUL name NUL value ...")
    KEYS[5] covariates hash         (name NUL variant NUL entities|sum|sumSquares -> number)
    KEYS[6] entity slices hash      (entity -> "dimension NUL slice NUL dimension NUL slice ...")
    KEYS[7] slices hash             ("e NUL dimension NUL slice NUL variant" -> exposures,
                                     "m NUL ..." metric aggregates (applyEvents),
                                     "v NUL dimension NUL slice" -> 1 for each value kept,
                                     "k NUL dimension" -> how many values are kept)
    ARGV    entity, variant, day, covariates, slices, entity, variant, day, covariates, ...
            (day: the UTC day "YYYY-MM-DD" of the assignment, "" when it has none;
             covariates: "name NUL value ..." as KEYS[4] keeps them, "" for none; values are
             finite numbers, checked by the caller;
             slices: "dimension NUL slice ..." with each value's slice key (sliceKey in
             @abkit/core) or "none", "" without dimensions; past MAX_SLICE_VALUES values of a
             dimension, a new value counts as "other")
  Output:
    the variant stored for each entity, in order
]]
--- @include "addTo"

-- MAX_SLICE_VALUES in @abkit/core.
local MAX_SLICE_VALUES = 200

-- The slice a value counts in: its own while the dimension keeps fewer than
-- MAX_SLICE_VALUES values (or already keeps it), else "other".
local function capped(dimension, slice)
  if slice == "none" or slice == "other" then
    return slice
  end
  if redis.call("HEXISTS", KEYS[7], "v\0" .. dimension .. "\0" .. slice) == 1 then
    return slice
  end
  if tonumber(redis.call("HGET", KEYS[7], "k\0" .. dimension) or "0") >= MAX_SLICE_VALUES then
    return "other"
  end
  redis.call("HSET", KEYS[7], "v\0" .. dimension .. "\0" .. slice, 1)
  redis.call("HINCRBY", KEYS[7], "k\0" .. dimension, 1)
  return slice
end

local stored = {}
for i = 1, #ARGV, 5 do
  local entity, variant, day, covariates = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local slices = ARGV[i + 4]
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
    if slices ~= "" then
      local kept = {}
      local dimension = nil
      for part in string.gmatch(slices, "[^%z]+") do
        if dimension == nil then
          dimension = part
        else
          local slice = capped(dimension, part)
          kept[#kept + 1] = dimension
          kept[#kept + 1] = slice
          redis.call("HINCRBY", KEYS[7], "e\0" .. dimension .. "\0" .. slice .. "\0" .. variant, 1)
          dimension = nil
        end
      end
      redis.call("HSET", KEYS[6], entity, table.concat(kept, "\0"))
    end
    stored[#stored + 1] = variant
  else
    stored[#stored + 1] = redis.call("HGET", KEYS[1], entity)
  end
end
return stored
