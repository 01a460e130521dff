//! The request timeout: a request not answered within `--request-timeout` gets 503. Routes
//! that stream a large body (uploads) opt out with [`streamed_body`]: a slow but steady
//! upload must not die at the timeout, and the server's idle timeout (no byte moving) bounds
//! it instead.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Set by a route that streams its body; read by the timeout when it fires.
#[derive(Clone, Default)]
struct StreamedBody(Arc<AtomicBool>);

/// Middleware for every route: answers 503 once `limit` has passed, unless the route marked
/// the request as streaming its body.
pub async fn request_timeout(
    State(limit): State<Duration>,
    mut request: Request,
    next: Next,
) -> Response {
    let streamed = StreamedBody::default();
    request.extensions_mut().insert(streamed.clone());
    let response = next.run(request);
    tokio::pin!(response);
    tokio::select! {
        response = &mut response => response,
        () = tokio::time::sleep(limit) => {
            if streamed.0.load(Ordering::Acquire) {
                response.await
            } else {
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
        }
    }
}

/// Route middleware for routes that stream their bodies: exempts the request from the total
/// timeout (it stays bounded by the connection's idle timeout).
pub async fn streamed_body(request: Request, next: Next) -> Response {
    if let Some(streamed) = request.extensions().get::<StreamedBody>() {
        streamed.0.store(true, Ordering::Release);
    }
    next.run(request).await
}
