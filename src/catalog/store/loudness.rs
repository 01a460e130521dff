//! Songs' and albums' ReplayGain values as the transcoding job measures them. Values a file's
//! tags gave are never overwritten.

use sqlx::PgPool;
use uuid::Uuid;

/// Whether the song still lacks a track gain (false too when it is gone).
pub async fn needs_measuring(db: &PgPool, song: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from songs where songid = $1 and trackgain is null)",
    )
    .bind(song)
    .fetch_one(db)
    .await
}

/// Records a measured track gain and peak where none is set; answers the song's album.
pub async fn set_track(
    db: &PgPool,
    song: Uuid,
    gain: f32,
    peak: f32,
) -> sqlx::Result<Option<Uuid>> {
    let album: Option<Option<Uuid>> = sqlx::query_scalar(
        "update songs set trackgain = $2, trackpeak = $3
          where songid = $1 and trackgain is null
          returning albumid",
    )
    .bind(song)
    .bind(gain)
    .bind(peak)
    .fetch_optional(db)
    .await?;
    Ok(album.flatten())
}

/// Every song of an album without an album gain, as (gain, peak, seconds), when every one
/// has a track gain; `None` while one is unmeasured or the album has its gain.
pub async fn album_tracks(db: &PgPool, album: Uuid) -> sqlx::Result<Option<Vec<(f32, f32, f64)>>> {
    let rows: Vec<(Option<f32>, Option<f32>, Option<i32>)> = sqlx::query_as(
        "select s.trackgain, s.trackpeak, s.duration from songs s
           join albums a on a.albumid = s.albumid
          where s.albumid = $1 and a.albumgain is null",
    )
    .bind(album)
    .fetch_all(db)
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(rows
        .into_iter()
        .map(|(gain, peak, seconds)| Some((gain?, peak.unwrap_or(1.0), f64::from(seconds?))))
        .collect())
}

/// Sets the album's gain and peak unless it has them.
pub async fn set_album(db: &PgPool, album: Uuid, gain: f32, peak: f32) -> sqlx::Result<()> {
    sqlx::query(
        "update albums set albumgain = $2, albumpeak = $3
          where albumid = $1 and albumgain is null",
    )
    .bind(album)
    .bind(gain)
    .bind(peak)
    .execute(db)
    .await?;
    Ok(())
}
