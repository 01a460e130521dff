//! Caches that PostgreSQL itself keeps honest. A trigger on each table an entry is read from
//! sends a notice (`NOTIFY ampli_changed, '<topic>'`, migration 21) when a statement changes
//! it, delivered at commit whatever made the change: an API call on any instance, `ampli
//! admin` in another process, an operator's `psql`. Every instance LISTENs on one connection
//! to the primary, beside its pool, and drops the topic's entries when its notice comes.
//!
//! The notice reaches this process's listener a moment after the commit, so code that changes
//! a topic here also calls [`TableNotices::forget`] once it has committed: the change shows at
//! once in this instance's next answer, and within milliseconds in the others'.
//!
//! A cache is used only while the LISTEN connection is up; while it is down every answer is
//! read from the database, and once it is back every topic is dropped, since notices may have
//! been missed. Redis plays no part, so these caches work on a single instance without it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgListener, PgPoolOptions};
use tokio::sync::watch;

use super::cache::{ALL, Cache, Generations};

/// The channel migration 21's triggers notify; the payload is the topic.
const CHANNEL: &str = "ampli_changed";
/// The pause before listening again after the connection failed.
const RETRY_AFTER: Duration = Duration::from_millis(250);

/// The notices' listener and the caches that rely on it. Cheap to clone.
#[derive(Clone)]
pub struct TableNotices {
    inner: Arc<Listener>,
}

struct Listener {
    db: PgPool,
    generations: Generations,
    /// Whether LISTEN is in place, so that the caches can be trusted.
    listening: Arc<AtomicBool>,
}

impl TableNotices {
    /// Notices from the primary behind `db`. Nothing is cached until [`Self::spawn_listener`]
    /// has its connection.
    pub fn new(db: PgPool) -> Self {
        Self {
            inner: Arc::new(Listener {
                db,
                generations: Generations::default(),
                listening: Arc::new(AtomicBool::new(false)),
            }),
        }
    }

    /// A cache of `topic`'s entries, emptied when it holds `most_entries`.
    pub fn cache<K, V>(&self, topic: &str, most_entries: usize) -> Cache<K, V> {
        Cache::new(
            self.inner.listening.clone(),
            self.inner.generations.of(topic),
            most_entries,
        )
    }

    /// Whether the LISTEN connection is up, so that the caches are used.
    pub fn listening(&self) -> bool {
        self.inner.listening.load(Ordering::Acquire)
    }

    /// This process just committed a change to `topic`: drops its entries here at once
    /// rather than when the change's own notice arrives.
    pub fn forget(&self, topic: &str) {
        self.inner.generations.bump(topic);
    }

    /// Listens until `stop`, listening again whenever the connection drops.
    pub fn spawn_listener(&self, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        let notices = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = notices.listen_once() => {}
                    _ = stop.changed() => break,
                }
                notices.inner.listening.store(false, Ordering::Release);
                tokio::select! {
                    () = tokio::time::sleep(RETRY_AFTER) => {}
                    _ = stop.changed() => break,
                }
            }
            notices.inner.listening.store(false, Ordering::Release);
        })
    }

    /// One LISTEN, from connecting until its connection fails for good.
    async fn listen_once(&self) {
        let listener = async {
            // A connection of its own, outside the pool: it is held for as long as it
            // listens, and must not take one of the requests' connections (a pool of one
            // would have none left).
            let own = PgPoolOptions::new()
                .max_connections(1)
                .connect_lazy_with((*self.inner.db.connect_options()).clone());
            let mut listener = PgListener::connect_with(&own).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = match listener.await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::debug!(%error, "listening for table notices");
                return;
            }
        };
        // Whatever changed while nobody listened went unheard: start afresh.
        self.inner.generations.bump(ALL);
        self.inner.listening.store(true, Ordering::Release);
        loop {
            match listener.try_recv().await {
                Ok(Some(notice)) => self.inner.generations.bump(notice.payload()),
                // The connection was lost and is open again (LISTEN included): notices sent
                // in between were missed.
                Ok(None) => self.inner.generations.bump(ALL),
                Err(error) => {
                    tracing::warn!(%error, "table notices: listening stopped; caches bypassed");
                    return;
                }
            }
        }
    }
}
