-- Search as you type (15 %): GET /api/v1/search with a prefix of a real title, 2 letters up
-- to the whole title, as a search box sends after each keystroke. Half signed in.
package.path = os.getenv("LOAD_LIB") .. "/?.lua;" .. package.path
local load = require("common")

local titles, tokens

function load.init()
  titles = load.lines("titles.txt")
  tokens = load.lines("tokens.txt")
end

function load.request()
  local title = load.pick(titles)
  local q = load.prefix(title, math.random(math.min(2, #title), #title))
  local headers = {}
  if math.random(2) == 1 then
    headers["Authorization"] = "Bearer " .. load.pick(tokens)
  end
  return wrk.format("GET", "/api/v1/search?limit=10&q=" .. load.escape(q), headers)
end

load.install()
