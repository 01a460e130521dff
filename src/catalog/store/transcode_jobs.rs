//! The transcoding queue's SQL: its rows in the Jobs table (queued, leased with
//! `FOR UPDATE SKIP LOCKED`, finished, retried or given up), the original a job reads and the
//! renditions it records.

use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

/// The Jobs table's kind for transcoding.
pub const KIND: &str = "transcode";

/// A leased job: its id, its payload and the leases it has had, this one included.
pub struct LeasedJob {
    pub id: Uuid,
    pub payload: serde_json::Value,
    pub attempts: i32,
}

/// A rendition as it is recorded.
pub struct NewRendition<'a> {
    pub song: Uuid,
    pub quality: &'a str,
    pub codec: &'a str,
    pub bitrate: i32,
    pub size: i64,
    pub object_key: &'a str,
    pub content_type: &'a str,
}

pub async fn enqueue(db: &PgPool, song: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "insert into jobs (kind, payload) values ($1, jsonb_build_object('songId', $2::text))",
    )
    .bind(KIND)
    .bind(song)
    .execute(db)
    .await?;
    Ok(())
}

/// Leases the next due job with fewer than `max_attempts` leases, counting this one, for
/// `lease`; none when the queue has no such job.
pub async fn lease(
    db: &PgPool,
    lease: Duration,
    max_attempts: i32,
) -> sqlx::Result<Option<LeasedJob>> {
    let job: Option<(Uuid, serde_json::Value, i32)> = sqlx::query_as(
        "update jobs set attempts = attempts + 1, runafter = now() + make_interval(secs => $2)
          where jobid = (select jobid from jobs
                          where kind = $1 and runafter <= now() and attempts < $3
                          order by runafter for update skip locked limit 1)
          returning jobid, payload, attempts",
    )
    .bind(KIND)
    .bind(lease.as_secs_f64())
    .bind(max_attempts)
    .fetch_optional(db)
    .await?;
    Ok(job.map(|(id, payload, attempts)| LeasedJob {
        id,
        payload,
        attempts,
    }))
}

/// A job done: its row goes.
pub async fn finish(db: &PgPool, job: Uuid) -> sqlx::Result<()> {
    sqlx::query("delete from jobs where jobid = $1")
        .bind(job)
        .execute(db)
        .await?;
    Ok(())
}

/// A job given up: its row stays, with its last error, for the operator.
pub async fn give_up(db: &PgPool, job: Uuid, error: &str) -> sqlx::Result<()> {
    sqlx::query("update jobs set lasterror = $2 where jobid = $1")
        .bind(job)
        .bind(error)
        .execute(db)
        .await?;
    Ok(())
}

/// A job that failed, to be taken again after `delay_secs`.
pub async fn retry_later(db: &PgPool, job: Uuid, error: &str, delay_secs: f64) -> sqlx::Result<()> {
    sqlx::query(
        "update jobs set lasterror = $2, runafter = now() + make_interval(secs => $3) where jobid = $1",
    )
    .bind(job)
    .bind(error)
    .bind(delay_secs)
    .execute(db)
    .await?;
    Ok(())
}

/// The object key of a song's original; none once the song is deleted.
pub async fn original_key(db: &PgPool, song: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("select filepublicid from songs where songid = $1")
        .bind(song)
        .fetch_optional(db)
        .await
}

/// The qualities a song already has renditions of: a job run again (after a crash, or to
/// measure what an older version did not) makes only the others.
pub async fn recorded_qualities(db: &PgPool, song: Uuid) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("select quality from songrenditions where songid = $1")
        .bind(song)
        .fetch_all(db)
        .await
}

/// Records (or replaces) a rendition; false when the song was deleted meanwhile, and nothing
/// was recorded.
pub async fn record_rendition(db: &PgPool, rendition: &NewRendition<'_>) -> sqlx::Result<bool> {
    let recorded = sqlx::query(
        "insert into songrenditions (songid, quality, codec, bitrate, size, objectkey, contenttype)
         select $1, $2, $3, $4, $5, $6, $7 where exists (select 1 from songs where songid = $1)
         on conflict (songid, quality) do update
            set codec = excluded.codec, bitrate = excluded.bitrate, size = excluded.size,
                objectkey = excluded.objectkey, contenttype = excluded.contenttype",
    )
    .bind(rendition.song)
    .bind(rendition.quality)
    .bind(rendition.codec)
    .bind(rendition.bitrate)
    .bind(rendition.size)
    .bind(rendition.object_key)
    .bind(rendition.content_type)
    .execute(db)
    .await?;
    Ok(recorded.rows_affected() > 0)
}
