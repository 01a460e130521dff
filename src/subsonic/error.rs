//! Subsonic errors: the spec's numeric codes with a message, answered inside the envelope with
//! HTTP 200, as every Subsonic client expects. Errors from the capabilities arrive as the REST
//! API's `ApiError` and are mapped by their kind, so both APIs refuse the same things.

use std::borrow::Cow;

use crate::http::{ApiError, ErrorKind};

#[derive(Debug, Clone)]
pub struct SubsonicError {
    pub code: u16,
    pub message: Cow<'static, str>,
}

impl SubsonicError {
    pub const GENERIC: u16 = 0;
    pub const MISSING_PARAMETER: u16 = 10;
    pub const CLIENT_TOO_OLD: u16 = 20;
    pub const SERVER_TOO_OLD: u16 = 30;
    pub const WRONG_CREDENTIALS: u16 = 40;
    pub const TOKEN_AUTH_NOT_SUPPORTED: u16 = 41;
    pub const AUTH_MECHANISM_NOT_SUPPORTED: u16 = 42;
    pub const MULTIPLE_AUTH_MECHANISMS: u16 = 43;
    pub const INVALID_API_KEY: u16 = 44;
    pub const NOT_AUTHORIZED: u16 = 50;
    pub const NOT_FOUND: u16 = 70;

    pub fn new(code: u16, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn missing(parameter: &'static str) -> Self {
        Self::new(
            Self::MISSING_PARAMETER,
            format!("Required parameter is missing: {parameter}."),
        )
    }

    /// A parameter that is there but unusable (the spec has no code of its own for it).
    pub fn invalid(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Self::GENERIC, message)
    }

    pub fn not_found(what: &'static str) -> Self {
        Self::new(Self::NOT_FOUND, format!("{what} not found."))
    }

    pub fn wrong_credentials() -> Self {
        Self::new(Self::WRONG_CREDENTIALS, "Wrong username or password.")
    }

    pub fn not_authorized(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Self::NOT_AUTHORIZED, message)
    }

    pub fn not_offered(method: &str) -> Self {
        // Only the method's name from the bounded list of known ones, or a placeholder, is
        // echoed: the text a caller sent is never written back.
        Self::new(Self::NOT_FOUND, format!("Ampli does not offer {method}."))
    }
}

impl From<ApiError> for SubsonicError {
    fn from(error: ApiError) -> Self {
        let code = match error.kind {
            ErrorKind::NotFound => Self::NOT_FOUND,
            ErrorKind::Forbidden => Self::NOT_AUTHORIZED,
            ErrorKind::Unauthorized => Self::WRONG_CREDENTIALS,
            _ => Self::GENERIC,
        };
        if let Some(source) = &error.source {
            tracing::error!(error = format!("{source:#}"), "a Subsonic request failed");
        }
        let mut message = error.detail;
        if let Some(first) = error.errors.first() {
            message = format!("{}: {}", first.field, first.message);
        }
        Self::new(code, message)
    }
}

/// Every capability error converts through the REST API's mapping.
macro_rules! via_api_error {
    ($($type:ty),*) => {
        $(impl From<$type> for SubsonicError {
            fn from(error: $type) -> Self {
                ApiError::from(error).into()
            }
        })*
    };
}

via_api_error!(
    crate::accounts::AccountsError,
    crate::catalog::CatalogError,
    crate::library::LibraryError,
    crate::search::SearchError,
    crate::discovery::DiscoveryError,
    sqlx::Error
);
