//! Songs' waveform rows (`SongPeaks`).

use sqlx::PgExecutor;
use uuid::Uuid;

/// Records a song's waveform once; false when the song is gone (deleted while measured) or
/// already has one.
pub async fn put(db: impl PgExecutor<'_>, song: Uuid, peaks: &[u8]) -> sqlx::Result<bool> {
    let written = sqlx::query(
        "insert into songpeaks (songid, peaks)
         select songid, $2 from songs where songid = $1
         on conflict (songid) do nothing",
    )
    .bind(song)
    .bind(peaks)
    .execute(db)
    .await?;
    Ok(written.rows_affected() == 1)
}

pub async fn find(db: impl PgExecutor<'_>, song: Uuid) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar("select peaks from songpeaks where songid = $1")
        .bind(song)
        .fetch_optional(db)
        .await
}

/// Whether the song exists without a waveform.
pub async fn missing(db: impl PgExecutor<'_>, song: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from songs s where s.songid = $1
            and not exists (select 1 from songpeaks p where p.songid = s.songid))",
    )
    .bind(song)
    .fetch_one(db)
    .await
}
