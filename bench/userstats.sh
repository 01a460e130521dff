#!/usr/bin/env bash
# Benchmark: UserStats for one profile, the seed's view (baseline) against migration 2's, on
# 100,000 users with skewed activity, in one run.
#
#   bench/userstats.sh            full run (about 2 minutes)
#   BENCH_QUICK=1 bench/userstats.sh   smoke run: 2,000 users, 2 s per measurement
#
# Needs a PostgreSQL server (BENCH_DATABASE_URL, default the local one) and pgbench. Makes and
# drops the database ampli_bench_userstats.
set -euo pipefail
cd "$(dirname "$0")/.."

server="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
db=ampli_bench_userstats
url="${server%/*}/$db"
users=100000; power=100; seconds=10
if [ -n "${BENCH_QUICK:-}" ]; then users=2000; power=20; seconds=2; fi
pgbench_bin=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -n 1)

psql -q "$server" -c "drop database if exists $db" -c "create database $db"
trap 'psql -q "$server" -c "drop database if exists $db with (force)"' EXIT
DATABASE_URL="$url" cargo run -q -- migrate --log warn

echo "generating $users users ($power of them heavy)…"
psql -q -v ON_ERROR_STOP=1 "$url" <<SQL
-- Deterministic ids, so that pgbench can name a user by number: md5(n)::uuid.
insert into users (userid, name, email, password)
select md5(n::text)::uuid, 'user ' || n, 'user' || n || '@bench.test', 'x'
  from generate_series(1, $users) n;
-- Heavy users (1..$power): 200 songs, 300 favourites, 50 playlists. Others: a few of each.
insert into songs (title, fileurl, filepublicid, ownerid)
select 'song ' || n || '-' || k, 'f', 'k', md5(n::text)::uuid
  from generate_series(1, $users) n,
       lateral generate_series(1, case when n <= $power then 200 when n % 3 = 0 then 2 else 0 end) k;
create temporary table song_ids as select row_number() over () as i, songid from songs;
insert into favorites (userid, songid)
select md5(x.n::text)::uuid, s.songid
  from (select n, 1 + ((n * 7919 + k * 104729) % (select count(*) from song_ids)) as i
          from generate_series(1, $users) n,
               lateral generate_series(1, case when n <= $power then 300 when n % 2 = 0 then 3 else 0 end) k) x
  join song_ids s on s.i = x.i
on conflict do nothing;
insert into playlists (title, ownerid)
select 'list ' || k, md5(n::text)::uuid
  from generate_series(1, $users) n,
       lateral generate_series(1, case when n <= $power then 50 when n % 4 = 0 then 1 else 0 end) k;
insert into userfollowers (followerid, followingid)
select md5(n::text)::uuid, md5((1 + (n + k * 997) % $users)::text)::uuid
  from generate_series(1, $users) n, generate_series(1, 10) k
 where 1 + (n + k * 997) % $users <> n
on conflict do nothing;
-- The seed's definition, kept beside the fixed one as the baseline.
CREATE VIEW userstats_seed AS
SELECT u.UserID, u.Name, u.Email,
    COUNT(DISTINCT s.SongID) AS SongsUploaded,
    COUNT(DISTINCT f.FavoriteID) AS FavoritesCount,
    COUNT(DISTINCT p.PlaylistID) AS PlaylistsCreated,
    (SELECT COUNT(*) FROM UserFollowers WHERE FollowingID = u.UserID) AS FollowersCount,
    (SELECT COUNT(*) FROM UserFollowers WHERE FollowerID = u.UserID) AS FollowingCount
FROM Users u
LEFT JOIN Songs s ON u.UserID = s.OwnerID
LEFT JOIN Favorites f ON u.UserID = f.UserID
LEFT JOIN Playlists p ON u.UserID = p.OwnerID
GROUP BY u.UserID;
vacuum analyze;
SQL

# Both views must agree; checked on a sample (the seed's view is too slow to compare whole).
sample="select md5(n::text)::uuid from generate_series(1, $users) n where n <= 5 or n % 100 = 0"
same=$(psql -tA "$url" -c "select count(*) from userstats a join userstats_seed b using (userid)
  where (a.songsuploaded, a.favoritescount, a.playlistscreated, a.followerscount, a.followingcount)
      = (b.songsuploaded, b.favoritescount, b.playlistscreated, b.followerscount, b.followingcount)
    and a.userid in ($sample)")
total=$(psql -tA "$url" -c "select count(*) from ($sample) s")
echo "sampled users with identical figures in both views: $same / $total"

measure() { # view, highest user number → "latency_ms tps"
  local script; script=$(mktemp)
  printf '\\set n random(1, %s)\nselect * from %s where userid = md5(:n::text)::uuid;\n' "$2" "$1" > "$script"
  "$pgbench_bin" -n -c 2 -j 2 -T "$seconds" -f "$script" "$url" 2>/dev/null |
    awk '/latency average/ {lat=$4} /^tps/ {tps=$3} END {printf "%8.3f ms %10.1f/s\n", lat, tps}'
  rm -f "$script"
}

printf '\n%-34s %-28s %s\n' "one profile (pgbench, 2 clients)" "seed view (baseline)" "migration 2"
printf '%-34s %-28s %s\n' "any of $users users" "$(measure userstats_seed "$users")" "$(measure userstats "$users")"
printf '%-34s %-28s %s\n' "one of the $power heavy users" "$(measure userstats_seed "$power")" "$(measure userstats "$power")"
