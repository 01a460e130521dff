//! Play counts, batched: plays are added up in memory and written every second in one
//! statement, so a hit song does not serialise every listener on its row. One listener's
//! repeated reports of one song within a short window count once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::PgPool;
use tokio::sync::Notify;
use uuid::Uuid;

use super::{Catalog, CatalogError, store};
use crate::shared::Redis;

/// One listener counts once per song within this window.
pub const DEDUP_WINDOW: Duration = Duration::from_secs(30);
/// How often pending plays are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

struct Pending {
    counts: HashMap<Uuid, i64>,
    recent: HashMap<(Uuid, Uuid), Instant>,
    last_sweep: Instant,
}

impl Default for Pending {
    fn default() -> Self {
        Self {
            counts: HashMap::new(),
            recent: HashMap::new(),
            last_sweep: Instant::now(),
        }
    }
}

#[derive(Clone)]
pub struct PlayCounter {
    db: PgPool,
    redis: Option<Redis>,
    pending: Arc<Mutex<Pending>>,
    stop: Arc<Notify>,
}

impl PlayCounter {
    pub fn new(db: PgPool, redis: Option<Redis>) -> Self {
        Self {
            db,
            redis,
            pending: Arc::default(),
            stop: Arc::default(),
        }
    }

    /// Records a play; false when the same listener reported this song moments ago.
    pub async fn record(&self, listener: Uuid, song: Uuid) -> bool {
        if let Some(redis) = &self.redis {
            match first_report_shared(redis, listener, song).await {
                Ok(false) => return false,
                Ok(true) => {
                    self.count(song);
                    return true;
                }
                // Counted by this instance's memory instead: at worst a report sent to two
                // instances during the outage counts twice, rather than plays being lost.
                Err(error) => tracing::warn!(%error, "play de-duplication in Redis; using memory"),
            }
        }
        self.record_here(listener, song)
    }

    fn count(&self, song: Uuid) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        *pending.counts.entry(song).or_default() += 1;
    }

    /// `record` within this process's memory.
    fn record_here(&self, listener: Uuid, song: Uuid) -> bool {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if let Some(last) = pending.recent.get(&(listener, song))
            && now.duration_since(*last) < DEDUP_WINDOW
        {
            return false;
        }
        // Expired entries go in a sweep at most once a second, so that a crowd of listeners
        // never makes each play walk the whole map.
        if pending.recent.len() > 10_000 && now.duration_since(pending.last_sweep) > FLUSH_EVERY {
            pending
                .recent
                .retain(|_, at| now.duration_since(*at) < DEDUP_WINDOW);
            pending.last_sweep = now;
        }
        pending.recent.insert((listener, song), now);
        *pending.counts.entry(song).or_default() += 1;
        true
    }

    /// Writes every pending play in one statement. Plays of songs deleted meanwhile vanish
    /// with them; on a database error the plays are put back for the next flush.
    pub async fn flush(&self) -> anyhow::Result<u64> {
        let batch: Vec<(Uuid, i64)> = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.counts.drain().collect()
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let (ids, counts): (Vec<Uuid>, Vec<i64>) = batch.iter().copied().unzip();
        let result = store::songs::add_plays(&self.db, &ids, &counts).await;
        match result {
            Ok(_) => Ok(counts.iter().sum::<i64>() as u64),
            Err(error) => {
                let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                for (song, plays) in batch {
                    *pending.counts.entry(song).or_default() += plays;
                }
                Err(error.into())
            }
        }
    }

    /// Flushes every second until `stop`, then once more so that nothing is lost.
    pub fn spawn_flusher(&self) -> tokio::task::JoinHandle<()> {
        let counter = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = counter.stop.notified() => break,
                }
                if let Err(error) = counter.flush().await {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        "flushing play counts; will retry"
                    );
                }
            }
            if let Err(error) = counter.flush().await {
                tracing::error!(
                    error = format!("{error:#}"),
                    "flushing play counts at shutdown"
                );
            }
        })
    }

    /// Asks the flusher to write what is pending and end.
    pub fn stop(&self) {
        self.stop.notify_one();
    }
}

/// Whether this is the listener's first report of the song within the window, remembered
/// in Redis by a key that expires with the window (SET NX: one step, whichever instance asks).
async fn first_report_shared(
    redis: &Redis,
    listener: Uuid,
    song: Uuid,
) -> Result<bool, crate::shared::RedisError> {
    let key = crate::shared::redis::key(format_args!("played:{listener}:{song}"));
    let set = redis::cmd("SET")
        .arg(key)
        .arg(1)
        .arg("NX")
        .arg("PX")
        .arg(DEDUP_WINDOW.as_millis() as u64)
        .clone();
    let answer: Option<String> = redis.run(&set).await?;
    Ok(answer.is_some())
}

impl Catalog {
    /// Records that `listener` played `song`; false when they reported it moments ago.
    pub async fn record_play(&self, listener: Uuid, song: Uuid) -> Result<bool, CatalogError> {
        self.require_song(song).await?;
        Ok(self.plays.record(listener, song).await)
    }
}
