//! What can go wrong in the catalog, and how each case answers over HTTP.

use crate::accounts::AccountsError;
use crate::http::{ApiError, ErrorKind, FieldError};
use crate::media::audio::AudioError;
use crate::media::images::ImageError;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("song not found")]
    SongNotFound,
    #[error("artist not found")]
    ArtistNotFound,
    #[error("album not found")]
    AlbumNotFound,
    #[error("the owner has another album of that title")]
    AlbumTaken,
    #[error("the song has no lyrics")]
    LyricsNotFound,
    #[error("the song's waveform is not measured yet")]
    PeaksNotReady,
    #[error("a credited artist does not exist")]
    UnknownArtist,
    #[error("the artist is linked to another account")]
    ArtistNotConsented,
    #[error("not yours")]
    NotOwner,
    #[error("administrators only")]
    AdminOnly,
    #[error("an artist may be linked to the caller's own account only")]
    NotYourAccount,
    #[error("no audio file in the upload")]
    MissingFile,
    #[error("the upload is too large")]
    UploadTooLarge,
    #[error("malformed upload")]
    MalformedUpload(String),
    #[error(transparent)]
    Audio(#[from] AudioError),
    #[error(transparent)]
    Image(#[from] ImageError),
    #[error("the stream link is invalid or expired")]
    InvalidStreamLink,
    #[error("no such quality")]
    UnknownQuality,
    #[error(transparent)]
    Accounts(#[from] AccountsError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for CatalogError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(error.into())
    }
}

pub fn field(name: &str, message: &str) -> FieldError {
    FieldError {
        field: name.to_owned(),
        message: message.to_owned(),
    }
}

/// One field refused with its reason.
pub fn invalid(name: &str, message: &str) -> CatalogError {
    CatalogError::Invalid(vec![field(name, message)])
}

impl From<CatalogError> for ApiError {
    fn from(error: CatalogError) -> Self {
        use CatalogError as E;
        let (kind, code, detail) = match error {
            E::Invalid(errors) => return ApiError::validation(errors),
            E::Unexpected(source) => return ApiError::internal(source),
            E::Accounts(error) => return error.into(),
            E::SongNotFound => (
                ErrorKind::NotFound,
                "song_not_found",
                "There is no such song.".to_owned(),
            ),
            E::ArtistNotFound => (
                ErrorKind::NotFound,
                "artist_not_found",
                "There is no such artist.".to_owned(),
            ),
            E::AlbumNotFound => (
                ErrorKind::NotFound,
                "album_not_found",
                "There is no such album.".to_owned(),
            ),
            E::AlbumTaken => (
                ErrorKind::Conflict,
                "album_exists",
                "You already have an album of that title by these artists.".to_owned(),
            ),
            E::LyricsNotFound => (
                ErrorKind::NotFound,
                "lyrics_not_found",
                "This song has no lyrics.".to_owned(),
            ),
            E::PeaksNotReady => (
                ErrorKind::NotFound,
                "peaks_not_ready",
                "This song's waveform is not measured yet; it is once the song is transcoded."
                    .to_owned(),
            ),
            E::UnknownArtist => (
                ErrorKind::Unprocessable,
                "artist_not_found",
                "A credited artist does not exist.".to_owned(),
            ),
            E::ArtistNotConsented => (
                ErrorKind::Forbidden,
                "artist_not_yours",
                "This artist is linked to another account: only that account may credit it."
                    .to_owned(),
            ),
            E::NotOwner => (
                ErrorKind::Forbidden,
                "not_owner",
                "Only its owner or an administrator may change this.".to_owned(),
            ),
            E::AdminOnly => (
                ErrorKind::Forbidden,
                "admin_only",
                "Only an administrator may verify an artist.".to_owned(),
            ),
            E::NotYourAccount => (
                ErrorKind::Forbidden,
                "not_owner",
                "You may link an artist to your own account only.".to_owned(),
            ),
            E::MissingFile => (
                ErrorKind::Unprocessable,
                "missing_file",
                "Attach the audio in a part named file.".to_owned(),
            ),
            E::UploadTooLarge => (
                ErrorKind::PayloadTooLarge,
                "payload_too_large",
                "The upload is larger than this server accepts.".to_owned(),
            ),
            E::MalformedUpload(detail) => (ErrorKind::BadRequest, "malformed_upload", detail),
            E::Audio(AudioError::Unsupported) => (
                ErrorKind::UnsupportedMediaType,
                "unsupported_audio",
                "Send MP3, FLAC, Ogg (Vorbis or Opus), M4A/AAC or WAV audio.".to_owned(),
            ),
            E::Audio(AudioError::Invalid) => (
                ErrorKind::Unprocessable,
                "invalid_audio",
                "The audio file is empty, truncated or corrupt.".to_owned(),
            ),
            E::Audio(AudioError::Undecodable) => (
                ErrorKind::Unprocessable,
                "audio_unreadable",
                "The audio does not decode from start to end: the file is damaged.".to_owned(),
            ),
            E::Audio(AudioError::Truncated) => (
                ErrorKind::Unprocessable,
                "audio_truncated",
                "The audio stops before the length its headers give: the file is cut short."
                    .to_owned(),
            ),
            E::Audio(AudioError::Busy) => (
                ErrorKind::Unavailable,
                "audio_check_busy",
                "Too many uploads are being checked right now; try again in a minute.".to_owned(),
            ),
            E::Image(error) => return error.into(),
            E::InvalidStreamLink => (
                ErrorKind::Unauthorized,
                "invalid_stream_link",
                "This stream link is invalid or expired.".to_owned(),
            ),
            E::UnknownQuality => (
                ErrorKind::BadRequest,
                "unknown_quality",
                "quality is one of original, high, medium, low, mp3.".to_owned(),
            ),
        };
        ApiError::new(kind, code, detail)
    }
}
