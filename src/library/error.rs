//! What can go wrong in the library, and how each case answers over HTTP.

use crate::catalog::CatalogError;
use crate::http::{ApiError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// Also a private playlist asked for by anyone but its owner.
    #[error("playlist not found")]
    PlaylistNotFound,
    #[error("not the playlist's owner")]
    NotOwner,
    #[error("the song is not in the playlist")]
    NotInPlaylist,
    #[error("the song is in the playlist already")]
    AlreadyInPlaylist,
    #[error("position out of range")]
    BadPosition { items: i64 },
    #[error("the playlist is full")]
    PlaylistFull,
    /// Also a share that expired.
    #[error("share not found")]
    ShareNotFound,
    #[error("too many shares")]
    TooManyShares,
    /// Song not found comes from here: the catalog is the one that knows songs.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for LibraryError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(error.into())
    }
}

pub fn invalid(field: &str, message: impl Into<String>) -> LibraryError {
    LibraryError::Invalid(vec![FieldError {
        field: field.to_owned(),
        message: message.into(),
    }])
}

impl From<LibraryError> for ApiError {
    fn from(error: LibraryError) -> Self {
        use LibraryError as E;
        let (kind, code, detail) = match error {
            E::Invalid(errors) => return ApiError::validation(errors),
            E::Catalog(error) => return error.into(),
            E::Unexpected(source) => return ApiError::internal(source),
            E::BadPosition { items } => {
                return ApiError::validation(vec![FieldError {
                    field: "position".to_owned(),
                    message: format!("The position must be between 0 and {items}."),
                }]);
            }
            E::PlaylistNotFound => (
                ErrorKind::NotFound,
                "playlist_not_found",
                "There is no such playlist.",
            ),
            E::NotOwner => (
                ErrorKind::Forbidden,
                "not_owner",
                "Only the playlist's owner may change it.",
            ),
            E::NotInPlaylist => (
                ErrorKind::NotFound,
                "item_not_found",
                "The song is not in this playlist.",
            ),
            E::AlreadyInPlaylist => (
                ErrorKind::Conflict,
                "song_already_in_playlist",
                "The song is in this playlist already.",
            ),
            E::PlaylistFull => (
                ErrorKind::Unprocessable,
                "playlist_full",
                "A playlist holds at most 10,000 songs.",
            ),
            E::ShareNotFound => (
                ErrorKind::NotFound,
                "share_not_found",
                "There is no such share, or it has expired.",
            ),
            E::TooManyShares => (
                ErrorKind::Conflict,
                "too_many_shares",
                "You have as many shares as an account may hold. Delete one first.",
            ),
        };
        ApiError::new(kind, code, detail)
    }
}
