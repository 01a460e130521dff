//! Benchmark: the catalog's hot paths, each beside a baseline from the same run.
//!
//! - upload-to-playable time for a 4-minute song (the original plays at once; the bitrate
//!   ladder follows from the transcoding job);
//! - streaming throughput of 1 and of 64 concurrent range requests, against reading the same
//!   file straight from disk;
//! - a hot song taking plays from 64 concurrent tasks: the batching counter against one
//!   `UPDATE ... PlayCount + 1` per play, and the count checked against the plays sent.
//!
//!   cargo bench --bench catalog
//!   BENCH_QUICK=1 cargo bench --bench catalog

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{BenchApp, Client};
use tokio::io::AsyncReadExt;
use uuid::Uuid;

const CHUNK: u64 = 1 << 20;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let app = BenchApp::start("catalog", |_| {}).await?;
    let result = run(&app).await;
    app.finish().await?;
    result
}

async fn run(app: &BenchApp) -> anyhow::Result<()> {
    let seconds = common::seconds();
    let token = app.user("bench").await;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "machine: {cores} cores; {}s per measurement\n",
        seconds.as_secs()
    );

    // Upload-to-playable: a 4-minute, 44.1 kHz mono WAV (21 MB).
    let rate = 44_100u32;
    let samples: Vec<i16> = (0..rate * 240)
        .map(|i| ((i as f32 * 330.0 * std::f32::consts::TAU / rate as f32).sin() * 9000.0) as i16)
        .collect();
    let wav = ampli::media::audio::wav_pcm16(&samples, rate);
    let boundary = "bench-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nFour Minutes\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"long.wav\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&wav);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut client = Client::connect(app.address).await;
    let started = Instant::now();
    let (status, answer) = client
        .send(
            "POST",
            "/api/v1/songs",
            Some(&token),
            &format!("Content-Type: multipart/form-data; boundary={boundary}\r\n"),
            &body,
        )
        .await;
    let playable = started.elapsed();
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&answer));
    let song: serde_json::Value = serde_json::from_slice(&answer)?;
    let id: Uuid = song["id"].as_str().unwrap_or_default().parse()?;
    let ladder = match app.state.catalog.transcoder(app.state.metrics.clone()) {
        Some(transcoder) => {
            let started = Instant::now();
            transcoder.run_one().await?;
            Some(started.elapsed())
        }
        None => None,
    };
    println!(
        "upload to playable, 4-minute WAV ({:.1} MB)",
        wav.len() as f64 / 1e6
    );
    println!(
        "  original streamable after              {:8.0} ms (the POST's answer)",
        playable.as_secs_f64() * 1000.0
    );
    match ladder {
        Some(time) => println!(
            "  bitrate ladder (3 Opus + 1 MP3) after  {:8.0} ms more (one transcoding job)",
            time.as_secs_f64() * 1000.0
        ),
        None => println!("  bitrate ladder: ffmpeg not installed"),
    }

    // Streaming: the stored original, from disk directly and through the API.
    let key: String = sqlx::query_scalar("select filepublicid from songs where songid = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await?;
    let path = app.data_dir.path().join("media").join(&key);
    let length = std::fs::metadata(&path)?.len();
    let disk_one = disk_read(&path, 1, length, seconds).await;
    let disk_many = disk_read(&path, 64, length, seconds).await;
    let uri = format!("/api/v1/songs/{id}/stream");
    let api_one = api_read(app, &uri, &token, 1, length, seconds).await;
    let api_many = api_read(app, &uri, &token, 64, length, seconds).await;
    println!("\nstreaming 1 MB ranges of the stored file");
    println!(
        "  1 reader:   disk (baseline) {:8.0} MB/s   GET /stream {:8.0} MB/s   ratio {:.2}",
        disk_one,
        api_one,
        api_one / disk_one
    );
    println!(
        "  64 readers: disk (baseline) {:8.0} MB/s   GET /stream {:8.0} MB/s   ratio {:.2}",
        disk_many,
        api_many,
        api_many / disk_many
    );

    // Plays on one hot song from 64 concurrent tasks.
    let baseline = update_per_play(app, id, seconds).await?;
    let batched = batched_plays(app, id, seconds).await?;
    println!("\nplays of one hot song, 64 concurrent tasks");
    println!(
        "  UPDATE ... PlayCount + 1 per play (baseline) {:10.0} plays/s",
        baseline
    );
    println!(
        "  batching counter, flushed every second       {:10.0} plays/s   ({:.1}x)",
        batched.0,
        batched.0 / baseline
    );
    println!(
        "  plays sent {} = PlayCount gained {}",
        batched.1, batched.2
    );
    Ok(())
}

/// Reads random 1 MB ranges of `path` with `readers` concurrent tasks; answers MB/s.
async fn disk_read(path: &std::path::Path, readers: usize, length: u64, time: Duration) -> f64 {
    use tokio::io::AsyncSeekExt;
    let bytes = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + time;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for reader in 0..readers {
        let (path, bytes) = (path.to_owned(), bytes.clone());
        tasks.push(tokio::spawn(async move {
            let mut file = tokio::fs::File::open(&path).await.expect("open");
            let mut buffer = vec![0u8; 64 * 1024];
            let mut offset = (reader as u64 * 7919 * CHUNK) % length.saturating_sub(CHUNK).max(1);
            while Instant::now() < deadline {
                file.seek(std::io::SeekFrom::Start(offset))
                    .await
                    .expect("seek");
                let mut left = CHUNK.min(length - offset);
                while left > 0 {
                    let n = file
                        .read(&mut buffer[..left.min(65536) as usize])
                        .await
                        .expect("read");
                    if n == 0 {
                        break;
                    }
                    left -= n as u64;
                    bytes.fetch_add(n as u64, Ordering::Relaxed);
                }
                offset = (offset + 3 * CHUNK) % length.saturating_sub(CHUNK).max(1);
            }
        }));
    }
    for task in tasks {
        task.await.expect("reader");
    }
    bytes.load(Ordering::Relaxed) as f64 / 1e6 / started.elapsed().as_secs_f64()
}

/// The same through GET /stream with Range headers, over keep-alive connections.
async fn api_read(
    app: &BenchApp,
    uri: &str,
    token: &str,
    readers: usize,
    length: u64,
    time: Duration,
) -> f64 {
    let bytes = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + time;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for reader in 0..readers {
        let (uri, token, bytes, address) =
            (uri.to_owned(), token.to_owned(), bytes.clone(), app.address);
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(address).await;
            let mut offset = (reader as u64 * 7919 * CHUNK) % length.saturating_sub(CHUNK).max(1);
            while Instant::now() < deadline {
                let end = (offset + CHUNK).min(length) - 1;
                let range = format!("Range: bytes={offset}-{end}\r\n");
                let (status, body) = client.send("GET", &uri, Some(&token), &range, b"").await;
                assert_eq!(status, 206);
                bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                offset = (offset + 3 * CHUNK) % length.saturating_sub(CHUNK).max(1);
            }
        }));
    }
    for task in tasks {
        task.await.expect("reader");
    }
    bytes.load(Ordering::Relaxed) as f64 / 1e6 / started.elapsed().as_secs_f64()
}

async fn update_per_play(app: &BenchApp, song: Uuid, time: Duration) -> anyhow::Result<f64> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(16)
        .connect_with(app.state.db.connect_options().as_ref().clone())
        .await?;
    let plays = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + time;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let (pool, plays) = (pool.clone(), plays.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                sqlx::query("update songs set playcount = playcount + 1 where songid = $1")
                    .bind(song)
                    .execute(&pool)
                    .await
                    .expect("update");
                plays.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    Ok(plays.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

/// Answers (plays per second, plays sent, PlayCount gained).
async fn batched_plays(
    app: &BenchApp,
    song: Uuid,
    time: Duration,
) -> anyhow::Result<(f64, u64, i64)> {
    let counter = app.state.catalog.plays.clone();
    let before: i64 = sqlx::query_scalar("select playcount from songs where songid = $1")
        .bind(song)
        .fetch_one(&app.state.db)
        .await?;
    let flusher = counter.spawn_flusher();
    let plays = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + time;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let (counter, plays) = (counter.clone(), plays.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                // A distinct listener per play: each one counts.
                assert!(counter.record(Uuid::new_v4(), song).await);
                plays.fetch_add(1, Ordering::Relaxed);
                tokio::task::yield_now().await;
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let rate = plays.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    counter.stop();
    flusher.await?;
    let after: i64 = sqlx::query_scalar("select playcount from songs where songid = $1")
        .bind(song)
        .fetch_one(&app.state.db)
        .await?;
    Ok((rate, plays.load(Ordering::Relaxed), after - before))
}
