//! Benchmark: a Subsonic app syncing a whole library the way Symfonium and Feishin do, with
//! `search3` and an empty query paged by `songOffset`, beside the plain SQL `OFFSET` query
//! (the baseline an offset-paged list would cost) in the same run. Shows that a page deep in
//! the walk costs what the first page does: each page continues from where the previous one
//! ended (src/subsonic/positions.rs), where `OFFSET` reads and throws away every row before.
//!
//!   cargo bench --bench subsonic                  (1,000,000 songs)
//!   BENCH_QUICK=1 cargo bench --bench subsonic    (20,000 songs)

mod common;

use std::time::{Duration, Instant};

use common::{BenchApp, Client, summary};
use md5::{Digest, Md5};

/// Songs per page, the most `search3` answers.
const PAGE: i64 = 500;
/// Samples per measurement.
const SAMPLES: usize = 10;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let app = BenchApp::start("subsonic", |_| {}).await?;
    let result = run(&app).await;
    app.finish().await?;
    result
}

async fn run(app: &BenchApp) -> anyhow::Result<()> {
    let songs: i64 = if common::quick() { 20_000 } else { 1_000_000 };
    let token = app.user("bench").await;
    let mut client = Client::connect(app.address).await;
    let (status, made) = client
        .send(
            "POST",
            "/api/v1/me/app-passwords",
            Some(&token),
            "Content-Type: application/json\r\n",
            br#"{"name":"bench"}"#,
        )
        .await;
    assert_eq!(status, 201);
    let made: serde_json::Value = serde_json::from_slice(&made)?;
    let password = made["password"].as_str().expect("password").to_owned();
    let started = Instant::now();
    generate(app, songs).await?;
    println!(
        "generated {songs} songs in {:.0} s; pages of {PAGE} songs, {SAMPLES} samples each\n",
        started.elapsed().as_secs_f64()
    );

    let salt = "b3nch";
    let auth = format!(
        "u=bench%40bench.test&t={}&s={salt}&v=1.16.1&c=bench&f=json",
        hex::encode(Md5::digest(format!("{password}{salt}").as_bytes()))
    );
    let page_uri = |offset: i64| {
        format!(
            "/rest/search3?{auth}&query=%22%22&artistCount=0&albumCount=0&songCount={PAGE}&songOffset={offset}"
        )
    };
    let page = async |client: &mut Client, offset: i64| {
        let started = Instant::now();
        let (status, body) = client.send("GET", &page_uri(offset), None, "", b"").await;
        let elapsed = started.elapsed();
        assert_eq!(status, 200);
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
        let found = body["subsonic-response"]["searchResult3"]["song"]
            .as_array()
            .map_or(0, Vec::len);
        (elapsed, found)
    };
    let baseline = async |offset: i64| -> anyhow::Result<Duration> {
        let started = Instant::now();
        let rows: Vec<(uuid::Uuid,)> = sqlx::query_as(
            "select songid from songs order by createdat desc, songid desc offset $1 limit $2",
        )
        .bind(offset)
        .bind(PAGE)
        .fetch_all(&app.state.db)
        .await?;
        assert_eq!(rows.len() as i64, PAGE.min(songs - offset));
        Ok(started.elapsed())
    };

    // The first pages of a sync, each continuing the last.
    let mut first = Vec::new();
    for n in 0..SAMPLES as i64 {
        let (elapsed, found) = page(&mut client, n * PAGE).await;
        assert_eq!(found as i64, PAGE);
        first.push(elapsed);
    }
    let mut sql_first = Vec::new();
    for n in 0..SAMPLES as i64 {
        sql_first.push(baseline(n * PAGE).await?);
    }
    println!(
        "{:<26} {:<58} SQL OFFSET baseline (ids only)",
        "where in the library", "search3, continuing the walk"
    );
    println!(
        "{:<26} {:<58} {}",
        "first pages",
        summary(first),
        summary(sql_first)
    );

    // Deep in the walk: the page after one just read (as a sync reaches it), and, once, the
    // cost of jumping there with nothing remembered (walked to in steps, then remembered).
    for share in [10, 50, 99] {
        // Room for the samples after it, even at the end of the library.
        let depth = (songs * share / 100 / PAGE * PAGE).min(songs - (SAMPLES as i64 + 1) * PAGE);
        let (jump, _) = page(&mut client, depth).await;
        let mut deep = Vec::new();
        let mut sql = Vec::new();
        for n in 0..SAMPLES as i64 {
            // Each page once, the way a sync asks for it: the one after the last.
            let offset = depth + (n + 1) * PAGE;
            if offset >= songs {
                break;
            }
            let (elapsed, found) = page(&mut client, offset).await;
            assert_eq!(found as i64, PAGE.min(songs - offset));
            deep.push(elapsed);
            sql.push(baseline(offset).await?);
        }
        println!(
            "{:<26} {:<58} {}",
            format!("{share}% in (offset {depth})"),
            summary(deep),
            summary(sql)
        );
        println!(
            "{:<26} jumping there unannounced, once: {:.0} ms",
            "",
            jump.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

/// `songs` songs of the bench user, one artist each, loaded set-based with the search
/// triggers set aside (the sync lists songs; it does not search them).
async fn generate(app: &BenchApp, songs: i64) -> anyhow::Result<()> {
    let script = format!(
        "alter table songs disable trigger user;
         alter table artistsongs disable trigger user;
         insert into artists (artistid, name)
         select md5('a' || n)::uuid, 'Artist ' || n from generate_series(1, 1000) n;
         create temporary table generated on commit drop as
         select gen_random_uuid() as songid, k,
                md5('a' || (1 + k % 1000))::uuid as artistid
           from generate_series(1, {songs}) k;
         insert into songs (songid, title, fileurl, filepublicid, ownerid, category, duration,
                            createdat)
         select g.songid, 'Song ' || g.k, 'f', 'k', u.userid, 'Music', 180,
                now() - make_interval(secs => g.k)
           from generated g, users u where u.email = 'bench@bench.test';
         insert into artistsongs (artistid, songid, role)
         select artistid, songid, 'Primary' from generated;
         alter table songs enable trigger user;
         alter table artistsongs enable trigger user;"
    );
    let mut tx = app.state.db.begin().await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(script))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    sqlx::raw_sql("vacuum analyze songs, artistsongs, artists")
        .execute(&app.state.db)
        .await?;
    Ok(())
}
