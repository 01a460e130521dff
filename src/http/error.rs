//! The one HTTP error type. Every error Ampli answers, from a handler, an extractor or the
//! router itself, is an RFC 9457 problem (`application/problem+json`) with a stable
//! snake_case `code` that clients may match on.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The classes of failure, each with exactly one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    UriTooLong,
    HeadersTooLarge,
    UnsupportedMediaType,
    RangeNotSatisfiable,
    Unprocessable,
    TooManyRequests,
    Internal,
    Unavailable,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UriTooLong => StatusCode::URI_TOO_LONG,
            Self::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RangeNotSatisfiable => StatusCode::RANGE_NOT_SATISFIABLE,
            Self::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// One invalid field of a request, for validation errors.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:ampli:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short, human summary of the problem type.
    pub title: String,
    pub status: u16,
    /// What went wrong in this request, for a person.
    pub detail: String,
    /// Stable, machine-readable snake_case code.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// An error on its way to becoming a problem answer.
#[derive(Debug)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// The cause of an internal error: logged, never shown.
    pub source: Option<anyhow::Error>,
    /// For 429 and 503: when the client may try again (`Retry-After`).
    pub retry_after: Option<std::time::Duration>,
}

impl ApiError {
    pub fn new(kind: ErrorKind, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            kind,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            source: None,
            retry_after: None,
        }
    }

    /// 422 with the list of invalid fields.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self {
            errors,
            ..Self::new(
                ErrorKind::Unprocessable,
                "validation_failed",
                "Some fields are invalid.",
            )
        }
    }

    /// 503 `database_unavailable` with Retry-After: the database cannot be reached now, but
    /// the same request may well succeed shortly.
    pub fn database_unavailable() -> Self {
        Self {
            retry_after: Some(crate::db::availability::RETRY_AFTER),
            ..Self::new(
                ErrorKind::Unavailable,
                "database_unavailable",
                "The database cannot be reached. Try again shortly.",
            )
        }
    }

    /// 500 whose cause is logged with the request's id and never shown to the client; or,
    /// when the cause is that the database could not be reached, the 503 that says so.
    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        let source = source.into();
        let unreachable = source.chain().any(|cause| {
            cause
                .downcast_ref::<sqlx::Error>()
                .is_some_and(crate::db::availability::is_unreachable)
        });
        if unreachable {
            tracing::warn!(error = format!("{source:#}"), "database unreachable");
            return Self::database_unavailable();
        }
        Self {
            source: Some(source),
            ..Self::new(
                ErrorKind::Internal,
                "internal_error",
                "Something went wrong on our side. Try again later.",
            )
        }
    }

    pub fn status(&self) -> StatusCode {
        self.kind.status()
    }

    pub fn to_problem(&self) -> Problem {
        let status = self.status();
        Problem {
            problem_type: format!("urn:ampli:problem:{}", self.code),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            errors: self.errors.clone(),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        Self::internal(error)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status(), self.detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(source) = &self.source {
            tracing::error!(
                error = format!("{source:#}"),
                code = self.code,
                "request failed"
            );
        }
        let mut response = problem_response(self.status(), &self.to_problem());
        if let Some(wait) = self.retry_after {
            // Whole seconds, rounded up: never tell a client to come back too early.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        response
    }
}

pub fn problem_response(status: StatusCode, problem: &Problem) -> Response {
    let body = serde_json::to_vec(problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}
