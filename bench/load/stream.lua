-- Streaming (20 %): ranged GETs of the high (Opus 160 kb/s) rendition, the first 256 KiB a
-- player asks for, then the rest of the file. LOAD_TARGET=nginx sends the same ranges for
-- the same files to nginx (the baseline), whose paths are the storage keys.
package.path = os.getenv("LOAD_LIB") .. "/?.lua;" .. package.path
local load = require("common")

local songs, tokens
local nginx = os.getenv("LOAD_TARGET") == "nginx"

function load.init()
  songs = load.lines("media_songs.txt")
  if not nginx then
    tokens = load.lines("tokens.txt")
  end
end

function load.request()
  local song = load.pick(songs)
  local headers = {}
  headers["Range"] = math.random(2) == 1 and "bytes=0-262143" or "bytes=262144-"
  if nginx then
    return wrk.format("GET", "/songs/" .. song .. "/high.ogg", headers)
  end
  headers["Authorization"] = "Bearer " .. load.pick(tokens)
  return wrk.format("GET", "/api/v1/songs/" .. song .. "/stream?quality=high", headers)
end

function load.check(status, headers, body)
  return status == 206
end

load.install()
