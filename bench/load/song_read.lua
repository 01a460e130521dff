-- A signed-in GET /api/v1/songs/{id} alone, closed loop, beside pgbench -S: the song, its
-- credits and the viewer's state (as bench/song_read.sh measures one song), here over the
-- sampled songs of the catalog.
package.path = os.getenv("LOAD_LIB") .. "/?.lua;" .. package.path
local load = require("common")

local songs, tokens

function load.init()
  songs = load.lines("songs.txt")
  tokens = load.lines("tokens.txt")
end

function load.request()
  return wrk.format("GET", "/api/v1/songs/" .. load.pick(songs),
    { ["Authorization"] = "Bearer " .. load.pick(tokens) })
end

load.install()
