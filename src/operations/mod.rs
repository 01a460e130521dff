//! Operations endpoints: liveness, readiness and metrics, for load balancers and Prometheus.
//! Depends on toolkits only (`http`, `metrics`, `shared`'s instance list) and the database
//! pools; the handlers are in
//! `routes.rs`, the one query they run (the readiness probe) in `store.rs`. It has no error
//! type of its own: its one failure is the http toolkit's `database_unavailable`.

mod routes;
mod store;

use std::time::Duration;

use axum::extract::FromRef;
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::replicas::Reads;
use crate::metrics::Metrics;

/// How long readiness waits for the database before calling it unreachable.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    PgPool: FromRef<S>,
    Metrics: FromRef<S>,
    Reads: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(routes::healthz))
        .routes(routes!(routes::readyz))
        .routes(routes!(routes::metrics))
}

/// Whether the database answers a trivial query within `READINESS_TIMEOUT`; why not is logged.
async fn database_answers(db: &PgPool) -> bool {
    let probe = store::ping(db);
    match tokio::time::timeout(READINESS_TIMEOUT, probe).await {
        Ok(Ok(())) => true,
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: database unreachable");
            false
        }
        Err(_) => {
            tracing::warn!("readiness: database did not answer in time");
            false
        }
    }
}
