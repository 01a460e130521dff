//! Benchmark: `ampli import-mongo` on a generated mongodump of 100,000 users, a million songs
//! and five million likes, beside the same documents written one INSERT per row, in one run.
//!
//!   cargo bench --bench import                  (the full dump, ~1.3 million documents)
//!   BENCH_QUICK=1 cargo bench --bench import    (a twentieth of it)

mod common;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use ampli::import::ids::{self, Kind};
use ampli::import::{ImportOptions, Source, import};
use bson::oid::ObjectId;
use bson::{Bson, DateTime, Document, doc};
use common::BenchApp;

fn oid(kind: u8, n: u64) -> ObjectId {
    let mut bytes = [0u8; 12];
    bytes[0] = 0x65;
    bytes[1] = kind;
    bytes[4..].copy_from_slice(&n.to_be_bytes());
    ObjectId::from_bytes(bytes)
}

fn write_collection(
    dir: &Path,
    name: &str,
    documents: impl Iterator<Item = Document>,
) -> anyhow::Result<u64> {
    let mut out =
        BufWriter::with_capacity(1 << 20, File::create(dir.join(format!("{name}.bson")))?);
    let mut count = 0;
    for document in documents {
        document.to_writer(&mut out)?;
        count += 1;
    }
    out.flush()?;
    Ok(count)
}

/// A dump shaped like the earlier Ampli's: every user follows a few others, favourites a few
/// songs and has a history; every song has about five likes; a playlist for every other user.
fn generate(dir: &Path, users: u64, songs: u64) -> anyhow::Result<u64> {
    let at = DateTime::from_millis(1_700_000_000_000);
    let hash = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8.Xo5Cz6hbX8bPVVZ7gE0h9r9j5Y6e";
    let mut total = write_collection(
        dir,
        "users",
        (0..users).map(|n| {
            doc! {
                "_id": oid(1, n), "name": format!("Listener {n}"), "email": format!("listener{n}@mongo.test"),
                "password": hash, "verified": n % 3 != 0,
                "followers": (1..4).map(|k| Bson::ObjectId(oid(1, (n * 7 + k * 13) % users))).collect::<Vec<_>>(),
                "followings": (1..4).map(|k| Bson::ObjectId(oid(1, (n * 11 + k * 17) % users))).collect::<Vec<_>>(),
                "favorites": (0..3).map(|k| Bson::ObjectId(oid(2, (n * 31 + k * 101) % songs))).collect::<Vec<_>>(),
                "tokens": [], "createdAt": at, "updatedAt": at,
            }
        }),
    )?;
    total += write_collection(
        dir,
        "audios",
        (0..songs).map(|n| {
            doc! {
                "_id": oid(2, n), "title": format!("Song number {n}"), "about": "generated",
                "owner": oid(1, n % users),
                "file": { "url": format!("https://res.example/{n}.mp3"), "publicId": format!("audio/{n}") },
                "likes": (0..5).map(|k| Bson::ObjectId(oid(1, (n * 13 + k * 7919) % users))).collect::<Vec<_>>(),
                "category": "Music", "createdAt": at, "updatedAt": at,
            }
        }),
    )?;
    total += write_collection(
        dir,
        "playlists",
        (0..users / 2).map(|n| {
            doc! {
                "_id": oid(3, n), "title": format!("Mix {n}"), "owner": oid(1, n * 2), "visibility": "public",
                "items": (0..10).map(|k| Bson::ObjectId(oid(2, (n * 97 + k * 1009) % songs))).collect::<Vec<_>>(),
                "createdAt": at, "updatedAt": at,
            }
        }),
    )?;
    total += write_collection(
        dir,
        "histories",
        (0..users).map(|n| {
            doc! {
                "_id": oid(6, n), "owner": oid(1, n),
                "all": (0..5).map(|k| Bson::Document(doc! {
                    "audio": oid(2, (n * 53 + k * 3001) % songs), "progress": (k * 17) as i32, "date": at,
                })).collect::<Vec<_>>(),
                "createdAt": at, "updatedAt": at,
            }
        }),
    )?;
    Ok(total)
}

/// The baseline: the same documents, one INSERT per row (users, then songs with their credit
/// and likes), for `budget`; answers the documents written and the time taken.
async fn row_by_row(
    pool: &sqlx::PgPool,
    dir: &Path,
    budget: Duration,
) -> anyhow::Result<(u64, Duration)> {
    let source = Source::open(&dir.to_string_lossy())?;
    let started = Instant::now();
    let mut documents = 0;
    let users = source.read("users").await?.documents;
    for user in &users {
        let id = ids::uuid(Kind::User, &user.get_object_id("_id")?);
        sqlx::query("insert into users (userid, name, email, password, verified) values ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(user.get_str("name")?)
            .bind(user.get_str("email")?)
            .bind(user.get_str("password")?)
            .bind(user.get_bool("verified")?)
            .execute(pool)
            .await?;
        let artist = ids::uuid(Kind::OwnerArtist, &user.get_object_id("_id")?);
        sqlx::query("insert into artists (artistid, name, userid) values ($1, $2, $3)")
            .bind(artist)
            .bind(user.get_str("name")?)
            .bind(id)
            .execute(pool)
            .await?;
        documents += 1;
        if started.elapsed() > budget {
            return Ok((documents, started.elapsed()));
        }
    }
    for song in source.read("audios").await?.documents {
        let id = ids::uuid(Kind::Song, &song.get_object_id("_id")?);
        let owner = song.get_object_id("owner")?;
        let file = song.get_document("file")?;
        sqlx::query("insert into songs (songid, title, about, category, fileurl, filepublicid, ownerid) values ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(song.get_str("title")?)
            .bind(song.get_str("about")?)
            .bind(song.get_str("category")?)
            .bind(file.get_str("url")?)
            .bind(file.get_str("publicId")?)
            .bind(ids::uuid(Kind::User, &owner))
            .execute(pool)
            .await?;
        sqlx::query("insert into artistsongs (artistid, songid, role) values ($1, $2, 'Primary')")
            .bind(ids::uuid(Kind::OwnerArtist, &owner))
            .bind(id)
            .execute(pool)
            .await?;
        for liker in song.get_array("likes")? {
            let Bson::ObjectId(liker) = liker else {
                continue;
            };
            sqlx::query(
                "insert into likes (userid, songid) values ($1, $2) on conflict do nothing",
            )
            .bind(ids::uuid(Kind::User, liker))
            .bind(id)
            .execute(pool)
            .await?;
        }
        documents += 1;
        if started.elapsed() > budget {
            break;
        }
    }
    Ok((documents, started.elapsed()))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let quick = common::quick();
    let (users, songs) = if quick {
        (5_000, 50_000)
    } else {
        (100_000, 1_000_000)
    };
    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    let documents = generate(dir.path(), users, songs)?;
    println!(
        "generated a mongodump of {documents} documents ({users} users, {songs} songs, {} likes) in {:.1} s\n",
        songs * 5,
        started.elapsed().as_secs_f64()
    );

    let app = BenchApp::start("import", |_| {}).await?;
    let options = ImportOptions {
        from: dir.path().to_string_lossy().into_owned(),
        dry_run: false,
        report: None,
        quiet: true,
    };
    let source = Source::open(&options.from)?;
    let report = import(&options, &source, &app.state.db).await?;
    assert_eq!(report.verified, Some(true), "{}", report.summary());
    println!("{}\n", report.summary());
    let stages: Vec<String> = report
        .stage_seconds
        .iter()
        .map(|(stage, seconds)| format!("{stage} {seconds:.1} s"))
        .collect();
    println!("writing stages: {}\n", stages.join(", "));
    let rows: u64 = report.rows.values().sum();

    let baseline = BenchApp::start("import_baseline", |_| {}).await?;
    let budget = if quick {
        Duration::from_secs(5)
    } else {
        Duration::from_secs(60)
    };
    let (baseline_documents, baseline_time) =
        row_by_row(&baseline.state.db, dir.path(), budget).await?;
    baseline.finish().await?;
    app.finish().await?;

    println!("                                   documents   rows        seconds   documents/s");
    println!(
        "ampli import-mongo (batched)       {:<11} {:<11} {:<9.1} {:.0}",
        report.documents_read(),
        rows,
        report.seconds,
        report.documents_per_second
    );
    println!(
        "one INSERT per row (baseline)      {:<11} {:<11} {:<9.1} {:.0}   (users, then songs with credit and likes, for {} s)",
        baseline_documents,
        "-",
        baseline_time.as_secs_f64(),
        baseline_documents as f64 / baseline_time.as_secs_f64(),
        budget.as_secs()
    );
    Ok(())
}
