//! The registry of running instances: each `ampli serve` registers itself in PostgreSQL and
//! keeps a heartbeat, so that instances (and operators, through `GET /readyz` and `ampli
//! admin instances`) know each other, and a second instance refuses to join a set-up that
//! cannot be shared.

use std::time::Duration;

use anyhow::bail;
use sqlx::PgPool;
use tokio::sync::watch;
use uuid::Uuid;

use super::store;

/// How often an instance says it is alive.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);
/// How long a stopping instance tries to take itself off the registry.
const SIGN_OFF_WITHIN: Duration = Duration::from_secs(2);
/// An instance silent for this long is taken for gone (six missed heartbeats).
pub const GONE_AFTER: Duration = Duration::from_secs(30);

pub use store::InstanceView;

/// This instance, once registered.
#[derive(Debug, Clone)]
pub struct Instance {
    pub id: Uuid,
    pub host: String,
    pub pid: i32,
    pub address: String,
    pub shareable: bool,
}

impl Instance {
    /// This process, listening on `address`; `shareable` when it keeps media on object
    /// storage and shared state in Redis.
    pub fn this_process(address: String, shareable: bool) -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|name| name.trim().to_owned())
            .unwrap_or_else(|_| "localhost".to_owned());
        Self {
            id: Uuid::new_v4(),
            host,
            pid: std::process::id() as i32,
            address,
            shareable,
        }
    }

    fn registration(&self) -> store::Registration<'_> {
        store::Registration {
            id: self.id,
            host: &self.host,
            pid: self.pid,
            address: &self.address,
            version: env!("CARGO_PKG_VERSION"),
            shareable: self.shareable,
        }
    }

    /// Registers this instance, refusing when it and another live one could not share the
    /// database: either keeps media in a local folder or limits in its own memory.
    pub async fn register(&self, db: &PgPool) -> anyhow::Result<()> {
        let mut tx = db.begin().await?;
        // One registration at a time, so that two instances starting together see each other.
        sqlx::query("select pg_advisory_xact_lock(7166330001)")
            .execute(&mut *tx)
            .await?;
        // Instances of this host whose process is gone died without signing off (a SIGKILL):
        // they are no reason to refuse, and are taken out now rather than in GONE_AFTER.
        let dead: Vec<i32> = store::live(&mut *tx, GONE_AFTER)
            .await?
            .iter()
            .filter(|other| other.host == self.host && !process_alive(other.pid))
            .map(|other| other.pid)
            .collect();
        store::forget_gone(&mut tx, GONE_AFTER, &self.host, &dead).await?;
        let others = store::live(&mut *tx, GONE_AFTER).await?;
        if let Some(other) = others
            .iter()
            .find(|other| !(other.shareable && self.shareable))
        {
            bail!(
                "another Ampli instance uses this database ({} on {}, last heard {}s ago); several \
                 instances need object storage (--s3-bucket) and Redis (--redis-url) on every one \
                 of them: a shared media folder is not supported",
                other.address,
                other.host,
                (chrono::Utc::now() - other.heartbeat_at)
                    .num_seconds()
                    .max(0),
            );
        }
        store::insert(&mut tx, &self.registration()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Beats every [`HEARTBEAT_EVERY`] until `stop`, then signs off.
    pub fn spawn_heartbeat(
        self,
        db: PgPool,
        mut stop: watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(HEARTBEAT_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = stop.changed() => break,
                }
                // Bounded, so that a stop is never held up behind a database that is gone.
                let registration = self.registration();
                let beat = store::beat(&db, &registration);
                match tokio::time::timeout(HEARTBEAT_EVERY, beat).await {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => tracing::warn!(%error, "instance heartbeat"),
                    Err(_) => tracing::warn!("instance heartbeat: the database did not answer"),
                }
            }
            // Best effort: an instance that cannot sign off is forgotten after GONE_AFTER.
            match tokio::time::timeout(SIGN_OFF_WITHIN, store::remove(&db, self.id)).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "signing this instance off"),
                Err(_) => tracing::warn!("signing this instance off: the database did not answer"),
            }
        })
    }
}

/// Whether process `pid` of this host runs (a zombie, killed and not yet reaped, does not).
fn process_alive(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "pid (name) state …": the name may hold spaces and parentheses, the state follows the
    // last ')'.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    !matches!(state, Some('Z' | 'X') | None)
}

/// Every instance heard from within [`GONE_AFTER`], oldest first.
pub async fn list(db: &PgPool) -> sqlx::Result<Vec<InstanceView>> {
    store::live(db, GONE_AFTER).await
}
