#!/usr/bin/env bash
# A signed-in `GET /api/v1/songs/{id}` under wrk, for two release binaries in turns on the same
# database (`ampli demo`'s catalog), with where the CPU goes and `pgbench -S` beside it:
#
#   bench/song_read.sh BEFORE_BINARY AFTER_BINARY
#
# Needs wrk (Debian's) and the PostgreSQL server at 127.0.0.1:5432 (role postgres). Each binary
# serves on 127.0.0.1:4799 for 10 s a round, two rounds; everything it starts is stopped and
# its databases dropped at the end.
set -euo pipefail
before=${1:?usage: bench/song_read.sh BEFORE_BINARY AFTER_BINARY}
after=${2:?usage: bench/song_read.sh BEFORE_BINARY AFTER_BINARY}
command -v wrk >/dev/null || { echo "bench/song_read.sh needs wrk: apt-get install wrk" >&2; exit 1; }
db=ampli_song_read_$$
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" >/dev/null
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists ${db}_pgbench with (force)" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
psql -h 127.0.0.1 -U postgres -qc "create database $db"
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
"$before" demo --data-dir "$work/demo" >/dev/null 2>&1
echo 'wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")' >"$work/signed_in.lua"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
postgres_ticks() {
  local total=0 pid
  for pid in $(pgrep -x postgres); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
machine_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }

for round in 1 2; do
  for which in before after; do
    binary=$before; [ "$which" = after ] && binary=$after
    rm -rf "$work/data"
    AMPLI_LOG=warn "$binary" serve --listen 127.0.0.1:4799 --data-dir "$work/data" >"$work/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -sf http://127.0.0.1:4799/readyz >/dev/null && break; sleep 0.1; done
    token=$(curl -sf -H 'content-type: application/json' \
      -d '{"email":"ada@demo.ampli.test","password":"ampli demo listener"}' \
      http://127.0.0.1:4799/api/v1/auth/login | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
    song=$(curl -sf 'http://127.0.0.1:4799/api/v1/songs?limit=1' | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
    a0=$(ticks "$server"); p0=$(postgres_ticks); m0=$(machine_ticks)
    TOKEN=$token wrk -t2 -c16 -d10s -s "$work/signed_in.lua" "http://127.0.0.1:4799/api/v1/songs/$song" >"$work/wrk.txt"
    a1=$(ticks "$server"); p1=$(postgres_ticks); m1=$(machine_ticks)
    printf 'round %s %-6s %s; CPU ticks: ampli %s, postgres %s, machine %s; %s\n' "$round" "$which" \
      "$(grep Requests/sec "$work/wrk.txt" | tr -s ' ')" $((a1 - a0)) $((p1 - p0)) $((m1 - m0)) \
      "$(grep -c 'Non-2xx' "$work/wrk.txt" || true) lines of non-2xx"
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
  done
done

psql -h 127.0.0.1 -U postgres -qc "create database ${db}_pgbench"
pgbench -h 127.0.0.1 -U postgres -i -s 10 -q "${db}_pgbench" >/dev/null 2>&1
echo "pgbench -S -c 8 -j 2 -T 10: $(pgbench -h 127.0.0.1 -U postgres -S -c 8 -j 2 -T 10 "${db}_pgbench" 2>/dev/null | grep -E '^tps')"
