//! `AuthUser`: the signed-in caller, from `Authorization: Bearer <access token>`. The token's
//! session must still be open, so signing a device out takes effect at once.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use uuid::Uuid;

use super::{Accounts, AccountsError};
use crate::http::ApiError;

#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub verified: bool,
    pub is_admin: bool,
}

impl AuthUser {
    /// Uploading and publishing need a confirmed email address.
    pub fn require_verified(&self) -> Result<(), AccountsError> {
        if self.verified {
            Ok(())
        } else {
            Err(AccountsError::EmailNotVerified)
        }
    }
}

/// The bearer token of a request, if it has one.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl<S> FromRequestParts<S> for AuthUser
where
    S: Send + Sync,
    Arc<Accounts>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let token = bearer_token(parts).ok_or(AccountsError::AuthenticationRequired)?;
        let accounts = Arc::<Accounts>::from_ref(state);
        let claims = accounts
            .access_tokens
            .verify(token)
            .ok_or(AccountsError::InvalidAccessToken)?;
        let open = accounts.open_session(claims.sid, claims.sub).await?;
        Ok(Self {
            user_id: claims.sub,
            session_id: claims.sid,
            verified: open.verified,
            is_admin: open.is_admin,
        })
    }
}

/// The caller if signed in, `None` if the request carries no token at all. A token that is
/// present but invalid is still refused: a broken client should hear about it.
#[derive(Debug, Clone, Copy)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

impl<S> FromRequestParts<S> for MaybeAuthUser
where
    S: Send + Sync,
    Arc<Accounts>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if parts.headers.get(header::AUTHORIZATION).is_none() {
            return Ok(Self(None));
        }
        Ok(Self(Some(
            AuthUser::from_request_parts(parts, state).await?,
        )))
    }
}

impl MaybeAuthUser {
    pub fn user_id(&self) -> Option<Uuid> {
        self.0.map(|user| user.user_id)
    }
}
