//! Limits on a request's head, answered as problems. hyper answers a head past its own
//! buffers with a bare 414 or 431; Ampli's limits sit well below those, so that what a
//! client meets is a problem with a stable code like every other refusal.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::{ApiError, ErrorKind};

/// Longest path and query accepted, in bytes.
pub const MAX_URI_BYTES: usize = 16 * 1024;
/// Most headers accepted in one request (hyper is set to parse up to twice this).
pub const MAX_HEADERS: usize = 100;
/// Largest total of header names and values accepted, in bytes.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Middleware: refuses a request whose URI or headers pass the limits above.
pub async fn limit_request_head(request: Request, next: Next) -> Response {
    let uri_bytes = request
        .uri()
        .path_and_query()
        .map_or(0, |path| path.as_str().len());
    if uri_bytes > MAX_URI_BYTES {
        return ApiError::new(
            ErrorKind::UriTooLong,
            "uri_too_long",
            format!("The request's path and query are longer than {MAX_URI_BYTES} bytes."),
        )
        .into_response();
    }
    let headers = request.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers.len() > MAX_HEADERS || header_bytes > MAX_HEADER_BYTES {
        return ApiError::new(
            ErrorKind::HeadersTooLarge,
            "headers_too_large",
            format!(
                "A request has at most {MAX_HEADERS} headers of {} KiB in all.",
                MAX_HEADER_BYTES / 1024
            ),
        )
        .into_response();
    }
    next.run(request).await
}
