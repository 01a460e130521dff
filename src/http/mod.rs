//! What all routes share: the router assembly, the middleware stack (request ids, tracing,
//! metrics, limits, timeouts, error shape), the error type and the OpenAPI document.

pub mod body;
pub mod client_ip;
mod database_gate;
pub mod docs;
pub mod error;
pub mod json;
pub mod metrics;
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
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use error::{ApiError, ErrorKind, FieldError, Problem};
pub use json::ApiJson;

use crate::config::Config;
use crate::state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ampli",
        description = "A self-hostable music streaming platform. Errors are RFC 9457 problems \
                       (application/problem+json) with a stable `code`."
    ),
    components(schemas(Problem, FieldError))
)]
struct ApiDoc;

/// Every capability's routes with their OpenAPI description. A new capability adds its
/// `router()` here.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::operations::router())
        .merge(crate::accounts::router())
        .merge(crate::catalog::router())
        .merge(crate::library::router())
        .merge(crate::social::router())
        .merge(crate::discovery::router())
        .merge(crate::search::router())
        .merge(crate::storage::router())
        .merge(docs::router())
}

/// The OpenAPI document, as served at /api/openapi.json.
pub fn openapi() -> utoipa::openapi::OpenApi {
    openapi::complete(api_routes().into_openapi())
}

/// The whole application, ready to serve.
pub fn router(state: AppState, config: &Config) -> Router {
    let (routes, openapi) = api_routes().split_for_parts();
    let openapi = openapi::complete(openapi);
    // Serialised once: the document only changes with the binary.
    let document = openapi.to_json().unwrap_or_else(|error| {
        tracing::error!(%error, "serialising the OpenAPI document");
        "{}".to_owned()
    });
    with_common_layers(
        routes
            .layer(axum::Extension(std::sync::Arc::new(document)))
            .merge(crate::web::router()),
        state,
        config,
    )
}

/// Adds what every route shares: the problem-shaped fallback, the fast refusal while the
/// database is known down, body limit, timeout, panic catcher, error normaliser, metrics,
/// request ids and the tracing span.
pub fn with_common_layers(routes: Router<AppState>, state: AppState, config: &Config) -> Router {
    routes
        .fallback(|| async { StatusCode::NOT_FOUND })
        .with_state(state.clone())
        // Layers added with Router::layer wrap every route and the fallback, inside routing,
        // so the matched route is known to the metrics; the last one added runs first.
        .layer(axum::middleware::from_fn_with_state(
            state.db_status.clone(),
            database_gate::refuse_while_down,
        ))
        .layer(DefaultBodyLimit::max(config.max_body_size))
        .layer(axum::middleware::from_fn(text::refuse_nul_in_query))
        .layer(axum::middleware::from_fn(
            request_limits::limit_request_head,
        ))
        .layer(axum::middleware::from_fn_with_state(
            config.request_timeout,
            timeout::request_timeout,
        ))
        .layer(CatchPanicLayer::custom(problem_layer::panic_response))
        .layer(axum::middleware::map_response(
            problem_layer::normalise_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
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
