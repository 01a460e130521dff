//! Answers kept in memory, and the invalidations that make every instance drop them.
//!
//! A cache belongs to a topic ("discovery"); whoever changes what a topic's answers are made
//! of calls [`Invalidations::invalidate`], which drops them here and publishes the topic on
//! Redis, where every other instance hears it within milliseconds and drops its own.
//!
//! Caching is on only with Redis: without it, a change made by another process (`ampli admin
//! refresh-playlists`, or a second instance) could not reach this one's memory, so every
//! answer is read from the database as before. With Redis, a cache is trusted only while its
//! subscription is up; when the subscription drops (Redis went away) the caches are bypassed,
//! and once it is back every topic is dropped, since invalidations may have been missed.
//!
//! The [`Cache`] itself is shared with the caches whose topics PostgreSQL's own triggers
//! announce (`table_notices.rs`): those need no Redis, and no caller to remember the topic.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::sync::watch;

use super::redis::{Redis, key};

/// The channel invalidations are published on; a message is a topic, or `*` for all.
fn channel() -> String {
    key(format_args!("invalidate"))
}

/// Drops every topic's answers when a subscription (re)starts.
pub(super) const ALL: &str = "*";
/// An entry older than this is read again even if no invalidation came: a bound on staleness
/// should a message be lost between Redis (or PostgreSQL) and one instance.
const LONGEST_KEPT: Duration = Duration::from_secs(60);
/// Entries a topic's cache holds at most; past it, it is emptied (the answers are small
/// lists).
const MOST_ENTRIES: usize = 1_000;

/// The invalidation bus. Cheap to clone.
#[derive(Clone, Default)]
pub struct Invalidations {
    inner: Arc<Bus>,
}

#[derive(Default)]
struct Bus {
    redis: Option<Redis>,
    generations: Generations,
    /// Whether the subscription is up, so that the caches can be trusted. Without Redis it
    /// never is.
    listening: Arc<AtomicBool>,
}

impl Invalidations {
    /// The bus over Redis; without Redis, caching is off (see the module's comment).
    pub fn over(redis: Option<Redis>) -> Self {
        Self {
            inner: Arc::new(Bus {
                redis,
                ..Bus::default()
            }),
        }
    }

    fn drop_local(&self, topic: &str) {
        self.inner.generations.bump(topic);
    }

    /// What `topic`'s answers are made of changed: drops them here and on every instance.
    pub async fn invalidate(&self, topic: &str) {
        self.drop_local(topic);
        if let Some(redis) = &self.inner.redis {
            let publish = redis::cmd("PUBLISH").arg(channel()).arg(topic).clone();
            if let Err(error) = redis.run::<i64>(&publish).await {
                // The others' subscriptions are down too if Redis is; they drop everything
                // when they are back. A lost message is bounded by LONGEST_KEPT.
                tracing::warn!(%error, topic, "publishing a cache invalidation");
            }
        }
    }

    /// Listens for invalidations until `stop`, resubscribing whenever the connection drops.
    pub fn spawn_listener(
        &self,
        mut stop: watch::Receiver<bool>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        let redis = self.inner.redis.clone()?;
        let bus = self.clone();
        Some(tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = bus.listen_once(&redis) => {}
                    _ = stop.changed() => return,
                }
                bus.inner.listening.store(false, Ordering::Release);
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(250)) => {}
                    _ = stop.changed() => return,
                }
            }
        }))
    }

    /// One subscription, from connecting until its connection ends.
    async fn listen_once(&self, redis: &Redis) {
        let mut subscriber = match redis.subscriber().await {
            Ok(subscriber) => subscriber,
            Err(error) => {
                tracing::debug!(%error, "subscribing to cache invalidations");
                return;
            }
        };
        if let Err(error) = subscriber.subscribe(channel()).await {
            tracing::debug!(%error, "subscribing to cache invalidations");
            return;
        }
        // Whatever was published while no subscription was up is lost: start afresh.
        self.drop_local(ALL);
        self.inner.listening.store(true, Ordering::Release);
        tracing::info!("listening for cache invalidations");
        let mut messages = subscriber.into_on_message();
        while let Some(message) = messages.next().await {
            if let Ok(topic) = message.get_payload::<String>() {
                self.drop_local(&topic);
            }
        }
        tracing::warn!(
            "cache invalidations: connection to Redis lost; caches bypassed until it is back"
        );
    }

    /// A cache of `topic`'s answers.
    pub fn cache<K, V>(&self, topic: &str) -> Cache<K, V> {
        Cache::new(
            self.inner.listening.clone(),
            self.inner.generations.of(topic),
            MOST_ENTRIES,
        )
    }
}

/// Each topic's generation: an entry made in an older one is stale. Shared by the two ways
/// caches learn of changes (Redis here, PostgreSQL's notices in `table_notices.rs`).
#[derive(Default)]
pub(super) struct Generations {
    topics: RwLock<HashMap<String, Arc<AtomicU64>>>,
}

impl Generations {
    pub(super) fn of(&self, topic: &str) -> Arc<AtomicU64> {
        if let Some(generation) = self
            .topics
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(topic)
        {
            return generation.clone();
        }
        let mut topics = self.topics.write().unwrap_or_else(|e| e.into_inner());
        topics.entry(topic.to_owned()).or_default().clone()
    }

    /// Makes `topic`'s entries (every topic's, for `*`) stale.
    pub(super) fn bump(&self, topic: &str) {
        let topics = self.topics.read().unwrap_or_else(|e| e.into_inner());
        for (name, generation) in topics.iter() {
            if topic == ALL || name == topic {
                generation.fetch_add(1, Ordering::AcqRel);
            }
        }
    }
}

/// Answers by key, dropped when their topic is invalidated. Cheap to clone.
pub struct Cache<K, V> {
    /// Whether the source of invalidations is up: entries are used only while it is.
    listening: Arc<AtomicBool>,
    generation: Arc<AtomicU64>,
    /// Read on every request of some routes at once: readers do not wait for each other.
    entries: Arc<RwLock<HashMap<K, Entry<V>>>>,
    /// Past this many entries the cache is emptied: memory stays bounded whatever the keys.
    most_entries: usize,
}

struct Entry<V> {
    value: V,
    generation: u64,
    made: Instant,
}

impl<K, V> Clone for Cache<K, V> {
    fn clone(&self) -> Self {
        Self {
            listening: self.listening.clone(),
            generation: self.generation.clone(),
            entries: self.entries.clone(),
            most_entries: self.most_entries,
        }
    }
}

impl<K, V> Cache<K, V> {
    pub(super) fn new(
        listening: Arc<AtomicBool>,
        generation: Arc<AtomicU64>,
        most_entries: usize,
    ) -> Self {
        Self {
            listening,
            generation,
            entries: Arc::new(RwLock::new(HashMap::new())),
            most_entries,
        }
    }
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    /// The cached answer for `key`, or `read`'s, which is kept for next time when caching
    /// is on. `read`'s errors pass through and are not kept.
    pub async fn get_or_read<E, F>(&self, key: K, read: F) -> Result<V, E>
    where
        F: Future<Output = Result<V, E>>,
    {
        if !self.listening.load(Ordering::Acquire) {
            return read.await;
        }
        // Taken before reading, so that an invalidation during the read makes what it read
        // stale at once.
        let generation = self.generation.load(Ordering::Acquire);
        {
            let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
            if let Some(entry) = entries.get(&key)
                && entry.generation == generation
                && entry.made.elapsed() < LONGEST_KEPT
            {
                return Ok(entry.value.clone());
            }
        }
        let value = read.await?;
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.most_entries {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                value: value.clone(),
                generation,
                made: Instant::now(),
            },
        );
        Ok(value)
    }
}
