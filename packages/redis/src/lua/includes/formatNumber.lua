--[[
  A number as text that reads back as the same double (17 significant digits): hashes keep
  sums as strings.
]]
local function formatNumber(x)
  return string.format("%.17g", x)
end
