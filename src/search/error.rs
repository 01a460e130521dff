//! What can go wrong in a search, and how each case answers over HTTP.

use crate::catalog::CatalogError;
use crate::http::{ApiError, ErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the query is too long")]
    QueryTooLong,
    #[error("the query is empty")]
    QueryEmpty,
    #[error("unknown result kind")]
    UnknownType,
    /// From the catalog answering the songs found.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for SearchError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(error.into())
    }
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        let (code, detail) = match error {
            SearchError::QueryTooLong => ("query_too_long", "A search has at most 200 characters."),
            SearchError::QueryEmpty => ("query_empty", "Type something to search for."),
            SearchError::UnknownType => (
                "unknown_type",
                "type is a list of songs, albums, artists, users and playlists.",
            ),
            SearchError::Catalog(error) => return error.into(),
            SearchError::Unexpected(source) => return ApiError::internal(source),
        };
        ApiError::new(ErrorKind::BadRequest, code, detail)
    }
}
