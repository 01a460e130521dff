//! The state every handler can reach. Handlers take only the part they need (`FromRef`).

use axum::extract::FromRef;
use sqlx::PgPool;

use std::sync::Arc;

use crate::accounts::Accounts;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::db::availability::DatabaseStatus;
use crate::http::metrics::Metrics;
use crate::storage::Storage;

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    /// Whether the database is known to be down (the private cluster restarting): set by
    /// `ampli serve` for the cluster it runs; never down otherwise.
    pub db_status: DatabaseStatus,
    pub metrics: Metrics,
    pub accounts: Arc<Accounts>,
    pub storage: Storage,
    pub catalog: Arc<Catalog>,
}

impl AppState {
    /// Builds every capability's context. Needs a migrated database (it reads the
    /// access-token key from it).
    pub async fn build(db: PgPool, config: &Config) -> anyhow::Result<Self> {
        let storage = Storage::from_config(config)?;
        Ok(Self {
            accounts: Accounts::new(db.clone(), config, storage.clone()).await?,
            catalog: Catalog::new(db.clone(), config, storage.clone()).await?,
            storage,
            db,
            db_status: DatabaseStatus::default(),
            metrics: Metrics::default(),
        })
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

impl FromRef<AppState> for Metrics {
    fn from_ref(state: &AppState) -> Self {
        state.metrics.clone()
    }
}
