//! Loudness for songs whose tags carry no ReplayGain: the transcoding job measures the
//! original once (ffmpeg's EBU R128 analysis) and records track gain and peak; once every
//! song of an album is measured, the album's gain and peak are worked out from them.

use std::path::Path;

use sqlx::PgPool;
use uuid::Uuid;

use super::store::loudness as store;
use crate::media::decode::Ffmpeg;
use crate::media::loudness;

/// Measures `original` (the song's file, already fetched by the job) unless the song has a
/// gain from its tags, and fills in its album's when it was the last one missing.
pub async fn measure(
    db: &PgPool,
    ffmpeg: &Ffmpeg,
    song: Uuid,
    original: &Path,
) -> anyhow::Result<()> {
    if !store::needs_measuring(db, song).await? {
        return Ok(());
    }
    let Ok(measured) = ffmpeg.measure_loudness(original).await else {
        // Silence, or a file ffmpeg analyses no further than it decodes: no gain to apply.
        return Ok(());
    };
    let Some(album) = store::set_track(db, song, measured.gain, measured.peak).await? else {
        return Ok(());
    };
    if let Some(tracks) = store::album_tracks(db, album).await?
        && let Some(whole) = loudness::album(&tracks)
    {
        store::set_album(db, album, whole.gain, whole.peak).await?;
    }
    Ok(())
}
