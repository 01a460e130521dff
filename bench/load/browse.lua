-- Browse (40 % of the mix): the pages a listener opens. Half the requests are signed in (the
-- answers then carry the viewer's like/favourite/resume state), half anonymous.
package.path = os.getenv("LOAD_LIB") .. "/?.lua;" .. package.path
local load = require("common")

local songs, albums, artists, playlists, tokens

function load.init()
  songs = load.lines("songs.txt")
  albums = load.lines("albums.txt")
  artists = load.lines("artists.txt")
  playlists = load.lines("playlists.txt")
  tokens = load.lines("tokens.txt")
end

-- Page weights out of 100, roughly how often an app opens each.
function load.request()
  local headers = {}
  if math.random(2) == 1 then
    headers["Authorization"] = "Bearer " .. load.pick(tokens)
  end
  local r = math.random(100)
  local path
  if r <= 30 then
    path = "/api/v1/songs/" .. load.pick(songs)
  elseif r <= 45 then
    path = "/api/v1/albums/" .. load.pick(albums)
  elseif r <= 52 then
    path = "/api/v1/artists/" .. load.pick(artists)
  elseif r <= 58 then
    path = "/api/v1/artists/" .. load.pick(artists) .. "/songs?limit=20"
  elseif r <= 66 then
    path = "/api/v1/playlists/" .. load.pick(playlists)
  elseif r <= 72 then
    path = "/api/v1/playlists/" .. load.pick(playlists) .. "/items?limit=20"
  elseif r <= 80 then
    path = "/api/v1/songs?limit=20" .. (math.random(2) == 1 and "&sort=popular" or "")
  elseif r <= 90 then
    path = "/api/v1/albums?limit=20"
  else
    path = "/api/v1/discover/trending"
  end
  return wrk.format("GET", path, headers)
end

load.install()
