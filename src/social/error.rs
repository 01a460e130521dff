//! What can go wrong in the social capability, and how each case answers over HTTP.

use crate::accounts::AccountsError;
use crate::catalog::CatalogError;
use crate::http::{ApiError, ErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum SocialError {
    #[error("cannot follow oneself")]
    CannotFollowSelf,
    /// From the accounts asked whether a user exists (`user_not_found`).
    #[error(transparent)]
    Accounts(#[from] AccountsError),
    /// From the catalog answering the feed's songs.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for SocialError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(error.into())
    }
}

impl From<SocialError> for ApiError {
    fn from(error: SocialError) -> Self {
        match error {
            SocialError::CannotFollowSelf => ApiError::new(
                ErrorKind::BadRequest,
                "cannot_follow_self",
                "You cannot follow yourself.",
            ),
            SocialError::Accounts(error) => error.into(),
            SocialError::Catalog(error) => error.into(),
            SocialError::Unexpected(source) => ApiError::internal(source),
        }
    }
}
