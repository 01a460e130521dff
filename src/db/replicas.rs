//! Reads that tolerate a little lag (search, browsing, discovery, public profiles, the
//! Subsonic lists) go to a read replica when there is a healthy one; everything else, and
//! every read that must see the caller's own write, goes to the primary.
//!
//! A monitor asks each replica every second how far behind it is; one that does not answer
//! or lags more than `--replica-max-lag` is skipped until it recovers. A read that fails on a
//! replica because the replica went away between two checks is retried on the primary, so no
//! request fails because a replica did.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tokio::sync::watch;

use crate::config::{Config, redact_url};

/// How often each replica's health and lag are checked.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// A replica's answer to the check must come within this.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Where lag-tolerant reads go. Cheap to clone.
#[derive(Clone)]
pub struct Reads {
    inner: Arc<Inner>,
}

struct Inner {
    primary: PgPool,
    primary_reads: AtomicU64,
    replicas: Vec<Replica>,
    /// Round-robin position over the replicas.
    next: AtomicUsize,
}

struct Replica {
    /// `replica-1`, … in the order configured: its label in /metrics (the URL may hold a
    /// password).
    name: String,
    pool: PgPool,
    healthy: AtomicBool,
    lag_ms: AtomicU64,
    reads: AtomicU64,
    /// Reads that failed here and were answered by the primary instead.
    fallbacks: AtomicU64,
}

impl Reads {
    /// Every read on the primary: no replica configured.
    pub fn primary_only(primary: PgPool) -> Self {
        Self::new(primary, Vec::new())
    }

    fn new(primary: PgPool, replicas: Vec<(String, PgPool)>) -> Self {
        Self {
            inner: Arc::new(Inner {
                primary,
                primary_reads: AtomicU64::new(0),
                replicas: replicas
                    .into_iter()
                    .map(|(name, pool)| Replica {
                        name,
                        pool,
                        // Unproven until the first check answers.
                        healthy: AtomicBool::new(false),
                        lag_ms: AtomicU64::new(0),
                        reads: AtomicU64::new(0),
                        fallbacks: AtomicU64::new(0),
                    })
                    .collect(),
                next: AtomicUsize::new(0),
            }),
        }
    }

    /// The primary and a pool per configured replica. Replica pools connect lazily: a
    /// replica that is down at start is simply skipped until it answers.
    pub fn from_config(primary: PgPool, config: &Config) -> anyhow::Result<Self> {
        let mut replicas = Vec::new();
        for (index, url) in config.database_replica_urls.iter().enumerate() {
            let options: PgConnectOptions = url.expose().parse().with_context(|| {
                format!(
                    "invalid setting --database-replica-url (AMPLI_DATABASE_REPLICA_URLS): \
                     cannot parse {}",
                    redact_url(url.expose())
                )
            })?;
            let pool = PgPoolOptions::new()
                .min_connections(0)
                .max_connections(config.db_pool_max)
                // Short: a replica that cannot lend a connection is skipped, not waited for.
                .acquire_timeout(Duration::from_secs(1))
                .idle_timeout(Duration::from_secs(600))
                .test_before_acquire(false)
                .connect_lazy_with(super::session_settings(options));
            replicas.push((format!("replica-{}", index + 1), pool));
        }
        Ok(Self::new(primary, replicas))
    }

    pub fn primary(&self) -> &PgPool {
        &self.inner.primary
    }

    /// A healthy replica, taken in turn, or the primary when there is none.
    fn choose(&self) -> Option<&Replica> {
        let replicas = &self.inner.replicas;
        if replicas.is_empty() {
            return None;
        }
        let start = self.inner.next.fetch_add(1, Ordering::Relaxed);
        (0..replicas.len())
            .map(|offset| &replicas[(start + offset) % replicas.len()])
            .find(|replica| replica.healthy.load(Ordering::Acquire))
    }

    /// Runs `read` on a healthy replica, or on the primary; a replica that fails to answer
    /// is marked unhealthy and the read runs again on the primary.
    pub async fn run<T, F, Fut>(&self, read: F) -> sqlx::Result<T>
    where
        F: Fn(PgPool) -> Fut,
        Fut: Future<Output = sqlx::Result<T>>,
    {
        if let Some(replica) = self.choose() {
            replica.reads.fetch_add(1, Ordering::Relaxed);
            match read(replica.pool.clone()).await {
                Err(error) if replica_failed(&error) => {
                    tracing::warn!(replica = %replica.name, %error, "replica failed a read; using the primary");
                    replica.healthy.store(false, Ordering::Release);
                    replica.fallbacks.fetch_add(1, Ordering::Relaxed);
                }
                answer => return answer,
            }
        }
        self.inner.primary_reads.fetch_add(1, Ordering::Relaxed);
        read(self.inner.primary.clone()).await
    }

    /// Checks every replica each second until `stop`.
    pub fn spawn_monitor(
        &self,
        max_lag: Duration,
        mut stop: watch::Receiver<bool>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        if self.inner.replicas.is_empty() {
            return None;
        }
        let reads = self.clone();
        Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(CHECK_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = stop.changed() => return,
                }
                reads.check_all(max_lag).await;
            }
        }))
    }

    /// Asks each replica for its lag and marks it healthy or not.
    pub async fn check_all(&self, max_lag: Duration) {
        // The primary's position first: a replica that has replayed up to it is not behind
        // at all, however long ago its last replayed transaction was (an idle primary).
        let primary_position: Option<String> = tokio::time::timeout(
            CHECK_TIMEOUT,
            sqlx::query_scalar("select pg_current_wal_lsn()::text").fetch_one(&self.inner.primary),
        )
        .await
        .ok()
        .and_then(Result::ok);
        for replica in &self.inner.replicas {
            let lag = tokio::time::timeout(
                CHECK_TIMEOUT,
                replica_lag(&replica.pool, primary_position.as_deref()),
            )
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)
            .and_then(|lag| lag);
            let healthy = match lag {
                Ok(Some(lag)) => {
                    replica
                        .lag_ms
                        .store(lag.as_millis() as u64, Ordering::Relaxed);
                    lag <= max_lag
                }
                // Not a replica at all (a primary given by mistake): its data is current.
                Ok(None) => true,
                Err(_) => false,
            };
            let was = replica.healthy.swap(healthy, Ordering::AcqRel);
            if was != healthy {
                if healthy {
                    tracing::info!(replica = %replica.name, "replica healthy: reads go to it");
                } else {
                    tracing::warn!(replica = %replica.name, ?lag, "replica skipped: down or too far behind");
                }
            }
        }
    }

    /// The pools, their choice and each replica's state, in the Prometheus text format.
    pub fn render_metrics(&self, out: &mut String) {
        use std::fmt::Write;
        let inner = &self.inner;
        out.push_str("# HELP ampli_db_reads_total Lag-tolerant reads, by the pool that answered them.\n# TYPE ampli_db_reads_total counter\n");
        let _ = writeln!(
            out,
            "ampli_db_reads_total{{pool=\"primary\"}} {}",
            inner.primary_reads.load(Ordering::Relaxed)
        );
        for replica in &inner.replicas {
            let _ = writeln!(
                out,
                "ampli_db_reads_total{{pool=\"{}\"}} {}",
                replica.name,
                replica.reads.load(Ordering::Relaxed)
            );
        }
        if inner.replicas.is_empty() {
            return;
        }
        out.push_str("# HELP ampli_db_replica_fallbacks_total Reads a replica failed, answered by the primary.\n# TYPE ampli_db_replica_fallbacks_total counter\n");
        for replica in &inner.replicas {
            let _ = writeln!(
                out,
                "ampli_db_replica_fallbacks_total{{pool=\"{}\"}} {}",
                replica.name,
                replica.fallbacks.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP ampli_db_replica_healthy Whether reads go to the replica (1) or skip it (0).\n# TYPE ampli_db_replica_healthy gauge\n");
        for replica in &inner.replicas {
            let _ = writeln!(
                out,
                "ampli_db_replica_healthy{{pool=\"{}\"}} {}",
                replica.name,
                u8::from(replica.healthy.load(Ordering::Acquire))
            );
        }
        out.push_str("# HELP ampli_db_replica_lag_seconds How far behind its primary the replica was at its last check.\n# TYPE ampli_db_replica_lag_seconds gauge\n");
        for replica in &inner.replicas {
            let _ = writeln!(
                out,
                "ampli_db_replica_lag_seconds{{pool=\"{}\"}} {:.3}",
                replica.name,
                replica.lag_ms.load(Ordering::Relaxed) as f64 / 1000.0
            );
        }
        out.push_str("# HELP ampli_db_replica_pool_connections Open connections to the replica.\n# TYPE ampli_db_replica_pool_connections gauge\n");
        for replica in &inner.replicas {
            let _ = writeln!(
                out,
                "ampli_db_replica_pool_connections{{pool=\"{}\"}} {}",
                replica.name,
                replica.pool.size()
            );
        }
    }
}

/// The replica's lag: zero when it has replayed up to `primary_position`, else the age of
/// its last replayed transaction; `None` when it is not in recovery (not a replica).
async fn replica_lag(
    replica: &PgPool,
    primary_position: Option<&str>,
) -> sqlx::Result<Option<Duration>> {
    let (in_recovery, caught_up, seconds): (bool, Option<bool>, Option<f64>) = sqlx::query_as(
        "select pg_is_in_recovery(),
                pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1::text::pg_lsn) >= 0,
                extract(epoch from now() - pg_last_xact_replay_timestamp())::float8",
    )
    .bind(primary_position)
    .fetch_one(replica)
    .await?;
    if !in_recovery {
        return Ok(None);
    }
    if caught_up == Some(true) {
        return Ok(Some(Duration::ZERO));
    }
    // Never replayed anything, or behind a position it has not reached: as old as its last
    // replayed transaction (unknown counts as too far behind).
    let lag = seconds.map_or(Duration::MAX, |s| Duration::from_secs_f64(s.max(0.0)));
    Ok(Some(lag))
}

/// Whether a read failed because the replica could not be reached (rather than because of
/// the query, which would fail the same way on the primary).
fn replica_failed(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
        sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            // Class 57 (operator intervention: shutting down), 08 (connection exceptions) and
            // 40001, which a replica answers when replaying the primary cancels a read.
            db.code().is_some_and(|code| {
                code.starts_with("57") || code.starts_with("08") || code == "40001"
            })
        }
        _ => false,
    }
}
