-- Artwork (5 %): the posters' public URLs (/media/songs/<id>/poster-<id>/{128,512}.jpg), as
-- an app's lists and player screen load them; no sign-in.
package.path = os.getenv("LOAD_LIB") .. "/?.lua;" .. package.path
local load = require("common")

local posters

function load.init()
  posters = load.lines("posters.txt")
end

function load.request()
  local url = load.pick(posters)
  if math.random(2) == 1 then
    url = url:gsub("/512%.jpg$", "/128.jpg")
  end
  return wrk.format("GET", url)
end

load.install()
