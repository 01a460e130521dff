//! /healthz, /readyz and /metrics.

use std::fmt::Write;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;

use crate::db::replicas::Reads;
use crate::http::{ApiError, ApiJson, Problem};
use crate::metrics::Metrics;
use crate::shared::instances::InstanceView;

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
pub(super) async fn healthz() -> ApiJson<Status> {
    ApiJson(Status { status: "ok" })
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`.
    status: &'static str,
    /// Every `ampli serve` instance sharing the database, this one included, oldest first.
    instances: Vec<InstanceView>,
}

/// Readiness: the database answers. 503 (with Retry-After) while it does not; 200 again once
/// it is back. Lists the running instances (load balancers check only the status).
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "The database is unreachable", body = Problem,
         content_type = "application/problem+json"),
    ))]
pub(super) async fn readyz(State(db): State<PgPool>) -> Result<ApiJson<Readiness>, ApiError> {
    if !super::database_answers(&db).await {
        return Err(ApiError::database_unavailable());
    }
    match crate::shared::instances::list(&db).await {
        Ok(instances) => Ok(ApiJson(Readiness {
            status: "ready",
            instances,
        })),
        Err(_) => Err(ApiError::database_unavailable()),
    }
}

/// Metrics in the Prometheus text format: requests by route and status, latency histograms,
/// and the database pool's size.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
pub(super) async fn metrics(
    State(metrics): State<Metrics>,
    State(db): State<PgPool>,
    State(reads): State<Reads>,
) -> Response {
    let mut out = String::with_capacity(4096);
    metrics.render(&mut out);
    reads.render_metrics(&mut out);
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
