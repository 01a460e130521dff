//! Operations endpoints: liveness, readiness and metrics, for load balancers and Prometheus.

use std::fmt::Write;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::http::{ApiError, ApiJson, Problem};
use crate::metrics::Metrics;

/// How long readiness waits for the database before calling it unreachable.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

#[derive(Serialize, ToSchema)]
pub struct Status {
    /// `ok` when alive, `ready` when the database answers.
    status: &'static str,
}

/// Liveness: the process is up and answering. It stays 200 while the database is down, the
/// private cluster's restart included: restarting Ampli would not bring the database back
/// sooner, and should the cluster not start again Ampli exits by itself.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is up", body = Status)))]
async fn healthz() -> ApiJson<Status> {
    ApiJson(Status { status: "ok" })
}

/// Readiness: the database answers. 503 (with Retry-After) while it does not; 200 again once
/// it is back.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Status),
        (status = 503, description = "The database is unreachable", body = Problem,
         content_type = "application/problem+json"),
    ))]
async fn readyz(State(db): State<PgPool>) -> Result<ApiJson<Status>, ApiError> {
    let probe = sqlx::query("select 1").execute(&db);
    match tokio::time::timeout(READINESS_TIMEOUT, probe).await {
        Ok(Ok(_)) => Ok(ApiJson(Status { status: "ready" })),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: database unreachable");
            Err(ApiError::database_unavailable())
        }
        Err(_) => {
            tracing::warn!("readiness: database did not answer in time");
            Err(ApiError::database_unavailable())
        }
    }
}

/// Metrics in the Prometheus text format: requests by route and status, latency histograms,
/// and the database pool's size.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
async fn metrics(State(metrics): State<Metrics>, State(db): State<PgPool>) -> Response {
    let mut out = String::with_capacity(4096);
    metrics.render(&mut out);
    let gauges = [
        (
            "ampli_db_pool_connections",
            "Open database connections.",
            db.size() as usize,
        ),
        (
            "ampli_db_pool_idle_connections",
            "Idle database connections.",
            db.num_idle(),
        ),
        (
            "ampli_db_pool_max_connections",
            "Most database connections the pool opens.",
            db.options().get_max_connections() as usize,
        ),
    ];
    for (name, help, value) in gauges {
        let _ = write!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        );
    }
    let mut response = out.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
