//! The HTTP toolkit every capability builds on: the middleware stack (request ids, tracing,
//! metrics, limits, timeouts, error shape), the error type, extractors, pagination, the
//! OpenAPI document's shared parts and the server loop. It imports no capability.

pub mod body;
pub mod client_ip;
pub mod conditional;
mod database_gate;
pub mod docs;
pub mod error;
pub mod json;
pub mod openapi;
pub mod pagination;
mod problem_layer;
pub mod request_limits;
pub mod server;
pub mod text;
pub mod timeout;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, StatusCode};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::{ApiError, ErrorKind, FieldError, Problem};
pub use json::ApiJson;

use crate::db::availability::DatabaseStatus;
use crate::metrics::Metrics;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What the shared layers need from the application.
pub struct Shared {
    pub db_status: DatabaseStatus,
    pub metrics: Metrics,
    pub max_body_size: usize,
    pub request_timeout: std::time::Duration,
}

/// Adds what every route shares: the problem-shaped fallback, the fast refusal while the
/// database is known down, body limit, timeout, panic catcher, error normaliser, metrics,
/// request ids and the tracing span.
pub fn with_common_layers(routes: Router, shared: Shared) -> Router {
    routes
        .fallback(|| async { StatusCode::NOT_FOUND })
        // Layers added with Router::layer wrap every route and the fallback, inside routing,
        // so the matched route is known to the metrics; the last one added runs first.
        .layer(axum::middleware::from_fn_with_state(
            shared.db_status,
            database_gate::refuse_while_down,
        ))
        .layer(DefaultBodyLimit::max(shared.max_body_size))
        .layer(axum::middleware::from_fn(text::refuse_nul_in_query))
        .layer(axum::middleware::from_fn(
            request_limits::limit_request_head,
        ))
        .layer(axum::middleware::from_fn_with_state(
            shared.request_timeout,
            timeout::request_timeout,
        ))
        .layer(CatchPanicLayer::custom(problem_layer::panic_response))
        .layer(axum::middleware::map_response(
            problem_layer::normalise_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            shared.metrics,
            crate::metrics::track,
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// The span around each request: every log line inside carries the request id. Only the
/// path is recorded, never the query string, which may carry a signed media token.
fn request_span(request: &Request) -> tracing::Span {
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id,
        method = %request.method(),
        path = request.uri().path(),
    )
}
