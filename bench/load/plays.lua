-- Plays and progress (5 %): POST /api/v1/songs/{id}/plays (a play, batched by the server)
-- and PUT /api/v1/me/history/{songId} with {"progress": seconds}, as a player reports them.
package.path = os.getenv("LOAD_LIB") .. "/?.lua;" .. package.path
local load = require("common")

local songs, tokens
-- Progress must lie within the song (0 to its duration), or the answer is a 422.
local song_seconds = tonumber(os.getenv("LOAD_SONG_SECONDS") or "20") or 20

function load.init()
  songs = load.lines("media_songs.txt")
  tokens = load.lines("tokens.txt")
end

function load.request()
  local headers = { ["Authorization"] = "Bearer " .. load.pick(tokens) }
  local song = load.pick(songs)
  if math.random(2) == 1 then
    return wrk.format("POST", "/api/v1/songs/" .. song .. "/plays", headers)
  end
  headers["Content-Type"] = "application/json"
  return wrk.format("PUT", "/api/v1/me/history/" .. song, headers,
    string.format('{"progress": %d}', math.random(0, song_seconds - 1)))
end

load.install()
