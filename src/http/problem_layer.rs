//! Turns error answers that did not come from `ApiError` (the router's own 404 and 405, the
//! timeout, a body-limit refusal, a caught panic) into problems, so that every error a client
//! sees has one shape.

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::Response;

use super::error::{ApiError, ErrorKind, PROBLEM_JSON, problem_response};

pub async fn normalise_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_problem(&response) {
        return response;
    }
    let error = problem_for(status);
    let mut replacement = problem_response(status, &error.to_problem());
    // Keep what tells the client how to recover, such as `Allow` on a 405.
    for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(value) = response.headers().get(&name) {
            replacement.headers_mut().insert(name, value.clone());
        }
    }
    replacement
}

fn is_problem(response: &Response<Body>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON))
}

fn problem_for(status: StatusCode) -> ApiError {
    let (kind, code, detail) = match status {
        StatusCode::NOT_FOUND => (
            ErrorKind::NotFound,
            "not_found",
            "There is nothing at this address.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorKind::MethodNotAllowed,
            "method_not_allowed",
            "This address does not accept this method; see the Allow header.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorKind::PayloadTooLarge,
            "payload_too_large",
            "The request body is larger than this server accepts.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorKind::UnsupportedMediaType,
            "unsupported_media_type",
            "The request body's content type is not accepted here.",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            ErrorKind::Unavailable,
            "service_unavailable",
            "The server could not answer in time. Try again later.",
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            ErrorKind::TooManyRequests,
            "too_many_requests",
            "Too many requests. Wait a little and try again.",
        ),
        StatusCode::UNAUTHORIZED => (ErrorKind::Unauthorized, "unauthorized", "Sign in first."),
        StatusCode::FORBIDDEN => (ErrorKind::Forbidden, "forbidden", "This is not allowed."),
        status if status.is_server_error() => (
            ErrorKind::Internal,
            "internal_error",
            "Something went wrong on our side. Try again later.",
        ),
        _ => (
            ErrorKind::BadRequest,
            "bad_request",
            "The request could not be understood.",
        ),
    };
    ApiError::new(kind, code, detail)
}

/// The answer to a panicking handler: logged with the request's id, shown as a plain 500.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    tracing::error!(panic = message, "handler panicked");
    let error = ApiError::new(
        ErrorKind::Internal,
        "internal_error",
        "Something went wrong on our side. Try again later.",
    );
    problem_response(error.status(), &error.to_problem())
}
