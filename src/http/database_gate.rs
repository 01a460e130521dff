//! Fails fast while the database is known to be down: a request that needs it is answered
//! 503 `database_unavailable` with Retry-After at once, instead of waiting out the pool's
//! acquire timeout against a cluster that is being restarted.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;
use crate::db::availability::DatabaseStatus;

pub async fn refuse_while_down(
    State(status): State<DatabaseStatus>,
    request: Request,
    next: Next,
) -> Response {
    if status.is_known_down() && needs_database(request.uri().path()) {
        return ApiError::database_unavailable().into_response();
    }
    next.run(request).await
}

/// The API and readiness need the database. Liveness, metrics, the API documentation, the
/// web app's files and `/media` (the object store) do not, and keep answering.
fn needs_database(path: &str) -> bool {
    path == "/readyz" || path == "/api/v1" || path.starts_with("/api/v1/")
}

#[cfg(test)]
mod tests {
    use super::needs_database;

    #[test]
    fn the_api_and_readiness_need_the_database_and_the_rest_does_not() {
        for path in ["/readyz", "/api/v1/songs", "/api/v1/auth/login", "/api/v1"] {
            assert!(needs_database(path), "{path}");
        }
        for path in [
            "/healthz",
            "/metrics",
            "/api/docs",
            "/api/openapi.json",
            "/api/v10",
            "/assets/app.css",
            "/media/avatars/x.jpg",
            "/",
        ] {
            assert!(!needs_database(path), "{path}");
        }
    }
}
