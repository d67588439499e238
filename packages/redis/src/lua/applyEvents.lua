--[[
  Applies a batch of events: dedup, per-entity running totals and per-variant aggregates.
  Every input is checked before the first write, so a bad batch changes nothing (Redis has
  no rollback).

  Input:
    KEYS[1] idempotency keys set
    KEYS[2] events list (JSON of every accepted event)
    KEYS[3 + 3(j-1)], KEYS[4 + 3(j-1)], KEYS[5 + 3(j-1)]: for experiment j, its
      assignments hash, entity totals hash and aggregates hash
    ARGV[1] number of events; then 6 values per event:
      entity, metric, value, idempotency key ("" for none),
      experiment indexes ("1,3": which j to attribute to), event JSON
  Output:
    { accepted, deduped }
    { -5, eventIndex }  a value is not a finite number
]]
local count = tonumber(ARGV[1])
local FIELDS = 6

-- Check everything first.
for e = 0, count - 1 do
  local value = tonumber(ARGV[2 + e * FIELDS + 2])
  if value == nil or value ~= value or value == math.huge or value == -math.huge then
    return { -5, e }
  end
end

local function fmt(x)
  return string.format("%.17g", x)
end

local accepted = 0
for e = 0, count - 1 do
  local base = 2 + e * FIELDS
  local entity, metric = ARGV[base], ARGV[base + 1]
  local value = tonumber(ARGV[base + 2])
  local key = ARGV[base + 3]
  local fresh = key == "" or redis.call("SADD", KEYS[1], key) == 1
  if fresh then
    accepted = accepted + 1
    redis.call("RPUSH", KEYS[2], ARGV[base + 5])
    for j in string.gmatch(ARGV[base + 4], "%d+") do
      local k = 3 + (tonumber(j) - 1) * 3
      local variant = redis.call("HGET", KEYS[k], entity)
      if variant then
        local totalField = metric .. "\0" .. entity
        local events = redis.call("HINCRBY", KEYS[k + 1], "n\0" .. totalField, 1)
        local total = tonumber(redis.call("HGET", KEYS[k + 1], "s\0" .. totalField) or "0")
        redis.call("HSET", KEYS[k + 1], "s\0" .. totalField, fmt(total + value))
        local aggregate = metric .. "\0" .. variant .. "\0"
        redis.call("HINCRBY", KEYS[k + 2], aggregate .. "events", 1)
        local sum = tonumber(redis.call("HGET", KEYS[k + 2], aggregate .. "sum") or "0")
        redis.call("HSET", KEYS[k + 2], aggregate .. "sum", fmt(sum + value))
        local squares = tonumber(redis.call("HGET", KEYS[k + 2], aggregate .. "sumSquares") or "0")
        local delta = (total + value) * (total + value) - total * total
        redis.call("HSET", KEYS[k + 2], aggregate .. "sumSquares", fmt(squares + delta))
        if events == 1 then
          redis.call("HINCRBY", KEYS[k + 2], aggregate .. "entities", 1)
        end
      end
    end
  end
end
return { accepted, count - accepted }
