//! What can go wrong in discovery, and how each case answers over HTTP.

use crate::catalog::CatalogError;
use crate::http::{ApiError, ErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// No such list, or not rebuilt yet.
    #[error("playlist not found")]
    PlaylistNotFound,
    /// From the catalog answering a list's songs.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for DiscoveryError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(error.into())
    }
}

impl From<DiscoveryError> for ApiError {
    fn from(error: DiscoveryError) -> Self {
        match error {
            DiscoveryError::PlaylistNotFound => ApiError::new(
                ErrorKind::NotFound,
                "playlist_not_found",
                "There is no such playlist.",
            ),
            DiscoveryError::Catalog(error) => error.into(),
            DiscoveryError::Unexpected(source) => ApiError::internal(source),
        }
    }
}
