--[[
  Applies a batch of events: dedup, per-entity daily totals, per-entity running totals,
  per-variant aggregates (capped where the event carries caps), counted events per day, the
  per-day metric increments, and the covariate and cross products. Every input is checked
  before the first write, so a bad batch changes nothing (Redis has no rollback).

  Input:
    KEYS[1] idempotency keys set
    KEYS[2] events list (JSON of every accepted event)
    KEYS[3 + 8(j-1)] .. KEYS[10 + 8(j-1)]: for experiment j, its assignments hash, entity
      covariates hash, entity totals hash, aggregates hash, products hash, the set of
      metrics it has aggregates of, entity slices hash and slices hash (recordAssignments)
    KEYS[n] after those: one daily totals hash per entity of the batch ("metric NUL day" ->
      Σ values of its accepted events that UTC day)
    ARGV[1] number of events; then 10 values per event:
      entity, metric, value, idempotency key ("" for none),
      experiment indexes ("1,u3": which j to attribute to; "u" where j does not declare the
        metric, which then starts new aggregates only while j has fewer than MAX_METRICS),
      event JSON,
      partners: per listed experiment, in the same order, its partner metrics joined by
        NUL, the experiments' lists joined by \1 (own metric and repeats already removed);
        each name is prefixed "<" when it sorts after the event's metric (in JavaScript
        order, the caller's), ">" when before,
      the KEYS index of its entity's daily totals hash, its UTC day ("" for none),
      caps ("" for none): per listed experiment, in the same order, the cap of its own
        metric then of each partner in the partners' order ("" where uncapped) joined by
        NUL, the experiments' lists joined by \1
  Output:
    { accepted, deduped }
    { -5, eventIndex }  a value is not a finite number within [-1e12, 1e12]
]]
--- @include "addTo"
--- @include "split"

-- Capping: what a running total counts as, min(total, cap); the total itself without a cap.
local function capped(total, cap)
  if cap and total > cap then
    return cap
  end
  return total
end

local count = tonumber(ARGV[1])
local FIELDS = 10
local PER_EXPERIMENT = 8
-- MAX_AGGREGATED_METRICS in @abkit/core.
local MAX_METRICS = 200

-- The bound of MAX_EVENT_VALUE in @abkit/core: it keeps every total and sum of squares finite.
local MAX_VALUE = 1e12

-- Check everything first. NaN fails every comparison, infinities exceed the bound.
for e = 0, count - 1 do
  local value = tonumber(ARGV[2 + e * FIELDS + 2])
  if value == nil or not (value >= -MAX_VALUE and value <= MAX_VALUE) then
    return { -5, e }
  end
end

local accepted = 0
-- Per experiment j: whether its slices hash exists (asked at its first assigned event).
local keepsSlices = {}
for e = 0, count - 1 do
  local base = 2 + e * FIELDS
  local entity, metric = ARGV[base], ARGV[base + 1]
  local value = tonumber(ARGV[base + 2])
  local key = ARGV[base + 3]
  local fresh = key == "" or redis.call("SADD", KEYS[1], key) == 1
  if fresh then
    accepted = accepted + 1
    redis.call("RPUSH", KEYS[2], ARGV[base + 5])
    -- Every accepted event, assigned or not, counts on its day.
    local day = ARGV[base + 8]
    if day ~= "" then
      addTo(KEYS[tonumber(ARGV[base + 7])], metric .. "\0" .. day, value)
    end
    local partnerLists = split(ARGV[base + 6], "\1")
    local capLists = ARGV[base + 9] ~= "" and split(ARGV[base + 9], "\1") or nil
    local listed = 0
    for item in string.gmatch(ARGV[base + 4], "[^,]+") do
      listed = listed + 1
      local undeclared = string.sub(item, 1, 1) == "u"
      local j = tonumber(undeclared and string.sub(item, 2) or item)
      local k = 3 + (j - 1) * PER_EXPERIMENT
      local variant = redis.call("HGET", KEYS[k], entity)
      local names = KEYS[k + 5]
      if variant and undeclared and redis.call("SISMEMBER", names, metric) == 0
        and redis.call("SCARD", names) >= MAX_METRICS then
        variant = false
      end
      if variant then
        local totals, aggregates, products = KEYS[k + 2], KEYS[k + 3], KEYS[k + 4]
        local totalField = metric .. "\0" .. entity
        local events = redis.call("HINCRBY", totals, "n\0" .. totalField, 1)
        local total = addTo(totals, "s\0" .. totalField, value)
        -- caps[1]: the metric's own cap, caps[1 + i]: partner i's (nil where uncapped).
        local caps = capLists and split(capLists[listed] or "", "\0") or {}
        local cap = tonumber(caps[1] or "")
        local before, after = capped(total, cap), capped(total + value, cap)
        -- Uncapped, the sum moves by the value itself ((t + v) - t may round).
        local delta = value
        if cap then
          delta = after - before
        end
        local squares = after * after - before * before
        local aggregate = metric .. "\0" .. variant .. "\0"
        redis.call("HINCRBY", aggregates, aggregate .. "events", 1)
        addTo(aggregates, aggregate .. "sum", delta)
        addTo(aggregates, aggregate .. "sumSquares", squares)
        -- Counted events per UTC day of the event's time (none without a day).
        if day ~= "" then
          redis.call("HINCRBY", products, "d\0" .. metric .. "\0" .. day .. "\0" .. variant, 1)
        end
        -- What the event adds to its variant's aggregate, filed under its UTC day.
        if day ~= "" then
          local byDay = "m\0" .. metric .. "\0" .. day .. "\0" .. variant .. "\0"
          addTo(products, byDay .. "sum", delta)
          addTo(products, byDay .. "sumSquares", squares)
          redis.call("HINCRBY", products, byDay .. "entities", events == 1 and 1 or 0)
        end
        if events == 1 then
          redis.call("HINCRBY", aggregates, aggregate .. "entities", 1)
          -- A metric new to the experiment is some entity's first event of it.
          redis.call("SADD", names, metric)
        end
        -- Covariates kept with the assignment: "name NUL value NUL ...".
        local covariates = redis.call("HGET", KEYS[k + 1], entity)
        if covariates then
          local parts = split(covariates, "\0")
          for c = 1, #parts - 1, 2 do
            local x = tonumber(parts[c + 1])
            local field = "x\0" .. metric .. "\0" .. parts[c] .. "\0" .. variant .. "\0"
            addTo(products, field .. "sumXY", x * delta)
            if events == 1 then
              addTo(products, field .. "sumXWithEvent", x)
            end
          end
        end
        -- Slices kept with the assignment ("dimension NUL slice ..."): each moves by the
        -- same (capped) amounts as the variant's aggregate above.
        -- Most experiments have no dimensions: ask once per experiment whether any slice is kept.
        if keepsSlices[j] == nil then
          keepsSlices[j] = redis.call("EXISTS", KEYS[k + 7]) == 1
        end
        local slices = keepsSlices[j] and redis.call("HGET", KEYS[k + 6], entity)
        if slices then
          local parts = split(slices, "\0")
          for s = 1, #parts - 1, 2 do
            local field = "m\0" .. parts[s] .. "\0" .. parts[s + 1] .. "\0" .. metric .. "\0" .. variant .. "\0"
            redis.call("HINCRBY", KEYS[k + 7], field .. "events", 1)
            addTo(KEYS[k + 7], field .. "sum", delta)
            addTo(KEYS[k + 7], field .. "sumSquares", squares)
            if events == 1 then
              redis.call("HINCRBY", KEYS[k + 7], field .. "entities", 1)
            end
          end
        end
        local partners = partnerLists[listed] or ""
        if partners ~= "" then
          for p, entry in ipairs(split(partners, "\0")) do
            local partner = string.sub(entry, 2)
            local partnerField = "s\0" .. partner .. "\0" .. entity
            local partnerTotal = capped(
              tonumber(redis.call("HGET", totals, partnerField) or "0"),
              tonumber(caps[1 + p] or "")
            )
            local pair
            if string.sub(entry, 1, 1) == "<" then
              pair = metric .. "\0" .. partner
            else
              pair = partner .. "\0" .. metric
            end
            addTo(products, "c\0" .. pair .. "\0" .. variant, delta * partnerTotal)
          end
        end
      end
    end
  end
end
return { accepted, count - accepted }
