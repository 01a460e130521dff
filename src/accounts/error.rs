//! What can go wrong in the accounts capability, and how each case answers over HTTP.

use std::time::Duration;

use crate::http::{ApiError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("email taken")]
    EmailTaken,
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("wrong current password")]
    WrongPassword,
    #[error("invalid or expired verification token")]
    InvalidVerificationToken,
    #[error("invalid or expired reset token")]
    InvalidResetToken,
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    #[error("refresh token reused")]
    RefreshTokenReused,
    #[error("no bearer token")]
    AuthenticationRequired,
    #[error("invalid access token")]
    InvalidAccessToken,
    #[error("session ended")]
    SessionEnded,
    #[error("email not verified")]
    EmailNotVerified,
    #[error("session not found")]
    SessionNotFound,
    #[error("user not found")]
    UserNotFound,
    #[error("app password not found")]
    AppPasswordNotFound,
    #[error("too many app passwords")]
    TooManyAppPasswords,
    #[error("bad image: {0}")]
    BadImage(#[from] crate::media::images::ImageError),
    #[error("too many attempts")]
    TooManyAttempts { retry_after: Duration },
    /// The limits shared by the instances (Redis) cannot be reached: refused, never let
    /// through uncounted.
    #[error("limits unavailable")]
    LimitsUnavailable,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// What a caller refused for want of the shared limits is told to wait: Redis restarts in
/// seconds.
const LIMITS_RETRY_AFTER: Duration = Duration::from_secs(5);

impl From<super::limits::Refusal> for AccountsError {
    fn from(refusal: super::limits::Refusal) -> Self {
        match refusal {
            super::limits::Refusal::TooMany(super::limits::RetryAfter(retry_after)) => {
                Self::TooManyAttempts { retry_after }
            }
            super::limits::Refusal::Unavailable => Self::LimitsUnavailable,
        }
    }
}

impl From<sqlx::Error> for AccountsError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(error.into())
    }
}

impl From<AccountsError> for ApiError {
    fn from(error: AccountsError) -> Self {
        use AccountsError as E;
        let (kind, code, detail) = match error {
            E::Invalid(errors) => return ApiError::validation(errors),
            E::Unexpected(source) => return ApiError::internal(source),
            E::TooManyAttempts { retry_after } => {
                let mut error = ApiError::new(
                    ErrorKind::TooManyRequests,
                    "too_many_attempts",
                    "Too many attempts. Wait a while and try again.",
                );
                error.retry_after = Some(retry_after);
                return error;
            }
            E::LimitsUnavailable => {
                let mut error = ApiError::new(
                    ErrorKind::Unavailable,
                    "limits_unavailable",
                    "Signing in is unavailable for a moment. Try again shortly.",
                );
                error.retry_after = Some(LIMITS_RETRY_AFTER);
                return error;
            }
            E::BadImage(error) => return error.into(),
            E::EmailTaken => (
                ErrorKind::Conflict,
                "email_taken",
                "An account with this email already exists.",
            ),
            E::InvalidCredentials => (
                ErrorKind::Unauthorized,
                "invalid_credentials",
                "Wrong email or password.",
            ),
            E::WrongPassword => (
                ErrorKind::Forbidden,
                "wrong_password",
                "The current password is wrong.",
            ),
            E::InvalidVerificationToken => (
                ErrorKind::BadRequest,
                "invalid_verification_token",
                "This verification link is invalid, used or expired. Ask for a new one.",
            ),
            E::InvalidResetToken => (
                ErrorKind::BadRequest,
                "invalid_reset_token",
                "This reset link is invalid, used or expired. Ask for a new one.",
            ),
            E::InvalidRefreshToken => (
                ErrorKind::Unauthorized,
                "invalid_refresh_token",
                "Sign in again.",
            ),
            E::RefreshTokenReused => (
                ErrorKind::Unauthorized,
                "refresh_token_reused",
                "This sign-in was used from elsewhere and has been ended. Sign in again.",
            ),
            E::AuthenticationRequired => (
                ErrorKind::Unauthorized,
                "authentication_required",
                "Sign in first: send Authorization: Bearer <access token>.",
            ),
            E::InvalidAccessToken => (
                ErrorKind::Unauthorized,
                "invalid_token",
                "The access token is invalid or expired.",
            ),
            E::SessionEnded => (
                ErrorKind::Unauthorized,
                "session_ended",
                "This session has ended. Sign in again.",
            ),
            E::EmailNotVerified => (
                ErrorKind::Forbidden,
                "email_not_verified",
                "Confirm your email address first: follow the link we mailed you.",
            ),
            E::SessionNotFound => (
                ErrorKind::NotFound,
                "session_not_found",
                "There is no such session.",
            ),
            E::UserNotFound => (
                ErrorKind::NotFound,
                "user_not_found",
                "There is no such user.",
            ),
            E::AppPasswordNotFound => (
                ErrorKind::NotFound,
                "app_password_not_found",
                "You have no app password with this id.",
            ),
            E::TooManyAppPasswords => (
                ErrorKind::Conflict,
                "too_many_app_passwords",
                "You have as many app passwords as an account may hold. Revoke one first.",
            ),
        };
        ApiError::new(kind, code, detail)
    }
}
