//! Benchmark: the library's heavy reads and the Trending rebuild, each beside a baseline from
//! the same run, on a generated catalog of 100,000 users, 50,000 songs and a million likes.
//!
//! - `GET /users/{id}` (migration 2's UserStats) against the seed's original view;
//! - fetching a 1,000-song playlist through the API (ten pages of 100) against one SQL join;
//! - a Trending rebuild (with every other list) against the seed's TrendingSongs view.
//!
//!   cargo bench --bench library
//!   BENCH_QUICK=1 cargo bench --bench library     (10,000 users, 100,000 likes)

mod common;

use std::time::Instant;

use common::{BenchApp, Client, summary};
use uuid::Uuid;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let app = BenchApp::start("library", |_| {}).await?;
    let result = run(&app).await;
    app.finish().await?;
    result
}

async fn run(app: &BenchApp) -> anyhow::Result<()> {
    let quick = common::quick();
    let (users, songs, likes) = if quick {
        (10_000, 5_000, 100_000)
    } else {
        (100_000, 50_000, 1_000_000)
    };
    let token = app.user("bench").await;
    let started = Instant::now();
    generate(app, users, songs, likes).await?;
    println!(
        "generated {users} users, {songs} songs, {likes} likes and the seed's views in {:.0} s\n",
        started.elapsed().as_secs_f64()
    );
    let db = &app.state.db;
    let samples = if quick { 200 } else { 1000 };
    let heavy: Vec<Uuid> =
        sqlx::query_scalar("select md5(n::text)::uuid from generate_series(1, 100) n")
            .fetch_all(db)
            .await?;

    // Profiles: the seed's view (baseline) against the API on the fixed one.
    // The seed's view takes seconds per heavy profile: a few samples of it suffice.
    let mut seed_times = Vec::new();
    for user in heavy.iter().take(if quick { 3 } else { 10 }) {
        let started = Instant::now();
        let _: Option<(i64,)> =
            sqlx::query_as("select followerscount from userstats_seed where userid = $1")
                .bind(user)
                .fetch_optional(db)
                .await?;
        seed_times.push(started.elapsed());
    }
    let mut api_times = Vec::new();
    let mut client = Client::connect(app.address).await;
    for i in 0..samples {
        let user = heavy[i % heavy.len()];
        let started = Instant::now();
        let (status, _) = client
            .send(
                "GET",
                &format!("/api/v1/users/{user}"),
                Some(&token),
                "",
                b"",
            )
            .await;
        assert_eq!(status, 200);
        api_times.push(started.elapsed());
    }
    println!(
        "one profile of a heavy user ({} songs, 300 favourites, 50 playlists)",
        songs / 100
    );
    println!(
        "  seed's UserStats view, SQL only (baseline) {}",
        summary(seed_times)
    );
    println!(
        "  GET /users/{{id}} over HTTP, migration 2   {}",
        summary(api_times)
    );

    // A 1,000-song playlist.
    let owner: Uuid =
        sqlx::query_scalar("select userid from users where email = 'bench@bench.test'")
            .fetch_one(db)
            .await?;
    let playlist: Uuid = sqlx::query_scalar(
        "insert into playlists (title, visibility, ownerid) values ('Thousand', 'public', $1) returning playlistid",
    )
    .bind(owner)
    .fetch_one(db)
    .await?;
    sqlx::query(
        "insert into playlistitems (playlistid, songid, position)
         select $1, songid, (row_number() over (order by songid))::int - 1 from (select songid from songs limit 1000) s",
    )
    .bind(playlist)
    .execute(db)
    .await?;
    let rounds = if quick { 5 } else { 30 };
    let (mut sql_times, mut api_times) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let started = Instant::now();
        let rows: Vec<(Uuid, String)> = sqlx::query_as(
            "select s.songid, s.title from playlistitems i join songs s using (songid)
              where i.playlistid = $1 order by i.position",
        )
        .bind(playlist)
        .fetch_all(db)
        .await?;
        assert_eq!(rows.len(), 1000);
        sql_times.push(started.elapsed());
        let started = Instant::now();
        let mut cursor: Option<String> = None;
        let mut fetched = 0;
        loop {
            let uri = match &cursor {
                Some(c) => format!("/api/v1/playlists/{playlist}/items?limit=100&cursor={c}"),
                None => format!("/api/v1/playlists/{playlist}/items?limit=100"),
            };
            let (status, body) = client.send("GET", &uri, Some(&token), "", b"").await;
            assert_eq!(status, 200);
            let page: serde_json::Value = serde_json::from_slice(&body)?;
            fetched += page["items"].as_array().map_or(0, Vec::len);
            cursor = page["nextCursor"].as_str().map(str::to_owned);
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(fetched, 1000);
        api_times.push(started.elapsed());
    }
    println!("\na 1,000-song playlist");
    println!(
        "  one SQL join, ids and titles (baseline)    {}",
        summary(sql_times)
    );
    println!(
        "  GET items, 10 pages of 100 full songs      {}",
        summary(api_times)
    );

    // Trending.
    let rounds = if quick { 2 } else { 5 };
    let (mut view_times, mut rebuild_times) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let started = Instant::now();
        let _: Vec<(Uuid,)> = sqlx::query_as("select songid from trendingsongs limit 50")
            .fetch_all(db)
            .await?;
        view_times.push(started.elapsed());
        let started = Instant::now();
        assert!(ampli::discovery::rebuild::rebuild_all(db).await?);
        rebuild_times.push(started.elapsed());
    }
    println!("\nTrending over {likes} likes");
    println!(
        "  seed's TrendingSongs view, top 50 (baseline) {}",
        summary(view_times)
    );
    println!(
        "  rebuild of all 11 lists, one transaction     {}",
        summary(rebuild_times)
    );
    Ok(())
}

/// Users with deterministic ids (md5(n)); the first 100 are heavy.
async fn generate(app: &BenchApp, users: i64, songs: i64, likes: i64) -> anyhow::Result<()> {
    let db = &app.state.db;
    let script = format!(
        "insert into users (userid, name, email, password)
         select md5(n::text)::uuid, 'user ' || n, 'user' || n || '@gen.test', 'x' from generate_series(1, {users}) n;
         insert into songs (title, fileurl, filepublicid, ownerid, category, playcount, createdat)
         select 'song ' || k, 'f', 'k', md5((1 + (k % 100))::text)::uuid,
                (array['Music','Tech','Arts','Science'])[1 + k % 4], k % 997, now() - (k || ' minutes')::interval
           from generate_series(1, {songs}) k;
         create temporary table song_ids as select row_number() over () as i, songid from songs;
         insert into likes (userid, songid, createdat)
         select md5((1 + (n % {users}))::text)::uuid, s.songid, now() - ((n % 20000) || ' minutes')::interval
           from generate_series(1, {likes}) n
           join song_ids s on s.i = 1 + ((n::bigint * 7919) % {songs})
         on conflict do nothing;
         insert into favorites (userid, songid)
         select md5(u::text)::uuid, s.songid from generate_series(1, 100) u
           join song_ids s on s.i between 1 and 300
         on conflict do nothing;
         insert into playlists (title, ownerid)
         select 'list', md5(u::text)::uuid from generate_series(1, 100) u, generate_series(1, 50);
         insert into userfollowers (followerid, followingid)
         select md5(n::text)::uuid, md5((1 + (n * 31) % {users})::text)::uuid
           from generate_series(1, {users}) n where 1 + (n * 31) % {users} <> n
         on conflict do nothing;
         create view userstats_seed as
         select u.userid, u.name, u.email,
                count(distinct s.songid) as songsuploaded, count(distinct f.favoriteid) as favoritescount,
                count(distinct p.playlistid) as playlistscreated,
                (select count(*) from userfollowers where followingid = u.userid) as followerscount,
                (select count(*) from userfollowers where followerid = u.userid) as followingcount
           from users u left join songs s on u.userid = s.ownerid
           left join favorites f on u.userid = f.userid left join playlists p on u.userid = p.ownerid
          group by u.userid;
         analyze;"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(script))
        .execute(db)
        .await?;
    Ok(())
}
