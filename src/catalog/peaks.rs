//! A song's waveform for the player's seek bar: measured once by the transcoding job from the
//! original (`media::peaks`), read by anyone who may see the song.

use std::path::Path;

use sqlx::PgPool;
use uuid::Uuid;

use super::store::peaks as store;
use super::{Catalog, CatalogError};
use crate::media::decode::Ffmpeg;

impl Catalog {
    /// `PEAK_COUNT` values from 0 (silence) to 255 (full scale).
    pub async fn peaks(&self, song: Uuid) -> Result<Vec<u8>, CatalogError> {
        self.require_song(song).await?;
        store::find(&self.db, song)
            .await?
            .ok_or(CatalogError::PeaksNotReady)
    }
}

/// Measures the waveform of `original` (the song's file, already fetched by the job) unless
/// the song has one; a job run again after a crash does not decode twice.
pub async fn measure(
    db: &PgPool,
    ffmpeg: &Ffmpeg,
    song: Uuid,
    original: &Path,
) -> anyhow::Result<()> {
    if !store::missing(db, song).await? {
        return Ok(());
    }
    let peaks = ffmpeg.peaks(original).await?;
    store::put(db, song, &peaks).await?;
    Ok(())
}
