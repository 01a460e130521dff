//! A database of its own for each test, dropped when the test ends.

use std::sync::OnceLock;

use ampli::db::embedded::{ClusterOptions, EmbeddedCluster};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, PgConnection, PgPool};

/// Where test databases are made: DATABASE_URL's server, or one private cluster shared by the
/// whole test binary.
fn server() -> &'static PgConnectOptions {
    static SERVER: OnceLock<PgConnectOptions> = OnceLock::new();
    SERVER.get_or_init(|| match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url.parse().expect("DATABASE_URL parses"),
        _ => shared_cluster().connect_options("postgres"),
    })
}

fn shared_cluster() -> &'static EmbeddedCluster {
    static CLUSTER: OnceLock<EmbeddedCluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        // Kept between runs under the target folder, so initdb runs once per checkout.
        let options = ClusterOptions {
            data_dir: std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-cluster"),
            bin_dir: None,
            run_as_user: "postgres".to_owned(),
        };
        EmbeddedCluster::start(&options).expect("the shared test cluster starts")
    })
}

pub struct TestDb {
    pub pool: PgPool,
    pub name: String,
}

impl TestDb {
    /// An empty database, without migrations.
    pub async fn empty() -> Self {
        let name = format!("ampli_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect_with(server())
            .await
            .expect("connecting to the test server");
        sqlx::query(AssertSqlSafe(format!("create database {name}")))
            .execute(&mut admin)
            .await
            .expect("creating the test database");
        let pool = PgPoolOptions::new()
            .max_connections(5)
            .connect_with(server().clone().database(&name))
            .await
            .expect("connecting to the test database");
        Self { pool, name }
    }

    /// A database with every migration applied.
    pub async fn migrated() -> Self {
        let db = Self::empty().await;
        ampli::db::migrate(&db.pool)
            .await
            .expect("migrations apply");
        db
    }

    /// A pool on this database signed in as `role` (the test servers trust local sign-ins).
    pub async fn pool_as(&self, role: &str) -> PgPool {
        PgPoolOptions::new()
            .max_connections(5)
            .connect_with(server().clone().database(&self.name).username(role))
            .await
            .expect("connecting to the test database as another role")
    }

    /// A DATABASE_URL for this database, for running the binary against it.
    pub fn url(&self) -> String {
        let server = server();
        let user = server.get_username();
        match server.get_socket() {
            Some(socket) => format!(
                "postgres://{user}@localhost/{}?host={}&port={}",
                self.name,
                socket.display(),
                server.get_port()
            ),
            None => {
                let url = std::env::var("DATABASE_URL")
                    .expect("a TCP test server comes from DATABASE_URL");
                with_database(&url, &self.name)
            }
        }
    }
}

/// `url` with its database name replaced: same server, credentials and options.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    format!("{}/{database}{query}", &base[..authority_end])
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop may run inside the test's runtime, which cannot be blocked on: use a thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect_with(server()).await?;
                sqlx::query(AssertSqlSafe(format!(
                    "drop database if exists {name} with (force)"
                )))
                .execute(&mut admin)
                .await?;
                Ok::<_, anyhow::Error>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}
