//! What the benchmarks share: a plain keep-alive HTTP/1.1 client, latency summaries, and an
//! Ampli app on a fresh database, served in-process on a real TCP port.
#![allow(dead_code)] // each benchmark uses a different part

use std::net::SocketAddr;
use std::time::Duration;

use ampli::app::AppState;
use ampli::cli::RawSettings;
use ampli::config::Config;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One keep-alive HTTP/1.1 connection.
pub struct Client {
    stream: BufReader<TcpStream>,
}

impl Client {
    pub async fn connect(address: SocketAddr) -> Self {
        let stream = TcpStream::connect(address).await.expect("connect");
        stream.set_nodelay(true).ok();
        Self {
            stream: BufReader::new(stream),
        }
    }

    /// A connection from `local` (any 127.x.y.z is this machine), so that the app sees each
    /// client as a network of its own, as its per-network limits expect of separate people.
    pub async fn connect_from(address: SocketAddr, local: std::net::Ipv4Addr) -> Self {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket
            .bind(SocketAddr::from((local, 0)))
            .expect("bind a loopback address");
        let stream = socket.connect(address).await.expect("connect");
        stream.set_nodelay(true).ok();
        Self {
            stream: BufReader::new(stream),
        }
    }

    /// Sends one JSON request and reads the whole answer; returns the status.
    pub async fn request(&mut self, method: &str, path: &str, body: Option<&str>) -> u16 {
        let body = body.unwrap_or("").as_bytes();
        self.send(
            method,
            path,
            None,
            "Content-Type: application/json\r\n",
            body,
        )
        .await
        .0
    }

    /// Sends a request with a bearer token and extra headers; answers (status, body).
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &str,
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        let auth = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: bench\r\n{auth}{headers}Content-Length: {}\r\n\r\n",
            body.len()
        );
        self.stream
            .get_mut()
            .write_all(head.as_bytes())
            .await
            .expect("write");
        self.stream.get_mut().write_all(body).await.expect("write");
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
        (status, rest)
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

pub fn summary(mut samples: Vec<Duration>) -> String {
    samples.sort();
    format!(
        "p50 {:7.2} ms  p95 {:7.2} ms  p99 {:7.2} ms  (n={})",
        percentile(&samples, 0.50),
        percentile(&samples, 0.95),
        percentile(&samples, 0.99),
        samples.len()
    )
}

/// An Ampli app on a database of its own, served on 127.0.0.1; dropped with `finish`.
pub struct BenchApp {
    pub address: SocketAddr,
    pub state: AppState,
    pub config: Config,
    pub data_dir: tempfile::TempDir,
    /// The server the database was made on; `None` for a private cluster.
    server_url: Option<String>,
    database: String,
    db: Option<ampli::db::Database>,
}

impl BenchApp {
    /// On a fresh database of the PostgreSQL server at BENCH_DATABASE_URL (the machine's own
    /// by default).
    pub async fn start(name: &str, adjust: impl FnOnce(&mut RawSettings)) -> anyhow::Result<Self> {
        let server_url = std::env::var("BENCH_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let database = format!("ampli_bench_{name}_{}", std::process::id());
        let mut admin = PgConnection::connect(&server_url).await?;
        sqlx::query(AssertSqlSafe(format!("create database {database}")))
            .execute(&mut admin)
            .await?;
        let (base, _) = server_url.rsplit_once('/').unwrap_or((&server_url, ""));
        let database_url = Some(format!("{base}/{database}"));
        Self::start_on(database_url, Some(server_url), database, adjust).await
    }

    /// On Ampli's embedded defaults: a private cluster of its own in a fresh data directory.
    pub async fn start_private(adjust: impl FnOnce(&mut RawSettings)) -> anyhow::Result<Self> {
        Self::start_on(None, None, String::new(), adjust).await
    }

    async fn start_on(
        database_url: Option<String>,
        server_url: Option<String>,
        database: String,
        adjust: impl FnOnce(&mut RawSettings),
    ) -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir()?;
        let mut raw = RawSettings {
            database_url,
            data_dir: Some(data_dir.path().to_string_lossy().into_owned()),
            log: Some("warn".into()),
            ..RawSettings::default()
        };
        adjust(&mut raw);
        let config = Config::load(&raw)?;
        let db = ampli::db::Database::open(&config).await?;
        ampli::db::migrate(&db.pool).await?;
        let state = AppState::build(db.pool.clone(), &config).await?;
        let app = ampli::app::router(state.clone(), &config)
            .into_make_service_with_connect_info::<SocketAddr>();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self {
            address,
            state,
            config,
            data_dir,
            server_url,
            database,
            db: Some(db),
        })
    }

    /// Registers, verifies and signs in a user; answers the access token.
    pub async fn user(&self, name: &str) -> String {
        let email = format!("{name}@bench.test");
        let password = "benchmarking is a patient art";
        let mut client = Client::connect(self.address).await;
        let body = format!(r#"{{"name":"{name}","email":"{email}","password":"{password}"}}"#);
        assert_eq!(
            client
                .request("POST", "/api/v1/auth/register", Some(&body))
                .await,
            202
        );
        sqlx::query("update users set verified = true where email = $1")
            .bind(&email)
            .execute(&self.state.db)
            .await
            .expect("verify");
        let body = format!(r#"{{"email":"{email}","password":"{password}"}}"#);
        let (status, answer) = client
            .send(
                "POST",
                "/api/v1/auth/login",
                None,
                "Content-Type: application/json\r\n",
                body.as_bytes(),
            )
            .await;
        assert_eq!(status, 200);
        let json: serde_json::Value = serde_json::from_slice(&answer).expect("json");
        json["accessToken"].as_str().expect("token").to_owned()
    }

    /// The server's address and this app's database on it; `None` for a private cluster.
    pub fn database_on_server(&self) -> Option<(&str, &str)> {
        Some((self.server_url.as_deref()?, &self.database))
    }

    pub async fn finish(mut self) -> anyhow::Result<()> {
        if let Some(db) = self.db.take() {
            db.close().await?;
        }
        // A private cluster stopped with the database; its data directory goes with `self`.
        if let Some(server_url) = &self.server_url {
            let mut admin = PgConnection::connect(server_url).await?;
            sqlx::query(AssertSqlSafe(format!(
                "drop database {} with (force)",
                self.database
            )))
            .execute(&mut admin)
            .await?;
        }
        Ok(())
    }
}

pub fn quick() -> bool {
    std::env::var("BENCH_QUICK").is_ok()
}

pub fn seconds() -> Duration {
    Duration::from_secs(if quick() { 2 } else { 10 })
}
