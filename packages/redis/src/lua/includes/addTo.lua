--[[
  Adds delta to a number kept as text in a hash field (absent reads as 0); returns the value
  it held before.
]]
--- @include "formatNumber"

local function addTo(key, field, delta)
  local current = tonumber(redis.call("HGET", key, field) or "0")
  redis.call("HSET", key, field, formatNumber(current + delta))
  return current
end
