//! The audio-checking step of an upload: lofty reads the headers and tags, then, where ffmpeg
//! is installed, the whole stream is decoded, so that no song is published whose file stops
//! short or breaks down partway (its transcoding would fail, and so would every player).

use std::path::Path;

use crate::catalog::{Catalog, CatalogError};
use crate::media::audio::{self, AudioInfo};
use crate::media::decode::{CheckError, Ffmpeg};

impl Catalog {
    /// Reads and checks the spooled file at `path`. Without ffmpeg only lofty's checks run
    /// (format by content, sane headers, an MP3 no shorter than its header claims).
    pub(super) async fn check_audio(&self, path: &Path) -> Result<AudioInfo, CatalogError> {
        check_audio(path, self.ffmpeg.as_ref()).await
    }
}

/// [`Catalog::check_audio`] with the ffmpeg given (the upload's form reader has no catalog).
pub(super) async fn check_audio(
    path: &Path,
    ffmpeg: Option<&Ffmpeg>,
) -> Result<AudioInfo, CatalogError> {
    let source = path.to_owned();
    let info = tokio::task::spawn_blocking(move || audio::inspect(&source))
        .await
        .map_err(anyhow::Error::from)??;
    if let Some(ffmpeg) = ffmpeg {
        ffmpeg
            .check_decodes(path, info.duration)
            .await
            .map_err(|error| match error {
                CheckError::Audio(error) => CatalogError::Audio(error),
                CheckError::Unexpected(error) => CatalogError::Unexpected(error),
            })?;
    }
    Ok(info)
}
