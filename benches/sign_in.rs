//! Benchmark: sign-in throughput beside raw Argon2id verification, and /healthz latency at
//! rest beside its latency during a sign-in flood, all in one run; plus forgot-password
//! timing for a known against an unknown address.
//!
//!   cargo bench --bench sign_in                  (about a minute)
//!   BENCH_QUICK=1 cargo bench --bench sign_in    (smoke run)
//!
//! Needs a PostgreSQL server: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres.
//! The app runs in-process on a real TCP port; clients speak plain HTTP/1.1 over keep-alive.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ampli::accounts::passwords;
use ampli::cli::RawSettings;
use ampli::config::Config;
use ampli::state::AppState;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const PASSWORD: &str = "benchmarking is a patient art";

/// One keep-alive HTTP/1.1 connection.
struct Client {
    stream: BufReader<TcpStream>,
}

impl Client {
    async fn connect(address: SocketAddr) -> Self {
        let stream = TcpStream::connect(address).await.expect("connect");
        stream.set_nodelay(true).ok();
        Self {
            stream: BufReader::new(stream),
        }
    }

    /// Sends one request and reads the whole answer; returns the status.
    async fn request(&mut self, method: &str, path: &str, body: Option<&str>) -> u16 {
        let body = body.unwrap_or("");
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.stream
            .get_mut()
            .write_all(request.as_bytes())
            .await
            .expect("write");
        let mut status_line = String::new();
        self.stream
            .read_line(&mut status_line)
            .await
            .expect("status");
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.stream.read_line(&mut line).await.expect("header");
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut rest = vec![0; length];
        self.stream.read_exact(&mut rest).await.expect("body");
        status
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn summary(mut samples: Vec<Duration>) -> String {
    samples.sort();
    format!(
        "p50 {:7.2} ms  p95 {:7.2} ms  p99 {:7.2} ms  (n={})",
        percentile(&samples, 0.50),
        percentile(&samples, 0.95),
        percentile(&samples, 0.99),
        samples.len()
    )
}

/// Probes /healthz one request at a time until `stop`; answers the latencies.
async fn probe_health(address: SocketAddr, stop: Arc<AtomicBool>, limit: usize) -> Vec<Duration> {
    let mut client = Client::connect(address).await;
    let mut samples = Vec::new();
    while !stop.load(Ordering::Relaxed) && samples.len() < limit {
        let started = Instant::now();
        assert_eq!(client.request("GET", "/healthz", None).await, 200);
        samples.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    samples
}

/// `clients` connections signing in over and over for `duration`; answers the latencies.
async fn flood_sign_ins(
    address: SocketAddr,
    email: &str,
    clients: usize,
    duration: Duration,
) -> Vec<Duration> {
    let body = format!(r#"{{"email":"{email}","password":"{PASSWORD}"}}"#);
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(address).await;
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                assert_eq!(
                    client
                        .request("POST", "/api/v1/auth/login", Some(&body))
                        .await,
                    200
                );
                samples.push(started.elapsed());
            }
            samples
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all
}

fn raw_verify_rate(threads: usize, duration: Duration) -> f64 {
    let hash = passwords::hash_raw(PASSWORD).unwrap();
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let count: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut n = 0;
                    while Instant::now() < deadline {
                        assert!(passwords::verify_raw(PASSWORD, &hash));
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    count as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let quick = std::env::var("BENCH_QUICK").is_ok();
    let seconds = Duration::from_secs(if quick { 2 } else { 10 });
    let server_url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let database = format!("ampli_bench_sign_in_{}", std::process::id());
    let mut admin = PgConnection::connect(&server_url).await?;
    sqlx::query(AssertSqlSafe(format!("create database {database}")))
        .execute(&mut admin)
        .await?;
    let result = run(&server_url, &database, quick, seconds).await;
    sqlx::query(AssertSqlSafe(format!(
        "drop database {database} with (force)"
    )))
    .execute(&mut admin)
    .await?;
    result
}

async fn run(
    server_url: &str,
    database: &str,
    quick: bool,
    seconds: Duration,
) -> anyhow::Result<()> {
    let (base, _) = server_url.rsplit_once('/').unwrap_or((server_url, ""));
    let data_dir = tempfile::tempdir()?;
    let config = Config::load(&RawSettings {
        database_url: Some(format!("{base}/{database}")),
        data_dir: Some(data_dir.path().to_string_lossy().into_owned()),
        log: Some("warn".into()),
        // The flood comes from one address and one account: no limit should stop it.
        sign_in_failures_per_account: Some("1000000".into()),
        mail_requests_per_address: Some("1000000".into()),
        mail_requests_per_ip: Some("1000000".into()),
        ..RawSettings::default()
    })?;
    let db = ampli::db::Database::open(&config).await?;
    ampli::db::migrate(&db.pool).await?;
    let state = AppState::build(db.pool.clone(), &config).await?;
    let app = ampli::http::router(state.clone(), &config)
        .into_make_service_with_connect_info::<SocketAddr>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });

    let email = "bench@example.test";
    let mut client = Client::connect(address).await;
    let body = format!(r#"{{"name":"Bench","email":"{email}","password":"{PASSWORD}"}}"#);
    assert_eq!(
        client
            .request("POST", "/api/v1/auth/register", Some(&body))
            .await,
        201
    );

    let threads = config.password_hashing_threads;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "machine: {cores} cores; password hashing threads: {threads}; {}s per measurement\n",
        seconds.as_secs()
    );

    let raw_one = raw_verify_rate(1, seconds);
    let raw_pool = raw_verify_rate(threads, seconds);

    let stop = Arc::new(AtomicBool::new(false));
    let at_rest = probe_health(address, stop.clone(), if quick { 200 } else { 1000 }).await;

    let flood_stop = Arc::new(AtomicBool::new(false));
    let probe = tokio::spawn(probe_health(address, flood_stop.clone(), usize::MAX));
    let started = Instant::now();
    let sign_ins = flood_sign_ins(address, email, 16, seconds).await;
    let elapsed = started.elapsed().as_secs_f64();
    flood_stop.store(true, Ordering::Relaxed);
    let during = probe.await?;

    println!("sign-in throughput");
    println!("  raw Argon2id verify, 1 thread (baseline)   {raw_one:8.1} /s");
    println!("  raw Argon2id verify, {threads} thread(s)          {raw_pool:8.1} /s");
    println!(
        "  POST /auth/login, 16 clients               {:8.1} /s",
        sign_ins.len() as f64 / elapsed
    );
    println!(
        "  POST /auth/login latency                   {}",
        summary(sign_ins)
    );
    println!("\nGET /healthz latency");
    println!(
        "  at rest (baseline)                         {}",
        summary(at_rest)
    );
    println!(
        "  during the sign-in flood                   {}",
        summary(during)
    );

    // Forgot-password: the answer must not tell known from unknown addresses.
    let rounds = if quick { 40 } else { 200 };
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..rounds {
        for (address_to_ask, samples) in [
            (email.to_owned(), &mut known),
            (format!("nobody{i}@example.test"), &mut unknown),
        ] {
            let body = format!(r#"{{"email":"{address_to_ask}"}}"#);
            let started = Instant::now();
            let status = client
                .request("POST", "/api/v1/auth/forgot-password", Some(&body))
                .await;
            samples.push(started.elapsed());
            assert_eq!(status, 202);
        }
    }
    println!("\nPOST /auth/forgot-password latency");
    println!(
        "  unknown address (baseline)                 {}",
        summary(unknown)
    );
    println!(
        "  known address                              {}",
        summary(known)
    );
    drop(state);
    db.close().await?;
    Ok(())
}
