//! The storage layer's SQL: the `MediaDeletions` queue it empties, and whether a row still
//! points at a stored file (read from the songs', renditions', users' and artists' tables,
//! which the layers above own: storage sits below them and cannot call their functions, and
//! the sweep needs only these existence checks).

use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

/// Locks and answers up to `limit` queued folders, oldest first, skipping those another
/// instance holds.
pub async fn queued_deletions(
    tx: &mut Transaction<'_, Postgres>,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "select prefix from mediadeletions order by queuedat
          limit $1 for update skip locked",
    )
    .bind(limit)
    .fetch_all(&mut **tx)
    .await
}

/// Removes the queue entries of folders whose files are gone.
pub async fn forget_deletions(
    tx: &mut Transaction<'_, Postgres>,
    prefixes: &[String],
) -> sqlx::Result<()> {
    sqlx::query("delete from mediadeletions where prefix = any($1)")
        .bind(prefixes)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether `key` is the song's original or one of its renditions.
pub async fn is_song_file(db: &PgPool, song: Uuid, key: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from songs where songid = $1 and filepublicid = $2)
             or exists (select 1 from songrenditions where songid = $1 and objectkey = $2)",
    )
    .bind(song)
    .bind(key)
    .fetch_one(db)
    .await
}

/// Whether `prefix` is the song's current poster.
pub async fn is_song_poster(db: &PgPool, song: Uuid, prefix: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from songs where songid = $1 and posterpublicid = $2)",
    )
    .bind(song)
    .bind(prefix)
    .fetch_one(db)
    .await
}

/// Whether `prefix` is the user's current picture.
pub async fn is_user_avatar(db: &PgPool, user: Uuid, prefix: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from users where userid = $1 and avatarpublicid = $2)",
    )
    .bind(user)
    .bind(prefix)
    .fetch_one(db)
    .await
}

/// Whether `prefix` is the artist's current picture.
pub async fn is_artist_avatar(db: &PgPool, artist: Uuid, prefix: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from artists where artistid = $1 and avatarpublicid = $2)",
    )
    .bind(artist)
    .bind(prefix)
    .fetch_one(db)
    .await
}

pub async fn is_album_poster(db: &PgPool, album: Uuid, prefix: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from albums where albumid = $1 and posterpublicid = $2)",
    )
    .bind(album)
    .bind(prefix)
    .fetch_one(db)
    .await
}
