//! The database: where it is (an external server or the private cluster), the connection
//! pool, and the embedded migrations.

pub mod availability;
pub mod embedded;
pub mod replicas;

use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::config::{Config, redact_url};
use availability::DatabaseStatus;
use embedded::{ClusterOptions, EmbeddedCluster};

/// Every migration, compiled into the binary. Migration 1 is the seed schema as written;
/// later ones only add.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The database Ampli talks to, with the private cluster it runs (if any) kept alive beside.
pub struct Database {
    pub pool: PgPool,
    pub cluster: Option<EmbeddedCluster>,
}

impl Database {
    /// Connects to DATABASE_URL, or starts the private cluster when there is none.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
        let (options, cluster) = match &config.database_url {
            Some(url) => {
                let url = url.expose();
                let options: PgConnectOptions = url.parse().with_context(|| {
                    format!(
                        "invalid setting DATABASE_URL: cannot parse {}",
                        redact_url(url)
                    )
                })?;
                (options, None)
            }
            None => {
                let cluster_options = ClusterOptions::from_config(config);
                let cluster =
                    tokio::task::spawn_blocking(move || EmbeddedCluster::start(&cluster_options))
                        .await??;
                cluster.ensure_database().await?;
                (cluster.connect_options(embedded::DATABASE), Some(cluster))
            }
        };
        let pool = pool_options(config)
            .connect_with(session_settings(options))
            .await
            .context("connecting to PostgreSQL")?;
        Ok(Self { pool, cluster })
    }

    /// For one-off tools (admin, import): like `open`, but when an `ampli serve` already runs
    /// the private cluster in this data directory, connects to it instead of failing on its
    /// lock.
    pub async fn open_for_tool(config: &Config) -> anyhow::Result<Self> {
        if config.database_url.is_none() {
            let options = embedded::running_cluster_options(&config.data_dir, embedded::DATABASE);
            if let Some(options) = options
                && let Ok(pool) = pool_options(config)
                    .min_connections(0)
                    .connect_with(session_settings(options))
                    .await
            {
                return Ok(Self {
                    pool,
                    cluster: None,
                });
            }
        }
        Self::open(config).await
    }

    /// Whether the database is known to be down: watched for the private cluster only.
    pub fn status(&self) -> DatabaseStatus {
        self.cluster
            .as_ref()
            .map(EmbeddedCluster::status)
            .unwrap_or_default()
    }

    /// Closes the pool, then stops the private cluster if there is one.
    pub async fn close(mut self) -> anyhow::Result<()> {
        // Closing waits for every connection to come back, and sqlx's own upkeep may hold one
        // for minutes, retrying to connect to a database that is gone (it does so after a
        // broken connection is dropped). A cluster given up on is not waited for at all.
        let wait = if self.status().is_known_down() {
            Duration::ZERO
        } else {
            POOL_CLOSE_TIMEOUT
        };
        if tokio::time::timeout(wait, self.pool.close()).await.is_err() {
            tracing::warn!(?wait, "closing the database pool without waiting further");
        }
        if let Some(mut cluster) = self.cluster.take() {
            tokio::task::spawn_blocking(move || cluster.stop()).await??;
        }
        Ok(())
    }
}

/// Settings of every session Ampli opens, on the primary and on replicas. JIT compilation off:
/// Ampli's statements are short, and PostgreSQL compiled any whose estimated cost passed
/// `jit_above_cost`, taking 20-25 ms to save microseconds; a search whose words raised the
/// estimate over the line paid that on every request (bench/README.md "Search under the mix").
pub fn session_settings(options: PgConnectOptions) -> PgConnectOptions {
    options.options([("jit", "off")])
}

/// The longest `Database::close` waits for the pool's connections to be closed.
const POOL_CLOSE_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection idle for this long is checked (a round trip) before it is lent.
const CHECK_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// Pool settings from the configuration. A connection that sat idle is checked before use, so
/// that a database that went away and came back is picked up again without a restart; one in
/// steady use is not: checking every connection cost a round trip per query, and a signed-in
/// song read (three queries) went from 2,499–2,835 to 3,065–3,069 requests a second without
/// it (bench/README.md "Pool checks", bench/song_read.sh). A connection that broke while in use fails that one
/// query with 503 `database_unavailable` and is dropped.
pub fn pool_options(config: &Config) -> PgPoolOptions {
    PgPoolOptions::new()
        .min_connections(config.db_pool_min)
        .max_connections(config.db_pool_max)
        .acquire_timeout(config.db_acquire_timeout)
        .idle_timeout(Duration::from_secs(600))
        .test_before_acquire(false)
        .before_acquire(|connection, meta| {
            Box::pin(async move {
                if meta.idle_for >= CHECK_IF_IDLE_FOR {
                    sqlx::Connection::ping(connection).await?;
                }
                Ok(true)
            })
        })
}

/// Applies the pending migrations. Concurrent callers are serialised by sqlx's advisory lock,
/// and already-applied migrations are skipped (their checksums are verified).
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("applying migrations")?;
    Ok(())
}
