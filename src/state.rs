//! The state every handler can reach. Handlers take only the part they need (`FromRef`).

use axum::extract::FromRef;
use sqlx::PgPool;

use crate::http::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub metrics: Metrics,
}

impl AppState {
    pub fn new(db: PgPool) -> Self {
        Self {
            db,
            metrics: Metrics::default(),
        }
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
