//! What several instances share beyond the database: the Redis client (sign-in and mail
//! limits, play de-duplication, now playing), the cache invalidations published through it,
//! the notices PostgreSQL sends when cached tables change, and the registry of running
//! instances (in PostgreSQL).
//!
//! A toolkit below the capabilities: they take what they need from [`Shared`], built once in
//! `app.rs`. Without `--redis-url`, everything it holds works within this one process.

pub mod cache;
pub mod instances;
pub mod redis;
mod store;
pub mod table_notices;

pub use cache::{Cache, Invalidations};
pub use redis::{Redis, RedisError};
pub use table_notices::TableNotices;

use sqlx::PgPool;

use crate::config::Config;

/// The shared-state handles every capability may use. Cheap to clone.
#[derive(Clone)]
pub struct Shared {
    /// Redis, when configured.
    pub redis: Option<Redis>,
    pub invalidations: Invalidations,
    pub notices: TableNotices,
}

impl Shared {
    /// The handles for the database behind `db` (its primary) and the configured Redis.
    pub fn new(config: &Config, db: &PgPool) -> anyhow::Result<Self> {
        let redis = config.redis_url.as_ref().map(Redis::connect).transpose()?;
        Ok(Self {
            invalidations: Invalidations::over(redis.clone()),
            redis,
            notices: TableNotices::new(db.clone()),
        })
    }

    /// Without Redis or anyone listening: for commands that run once and exit.
    pub fn one_off(db: &PgPool) -> Self {
        Self {
            redis: None,
            invalidations: Invalidations::default(),
            notices: TableNotices::new(db.clone()),
        }
    }
}
