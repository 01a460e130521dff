#!/usr/bin/env bash
# Ranged stream GETs signed in (the first 256 KiB of a song, or the rest, as a player asks)
# for two release binaries in turns, with Debian's nginx serving the same files with sendfile
# beside them, same run:
#
#   bench/stream.sh BEFORE_BINARY AFTER_BINARY
#
# Each binary gets a database and a data folder of its own (a newer binary may add migrations
# an older one refuses), filled by its `ampli demo` with the same composed songs (20 s WAV
# originals of 882 kB, streamed as uploaded); nginx serves the first folder. wrk, 1
# connection and 64, 10 s each, two rounds. Needs wrk and nginx (Debian's) and the PostgreSQL
# server at 127.0.0.1:5432 (role postgres). Serves on 127.0.0.1:4798 (Ampli) and 4797
# (nginx); everything it starts is stopped and its databases dropped at the end.
set -euo pipefail
before=${1:?usage: bench/stream.sh BEFORE_BINARY AFTER_BINARY}
after=${2:?usage: bench/stream.sh BEFORE_BINARY AFTER_BINARY}
PATH=$PATH:/usr/sbin
for tool in wrk nginx curl psql; do
  command -v $tool >/dev/null || { echo "bench/stream.sh needs $tool (apt-get install wrk nginx curl postgresql-client)" >&2; exit 1; }
done
db=ampli_stream_$$
work=$(mktemp -d)
server="" nginx_pid=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  for which in before after; do
    psql -h 127.0.0.1 -U postgres -qc "drop database if exists ${db}_$which with (force)" >/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

start() { # which
  local binary=$before
  [ "$1" = after ] && binary=$after
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/${db}_$1 AMPLI_LOG=warn \
    "$binary" serve --listen 127.0.0.1:4798 --data-dir "$work/data-$1" >"$work/serve-$1.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:4798/readyz >/dev/null && return; sleep 0.1; done
  echo "ampli serve ($1) did not start:" >&2; cat "$work/serve-$1.log" >&2; exit 1
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

# A database and a data folder for each binary (a newer one may add migrations the older one
# refuses), each filled by `ampli demo` with the same composed songs.
for which in before after; do
  url=postgres://postgres@127.0.0.1:5432/${db}_$which
  psql -h 127.0.0.1 -U postgres -qc "create database ${db}_$which"
  binary=$before; [ "$which" = after ] && binary=$after
  DATABASE_URL=$url "$binary" demo --data-dir "$work/data-$which" >/dev/null 2>&1
  # The first start transcodes the songs (the bitrate ladder): let it finish before anything
  # is timed. A finished job's row is deleted.
  start "$which"
  for _ in $(seq 1 600); do
    [ "$(psql "$url" -Atc "select count(*) from jobs where kind = 'transcode' and attempts < 5")" = 0 ] && break
    sleep 0.5
  done
  # One sign-in for the whole run (sign-ins from one address are rate-limited): the session
  # outlives the restarts and the access token lasts 15 minutes.
  curl -sf -H 'content-type: application/json' \
    -d '{"email":"ada@demo.ampli.test","password":"ampli demo listener"}' \
    http://127.0.0.1:4798/api/v1/auth/login |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])' >"$work/token-$which"
  stop
  # The songs and their originals' keys (nginx serves the first folder as it is).
  psql "$url" -Atc "select songid || ' ' || filepublicid from songs" >"$work/songs-$which.txt"
done

cat >"$work/stream.lua" <<'LUA'
local songs = {}
for line in io.lines(os.getenv("SONGS")) do
  local id, key = line:match("^(%S+) (%S+)$")
  songs[#songs + 1] = { id = id, key = key }
end
local nginx = os.getenv("TARGET") == "nginx"
local token = os.getenv("TOKEN")
request = function()
  local song = songs[math.random(#songs)]
  local headers = { Range = math.random(2) == 1 and "bytes=0-262143" or "bytes=262144-" }
  if nginx then
    return wrk.format("GET", "/" .. song.key, headers)
  end
  headers["Authorization"] = "Bearer " .. token
  return wrk.format("GET", "/api/v1/songs/" .. song.id .. "/stream", headers)
end
LUA

user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server { listen 127.0.0.1:4797; root $work/data-before/media; }
}
CONF

# MB/s and non-2xx lines of one wrk run.
measure() { # target (nginx, before, after) url connections
  local threads=1
  [ "$3" -gt 1 ] && threads=2
  local which=$1
  [ "$which" = nginx ] && which=before
  SONGS="$work/songs-$which.txt" TARGET=$1 TOKEN=$(cat "$work/token-$which") \
    wrk -t$threads -c"$3" -d10s -s "$work/stream.lua" "$2" >"$work/wrk.txt"
  local mb
  mb=$(awk '/^Transfer\/sec/ { v = $2; if (v ~ /GB/) { sub("GB", "", v); v *= 1024 } else { sub("MB", "", v) } printf "%.0f", v * 1.048576 }' "$work/wrk.txt")
  echo "$mb MB/s$(grep -q 'Non-2xx' "$work/wrk.txt" && echo " ($(grep 'Non-2xx' "$work/wrk.txt" | tr -s ' '))")"
}

nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 1 50); do curl -s -o /dev/null http://127.0.0.1:4797/ && break; sleep 0.1; done

for round in 1 2; do
  for connections in 1 64; do
    echo "round $round, $connections connection(s): nginx $(measure nginx http://127.0.0.1:4797 "$connections")"
    for which in before after; do
      start "$which"
      echo "round $round, $connections connection(s): $which $(measure "$which" http://127.0.0.1:4798 "$connections")"
      stop
    done
  done
done
