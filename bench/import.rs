//! Benchmark: `ampli import-mongo` on a generated mongodump of 100,000 users, a million songs
//! and five million likes, beside the same documents written one INSERT per row, in one run.
//!
//!   cargo bench --bench import                  (the full dump, ~1.3 million documents)
//!   BENCH_QUICK=1 cargo bench --bench import    (a twentieth of it)
//!   BENCH_ONLY=private / BENCH_ONLY=machine      (one import alone, while working on it)

mod common;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use ampli::import::ids::{self, Kind};
use ampli::import::report::Report;
use ampli::import::{HASH_MEMORY, ImportOptions, SORT_MEMORY, Source, import};
use bson::oid::ObjectId;
use bson::{Bson, DateTime, Document, doc};
use common::BenchApp;
use sqlx::Connection;

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
    // Three years of activity: each document has its own moment, as real ones do.
    let at =
        |n: u64| DateTime::from_millis(1_600_000_000_000 + (n as i64 * 7_919_000) % 94_000_000_000);
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
                "tokens": [], "createdAt": at(n), "updatedAt": at(n + 1),
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
                "category": "Music", "createdAt": at(n * 3), "updatedAt": at(n * 3 + 1),
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
                "createdAt": at(n * 11), "updatedAt": at(n * 11 + 1),
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
                    "audio": oid(2, (n * 53 + k * 3001) % songs), "progress": (k * 17) as i32, "date": at(n * 5 + k),
                })).collect::<Vec<_>>(),
                "createdAt": at(n * 11), "updatedAt": at(n * 11 + 1),
            }
        }),
    )?;
    Ok(total)
}

fn uid(document: &Document, key: &str, kind: Kind) -> anyhow::Result<uuid::Uuid> {
    Ok(ids::uuid(kind, &document.get_object_id(key)?))
}

fn refs(document: &Document, key: &str) -> Vec<ObjectId> {
    document
        .get_array(key)
        .map(|items| {
            items
                .iter()
                .filter_map(|b| match b {
                    Bson::ObjectId(id) => Some(*id),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

fn print_report(into: &str, report: &Report) {
    assert_eq!(report.verified, Some(true), "{}", report.summary());
    println!("{into}:\n{}\n", report.summary());
    let stages: Vec<String> = report
        .stage_seconds
        .iter()
        .map(|(stage, seconds)| format!("{stage} {seconds:.1} s"))
        .collect();
    println!("stages: {}", stages.join(", "));
    println!(
        "{} documents in {:.1} s: {:.0} a second\n",
        report.documents_read(),
        report.seconds,
        report.documents_per_second
    );
}

/// PostgreSQL's own ways to the same end state, for scale: the database the import made,
/// dumped by `pg_dump` (not timed) and restored into a fresh database on the same server
/// (timed). No reading of BSON, no mapping, no report: what is left is what PostgreSQL itself
/// must do.
struct Restored {
    /// `pg_restore -j 2`: the schema, every table by `COPY`, then the indexes and keys two at a
    /// time, as the PostgreSQL documentation advises for a bulk load.
    parallel: f64,
    /// `pg_restore -j 1` without the foreign keys: every statement one after another, so its
    /// time is the core-seconds PostgreSQL needs for the rows and indexes alone. Divided by the
    /// cores, it is a floor under any import of this dump into this server.
    one_at_a_time: f64,
    cores: usize,
}

impl Restored {
    /// The least time any import of this dump into this server can take on this machine:
    /// PostgreSQL's own work spread perfectly over every core, with nothing else to do.
    fn floor(&self) -> f64 {
        self.one_at_a_time / self.cores as f64
    }
}

/// Dumps `database` from `server` and times both restores of [`Restored`].
async fn restore_reference(server: &str, database: &str) -> anyhow::Result<Restored> {
    let binaries = ampli::db::embedded::locate(
        None,
        std::env::var("PATH").ok().as_deref(),
        &[Path::new("/usr/lib/postgresql")],
        None,
    )?;
    let (base, _) = server.rsplit_once('/').unwrap_or((server, ""));
    let dump = tempfile::tempdir()?;
    let dump_dir = dump.path().join("dump");
    let dump_dir = dump_dir.to_string_lossy();
    let run = |program: &str, args: &[&str], settings: &str| -> anyhow::Result<Vec<u8>> {
        let output = std::process::Command::new(binaries.dir.join(program))
            .args(args)
            .env("PGOPTIONS", settings)
            .stderr(std::process::Stdio::inherit())
            .output()?;
        anyhow::ensure!(
            output.status.success(),
            "{program} failed: {}",
            output.status
        );
        Ok(output.stdout)
    };
    let source = format!("{base}/{database}");
    run("pg_dump", &["-Fd", "-j", "2", "-f", &dump_dir, &source], "")?;
    // The dump's table of contents without its foreign keys, for the one-at-a-time restore.
    let contents = String::from_utf8(run("pg_restore", &["-l", &dump_dir], "")?)?;
    let without_keys: String = contents
        .lines()
        .filter(|entry| !entry.contains(" FK CONSTRAINT "))
        .map(|entry| format!("{entry}\n"))
        .collect();
    let list = dump.path().join("without-foreign-keys.list");
    std::fs::write(&list, without_keys)?;
    let list = list.to_string_lossy();
    let mut admin = sqlx::PgConnection::connect(server).await?;
    // Both with the memory the import's loads sort and hash in.
    let memory = format!("-c maintenance_work_mem={SORT_MEMORY} -c work_mem={HASH_MEMORY}");
    let mut restore = async |args: &[&str], settings: &str| -> anyhow::Result<f64> {
        let restored = format!("{database}_restored");
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {restored}")))
            .execute(&mut admin)
            .await?;
        let target = format!("{base}/{restored}");
        let started = Instant::now();
        let args = [args, &["-d", &target, &dump_dir]].concat();
        let outcome = run("pg_restore", &args, settings);
        let seconds = started.elapsed().as_secs_f64();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "drop database {restored} with (force)"
        )))
        .execute(&mut admin)
        .await?;
        outcome?;
        Ok(seconds)
    };
    Ok(Restored {
        parallel: restore(&["-j", "2"], &memory).await?,
        // No parallel workers either: each statement on one core.
        one_at_a_time: restore(
            &["-j", "1", "-L", &list],
            &format!("{memory} -c max_parallel_maintenance_workers=0 -c max_parallel_workers_per_gather=0"),
        )
        .await?,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
    })
}

/// The baseline: the same kind of dump imported one INSERT per row, every collection and every
/// reference array (users with their artist, follows and favourites; songs with their credit
/// and likes; playlists with their items; histories with their entries). Answers the documents
/// read and the time taken.
async fn row_by_row(pool: &sqlx::PgPool, dir: &Path) -> anyhow::Result<(u64, Duration)> {
    let source = Source::open(&dir.to_string_lossy())?;
    let started = Instant::now();
    let users = source.read("users").await?.into_documents();
    let songs = source.read("audios").await?.into_documents();
    let playlists = source.read("playlists").await?.into_documents();
    let histories = source.read("histories").await?.into_documents();
    let one = |sql: &'static str| sqlx::query(sql);
    for user in &users {
        let id = uid(user, "_id", Kind::User)?;
        one("insert into users (userid, name, email, password, verified) values ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(user.get_str("name")?)
            .bind(user.get_str("email")?)
            .bind(user.get_str("password")?)
            .bind(user.get_bool("verified")?)
            .execute(pool)
            .await?;
        one("insert into artists (artistid, name, userid) values ($1, $2, $3)")
            .bind(uid(user, "_id", Kind::OwnerArtist)?)
            .bind(user.get_str("name")?)
            .bind(id)
            .execute(pool)
            .await?;
    }
    for song in &songs {
        let id = uid(song, "_id", Kind::Song)?;
        let file = song.get_document("file")?;
        one("insert into songs (songid, title, about, category, fileurl, filepublicid, ownerid) values ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(song.get_str("title")?)
            .bind(song.get_str("about")?)
            .bind(song.get_str("category")?)
            .bind(file.get_str("url")?)
            .bind(file.get_str("publicId")?)
            .bind(uid(song, "owner", Kind::User)?)
            .execute(pool)
            .await?;
        one("insert into artistsongs (artistid, songid, role) values ($1, $2, 'Primary')")
            .bind(uid(song, "owner", Kind::OwnerArtist)?)
            .bind(id)
            .execute(pool)
            .await?;
        for liker in refs(song, "likes") {
            one("insert into likes (userid, songid) values ($1, $2) on conflict do nothing")
                .bind(ids::uuid(Kind::User, &liker))
                .bind(id)
                .execute(pool)
                .await?;
        }
    }
    for user in &users {
        let id = uid(user, "_id", Kind::User)?;
        for other in refs(user, "followers") {
            let other = ids::uuid(Kind::User, &other);
            if other != id {
                one("insert into userfollowers (followerid, followingid) values ($1, $2) on conflict do nothing")
                    .bind(other)
                    .bind(id)
                    .execute(pool)
                    .await?;
            }
        }
        for song in refs(user, "favorites") {
            one("insert into favorites (userid, songid) values ($1, $2) on conflict do nothing")
                .bind(id)
                .bind(ids::uuid(Kind::Song, &song))
                .execute(pool)
                .await?;
        }
    }
    for playlist in &playlists {
        let id = uid(playlist, "_id", Kind::Playlist)?;
        one("insert into playlists (playlistid, title, ownerid) values ($1, $2, $3)")
            .bind(id)
            .bind(playlist.get_str("title")?)
            .bind(uid(playlist, "owner", Kind::User)?)
            .execute(pool)
            .await?;
        for (position, song) in refs(playlist, "items").into_iter().enumerate() {
            one("insert into playlistitems (playlistid, songid, position) values ($1, $2, $3) on conflict do nothing")
                .bind(id)
                .bind(ids::uuid(Kind::Song, &song))
                .bind(position as i32)
                .execute(pool)
                .await?;
        }
    }
    for history in &histories {
        let user = uid(history, "owner", Kind::User)?;
        for entry in history.get_array("all")? {
            let Bson::Document(entry) = entry else {
                continue;
            };
            one(
                "insert into history (userid, songid, progress) values ($1, $2, $3)
                 on conflict (userid, songid) do update set progress = excluded.progress",
            )
            .bind(user)
            .bind(uid(entry, "audio", Kind::Song)?)
            .bind(entry.get_i32("progress")?)
            .execute(pool)
            .await?;
        }
    }
    let documents = (users.len() + songs.len() + playlists.len() + histories.len()) as u64;
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

    let options = ImportOptions {
        from: dir.path().to_string_lossy().into_owned(),
        dry_run: false,
        report: None,
        quiet: true,
    };
    let source = Source::open(&options.from)?;
    // While working on the import: `BENCH_ONLY=private` runs the private cluster's import
    // alone, `BENCH_ONLY=machine` the machine's PostgreSQL's with its pg_restore reference.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let private_report = if only == "machine" {
        None
    } else {
        let private_app = BenchApp::start_private(|_| {}).await?;
        let private_report = import(&options, &source, &private_app.state.db).await?;
        private_app.finish().await?;
        print_report(
            "into a private cluster (embedded defaults)",
            &private_report,
        );
        Some(private_report)
    };
    if only == "private" {
        return Ok(());
    }
    // Into a private cluster of Ampli's own, as `ampli import-mongo` on the embedded defaults
    // does (above), and into the machine's PostgreSQL as it is configured (the one the tests use).
    let app = BenchApp::start("import", |_| {}).await?;
    let report = import(&options, &source, &app.state.db).await?;
    let restored = match app.database_on_server() {
        Some((server, database)) => Some(restore_reference(server, database).await?),
        None => None,
    };
    app.finish().await?;
    print_report("into the machine's PostgreSQL", &report);
    if let Some(restored) = &restored {
        println!(
            "pg_restore -j 2 of what it imported: {:.1} s; one statement at a time without foreign keys: {:.1} s, \
             at least {:.1} s on {} cores\n",
            restored.parallel,
            restored.one_at_a_time,
            restored.floor(),
            restored.cores
        );
    }
    let rows: u64 = report.rows.values().sum();
    let Some(private_report) = private_report else {
        return Ok(());
    };
    assert_eq!(rows, private_report.rows.values().sum::<u64>());

    // The baseline takes hours at full size: it runs on the same kind of dump at a hundredth
    // of it, and so does the batched import, for a like-for-like figure.
    let small = tempfile::tempdir()?;
    generate(small.path(), users / 100, songs / 100)?;
    let small_options = ImportOptions {
        from: small.path().to_string_lossy().into_owned(),
        ..options.clone()
    };
    let small_app = BenchApp::start("import_small", |_| {}).await?;
    let small_report = import(
        &small_options,
        &Source::open(&small_options.from)?,
        &small_app.state.db,
    )
    .await?;
    assert_eq!(small_report.verified, Some(true));
    small_app.finish().await?;
    let baseline = BenchApp::start("import_baseline", |_| {}).await?;
    let (baseline_documents, baseline_time) = row_by_row(&baseline.state.db, small.path()).await?;
    baseline.finish().await?;

    println!(
        "                                          documents   rows        seconds   documents/s"
    );
    let line = |name: &str, documents: u64, rows: String, seconds: f64| {
        println!(
            "{name:<41} {documents:<11} {rows:<11} {seconds:<9.1} {:.0}",
            documents as f64 / seconds
        );
    };
    line(
        "ampli import-mongo, full dump",
        report.documents_read(),
        rows.to_string(),
        report.seconds,
    );
    line(
        "  the same, private cluster",
        private_report.documents_read(),
        rows.to_string(),
        private_report.seconds,
    );
    if let Some(restored) = &restored {
        line(
            "  pg_restore -j 2 of what it imported",
            report.documents_read(),
            rows.to_string(),
            restored.parallel,
        );
        line(
            &format!("  PostgreSQL's work alone / {} cores", restored.cores),
            report.documents_read(),
            rows.to_string(),
            restored.floor(),
        );
    }
    line(
        "ampli import-mongo, 1/100 dump",
        small_report.documents_read(),
        small_report.rows.values().sum::<u64>().to_string(),
        small_report.seconds,
    );
    line(
        "one INSERT per row, 1/100 dump (baseline)",
        baseline_documents,
        "(same)".to_owned(),
        baseline_time.as_secs_f64(),
    );
    Ok(())
}
