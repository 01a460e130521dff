//! What several instances share beyond the database: the Redis client (sign-in and mail
//! limits, play de-duplication, now playing), the cache invalidations published through it,
//! and the registry of running instances (in PostgreSQL).
//!
//! A toolkit below the capabilities: they take what they need from [`Shared`], built once in
//! `app.rs`. Without `--redis-url`, everything it holds works within this one process.

pub mod cache;
pub mod instances;
pub mod redis;
mod store;

pub use cache::{Cache, Invalidations};
pub use redis::{Redis, RedisError};

use crate::config::Config;

/// The shared-state handles every capability may use. Cheap to clone.
#[derive(Clone, Default)]
pub struct Shared {
    /// Redis, when configured.
    pub redis: Option<Redis>,
    pub invalidations: Invalidations,
}

impl Shared {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let redis = config.redis_url.as_ref().map(Redis::connect).transpose()?;
        Ok(Self {
            invalidations: Invalidations::over(redis.clone()),
            redis,
        })
    }
}
