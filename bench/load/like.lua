-- Likes and favourites (5 %): idempotent PUT/DELETE of /api/v1/songs/{id}/like and
-- /favorite, signed in as one of the active listeners.
package.path = os.getenv("LOAD_LIB") .. "/?.lua;" .. package.path
local load = require("common")

local songs, tokens

function load.init()
  songs = load.lines("songs.txt")
  tokens = load.lines("tokens.txt")
end

function load.request()
  local method = math.random(3) == 1 and "DELETE" or "PUT"
  local what = math.random(2) == 1 and "/like" or "/favorite"
  local headers = { ["Authorization"] = "Bearer " .. load.pick(tokens) }
  return wrk.format(method, "/api/v1/songs/" .. load.pick(songs) .. what, headers)
end

load.install()
