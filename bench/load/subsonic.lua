-- Subsonic apps (10 %): album lists and albums as an app's home screen loads them, a
-- library sync's search3 pages (500 songs, paged by songOffset), ranged streams and
-- scrobbles, each signed in with an active listener's app password (u+p or t+s).
package.path = os.getenv("LOAD_LIB") .. "/?.lua;" .. package.path
local load = require("common")

local auths, albums, songs
local sync_pages = tonumber(os.getenv("LOAD_SYNC_PAGES") or "10") or 10
local list_types = { "newest", "random", "frequent", "recent", "alphabeticalByName", "highest" }

function load.init()
  auths = load.lines("subsonic_auth.txt")
  albums = load.lines("albums.txt")
  songs = load.lines("media_songs.txt")
end

function load.request()
  local base = "/rest/"
  local auth = load.pick(auths)
  local r = math.random(100)
  if r <= 25 then
    return wrk.format("GET", base .. "getAlbumList2?" .. auth .. "&size=20&type="
      .. list_types[math.random(#list_types)])
  elseif r <= 50 then
    return wrk.format("GET", base .. "getAlbum?" .. auth .. "&id=al-" .. load.pick(albums))
  elseif r <= 60 then
    return wrk.format("GET", base .. "search3?" .. auth
      .. "&query=%22%22&artistCount=0&albumCount=0&songCount=500&songOffset="
      .. (500 * math.random(0, sync_pages - 1)))
  elseif r <= 85 then
    local range = math.random(2) == 1 and "bytes=0-262143" or "bytes=262144-"
    return wrk.format("GET", base .. "stream?" .. auth .. "&id=so-" .. load.pick(songs),
      { ["Range"] = range })
  else
    return wrk.format("GET", base .. "scrobble?" .. auth .. "&submission=true&id=so-"
      .. load.pick(songs))
  end
end

-- Subsonic reports errors inside a 200 answer; a stream answers 206 to a Range.
function load.check(status, headers, body)
  if status == 206 then
    return true
  end
  if status ~= 200 then
    return false
  end
  return not string.find(body, '"status":"failed"', 1, true)
end

load.install()
