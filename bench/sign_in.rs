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

mod common;

use common::{BenchApp, Client, summary};

const PASSWORD: &str = "benchmarking is a patient art";

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

/// One connection per address in `emails`, each signing in as that account over and over for
/// `duration` from a loopback address of its own (one person each, as the per-account and
/// per-network limits on checks at once expect); answers the latencies.
async fn flood_sign_ins(
    address: SocketAddr,
    emails: &[String],
    duration: Duration,
) -> Vec<Duration> {
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for (n, email) in emails.iter().enumerate() {
        let body = format!(r#"{{"email":"{email}","password":"{PASSWORD}"}}"#);
        let local = std::net::Ipv4Addr::new(127, 0, 1, n as u8 + 1);
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect_from(address, local).await;
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
    let quick = common::quick();
    let seconds = common::seconds();
    let app = BenchApp::start("sign_in", |raw| {
        // Forgot-password is asked for over and over from one address: no limit should stop it.
        raw.mail_requests_per_address = Some("1000000".into());
        raw.mail_requests_per_ip = Some("1000000".into());
    })
    .await?;
    let result = run(&app, quick, seconds).await;
    app.finish().await?;
    result
}

async fn run(app: &BenchApp, quick: bool, seconds: Duration) -> anyhow::Result<()> {
    let (address, config) = (app.address, &app.config);
    let email = "bench@example.test";
    let mut client = Client::connect(address).await;
    let flooders: Vec<String> = (0..16).map(|n| format!("bench{n}@example.test")).collect();
    for to_register in std::iter::once(email).chain(flooders.iter().map(String::as_str)) {
        let body = format!(r#"{{"name":"Bench","email":"{to_register}","password":"{PASSWORD}"}}"#);
        assert_eq!(
            client
                .request("POST", "/api/v1/auth/register", Some(&body))
                .await,
            202
        );
    }

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
    let sign_ins = flood_sign_ins(address, &flooders, seconds).await;
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
    Ok(())
}
