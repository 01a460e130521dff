//! Benchmark: the album lists and an album's page over a generated catalog of a hundred
//! thousand albums and a million songs, beside the plain SQL that finds the same album ids
//! (the baseline: what PostgreSQL alone needs, no answers built) in the same run. p50/p95/p99
//! of `GET /api/v1/albums` for each sort's first page and a page fifty pages in, each filter
//! (a common and a rare artist and genre, a year, an owner), and `GET /api/v1/albums/{id}`.
//!
//!   cargo bench --bench albums                  (100,000 albums, 1,000,000 songs)
//!   BENCH_QUICK=1 cargo bench --bench albums    (5,000 albums, 50,000 songs)

mod common;

use std::time::{Duration, Instant};

use common::{BenchApp, Client, summary};
use uuid::Uuid;

/// Samples per measurement, and the page size asked for.
const SAMPLES: usize = 20;
const LIMIT: i64 = 20;
/// How deep the deep pages are.
const DEEP_PAGES: usize = 50;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let app = BenchApp::start("albums", |_| {}).await?;
    let result = run(&app).await;
    app.finish().await?;
    result
}

async fn run(app: &BenchApp) -> anyhow::Result<()> {
    let albums: i64 = if common::quick() { 5_000 } else { 100_000 };
    let token = app.user("bench").await;
    let started = Instant::now();
    generate(app, albums).await?;
    println!(
        "generated {albums} albums, {} songs, 5,000 artists, 300 genres in {:.0} s; {SAMPLES} samples each, pages of {LIMIT}\n",
        albums * 10,
        started.elapsed().as_secs_f64()
    );
    let db = &app.state.db;
    let pick = |sql: &'static str| async move {
        sqlx::query_scalar::<_, Uuid>(sql)
            .fetch_one(db)
            .await
            .map_err(anyhow::Error::from)
    };
    let common_artist =
        pick("select artistid from albumartists group by artistid order by count(*) desc limit 1")
            .await?;
    let rare_artist = pick(
        "select artistid from albumartists group by artistid order by count(*), artistid limit 1",
    )
    .await?;
    let owner = pick("select userid from users where email = 'bench@bench.test'").await?;
    let big_album = pick("select albumid from albums order by playcount desc limit 1").await?;
    let mut client = Client::connect(app.address).await;

    println!(
        "{:<34} {:<56} plain SQL, ids only (baseline)",
        "GET /api/v1/albums", "Ampli over HTTP"
    );
    let sorts = [
        ("newest", "a.createdat desc, a.albumid desc"),
        ("popular", "a.playcount desc, a.albumid desc"),
        ("title", "lower(a.title), a.albumid"),
        ("year", "a.releaseyear desc nulls last, a.albumid desc"),
        ("artist", "a.artistkey, lower(a.title), a.albumid"),
    ];
    for (sort, order) in sorts {
        let uri = format!("/api/v1/albums?sort={sort}&limit={LIMIT}");
        let ours = timed(&mut client, &token, &uri).await;
        let sql = format!("select a.albumid from albums a order by {order} limit {LIMIT}");
        let baseline = timed_sql(app, &sql).await?;
        line(&format!("sort={sort}, first page"), ours, baseline);
    }
    for (sort, order) in sorts.iter().take(4) {
        let mut uri = format!("/api/v1/albums?sort={sort}&limit={LIMIT}");
        let mut ours = Vec::new();
        for page in 0..DEEP_PAGES + SAMPLES {
            let started = Instant::now();
            let (status, body) = client.send("GET", &uri, Some(&token), "", b"").await;
            let elapsed = started.elapsed();
            assert_eq!(status, 200);
            if page >= DEEP_PAGES {
                ours.push(elapsed);
            }
            let body: serde_json::Value = serde_json::from_slice(&body)?;
            let cursor = body["nextCursor"].as_str().expect("more pages").to_owned();
            uri = format!("/api/v1/albums?sort={sort}&limit={LIMIT}&cursor={cursor}");
        }
        let sql = format!(
            "select a.albumid from albums a order by {order} offset {} limit {LIMIT}",
            DEEP_PAGES as i64 * LIMIT
        );
        let baseline = timed_sql(app, &sql).await?;
        line(&format!("sort={sort}, pages 51-70"), ours, baseline);
    }
    let filters = [
        (
            "common artist",
            format!("artist={common_artist}"),
            format!("exists (select 1 from albumartists x where x.albumid = a.albumid and x.artistid = '{common_artist}')"),
        ),
        (
            "rare artist",
            format!("artist={rare_artist}"),
            format!("exists (select 1 from albumartists x where x.albumid = a.albumid and x.artistid = '{rare_artist}')"),
        ),
        (
            "common genre",
            "genre=Genre%201".to_owned(),
            "exists (select 1 from songs s join songgenres sg on sg.songid = s.songid join genres g on g.genreid = sg.genreid where s.albumid = a.albumid and g.matchkey = 'genre 1')".to_owned(),
        ),
        (
            "rare genre",
            "genre=Genre%20277".to_owned(),
            "exists (select 1 from songs s join songgenres sg on sg.songid = s.songid join genres g on g.genreid = sg.genreid where s.albumid = a.albumid and g.matchkey = 'genre 277')".to_owned(),
        ),
        ("unknown genre", "genre=Nothing".to_owned(), "false".to_owned()),
        ("year", "year=1999".to_owned(), "a.releaseyear = 1999".to_owned()),
        ("owner", format!("owner={owner}"), format!("a.ownerid = '{owner}'")),
    ];
    for (name, query, condition) in filters {
        let uri = format!("/api/v1/albums?{query}&limit={LIMIT}");
        let ours = timed(&mut client, &token, &uri).await;
        let sql = format!(
            "select a.albumid from albums a where {condition} order by a.createdat desc, a.albumid desc limit {LIMIT}"
        );
        let baseline = timed_sql(app, &sql).await?;
        line(&format!("{name}, newest first"), ours, baseline);
    }
    let ours = timed(&mut client, &token, &format!("/api/v1/albums/{big_album}")).await;
    let sql = format!(
        "select s.songid from songs s where s.albumid = '{big_album}' order by s.discnumber, s.tracknumber, s.songid"
    );
    let baseline = timed_sql(app, &sql).await?;
    println!();
    println!(
        "{:<34} {:<56} songs in order, ids only (baseline)",
        "GET /api/v1/albums/{id}", ""
    );
    line("an album of 10 songs", ours, baseline);
    Ok(())
}

fn line(name: &str, ours: Vec<Duration>, baseline: Vec<Duration>) {
    println!("  {name:<32} {:<56} {}", summary(ours), summary(baseline));
}

async fn timed(client: &mut Client, token: &str, uri: &str) -> Vec<Duration> {
    let mut samples = Vec::new();
    for _ in 0..SAMPLES {
        let started = Instant::now();
        let (status, _) = client.send("GET", uri, Some(token), "", b"").await;
        samples.push(started.elapsed());
        assert_eq!(status, 200, "{uri}");
    }
    samples
}

async fn timed_sql(app: &BenchApp, sql: &str) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::new();
    for _ in 0..SAMPLES {
        let started = Instant::now();
        let _: Vec<(Uuid,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(&app.state.db)
            .await?;
        samples.push(started.elapsed());
    }
    Ok(samples)
}

/// `albums` albums of ten songs each over 100 owners (the bench user among them) and 5,000
/// artists, each album crediting one artist and its songs that artist; years 1960-2025 with
/// one album in ten undated; play counts falling off steeply; 300 genres, "Genre 1" on four
/// songs in ten and the rest spread thin. Loaded set-based with the search triggers set aside.
async fn generate(app: &BenchApp, albums: i64) -> anyhow::Result<()> {
    let script = format!(
        "alter table songs disable trigger user;
         alter table albums disable trigger user;
         alter table albumartists disable trigger user;
         alter table artistsongs disable trigger user;
         alter table songgenres disable trigger user;
         insert into users (userid, name, email, password)
         select md5('u' || n)::uuid, 'Owner ' || n, 'owner' || n || '@gen.test', 'x'
           from generate_series(1, 99) n;
         create temporary table owners on commit drop as
         select row_number() over (order by userid) - 1 as n, userid from users;
         insert into artists (artistid, name, matchkey)
         select md5('a' || n)::uuid, 'Artist ' || n, 'artist ' || n from generate_series(1, 5000) n;
         insert into genres (genreid, name, matchkey)
         select md5('g' || n)::uuid, 'Genre ' || n, 'genre ' || n from generate_series(1, 300) n;
         insert into albums (albumid, title, matchkey, ownerid, releaseyear, playcount, createdat)
         select md5('al' || k)::uuid, 'Album ' || k, 'album ' || k, o.userid,
                case when k % 10 = 0 then null else 1960 + (k * 7) % 66 end,
                (1000000 / (1 + k % 10000))::bigint,
                now() - make_interval(mins => k)
           from generate_series(1, {albums}) k join owners o on o.n = k % 100;
         insert into albumartists (albumid, artistid, role)
         select md5('al' || k)::uuid, md5('a' || (1 + (k * 13) % 5000))::uuid, 'Primary'
           from generate_series(1, {albums}) k;
         create temporary table generated on commit drop as
         select md5('s' || k || '-' || t)::uuid as songid, k, t,
                md5('al' || k)::uuid as albumid,
                md5('a' || (1 + (k * 13) % 5000))::uuid as artistid,
                case when (k * 10 + t) % 10 < 4 then 1
                     else 2 + abs(hashint8extended(k * 10 + t, 9)) % 299 end as genre
           from generate_series(1, {albums}) k, generate_series(1, 10) t;
         insert into songs (songid, title, fileurl, filepublicid, ownerid, category, duration,
                            albumid, tracknumber, discnumber, createdat)
         select g.songid, 'Song ' || g.k || '.' || g.t, 'f', 'k', a.ownerid, 'Music', 180,
                g.albumid, g.t, 1, a.createdat
           from generated g join albums a on a.albumid = g.albumid;
         insert into artistsongs (artistid, songid, role)
         select artistid, songid, 'Primary' from generated;
         insert into songgenres (songid, genreid)
         select songid, md5('g' || genre)::uuid from generated;
         -- What the album-artist triggers keep, in one pass.
         update albums set artistkey = ampli_album_artist_key(albumid);
         alter table songs enable trigger user;
         alter table albums enable trigger user;
         alter table albumartists enable trigger user;
         alter table artistsongs enable trigger user;
         alter table songgenres enable trigger user;"
    );
    let mut tx = app.state.db.begin().await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(script))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    sqlx::raw_sql("vacuum analyze songs, albums, albumartists, artistsongs, songgenres, genres, artists, users")
        .execute(&app.state.db)
        .await?;
    Ok(())
}
