//! Listening history: one row per user and song, holding how far they got and when.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, sqlx::FromRow)]
pub struct HistoryRow {
    pub songid: Uuid,
    pub progress: Option<i32>,
    pub lastplayedat: DateTime<Utc>,
}

/// Records `progress` as the user's place in `song`, played now.
pub async fn record(db: &PgPool, user: Uuid, song: Uuid, progress: i32) -> sqlx::Result<()> {
    sqlx::query(
        "insert into history (userid, songid, progress, lastplayedat) values ($1, $2, $3, now())
         on conflict (userid, songid) do update set progress = excluded.progress, lastplayedat = now()",
    )
    .bind(user)
    .bind(song)
    .bind(progress)
    .execute(db)
    .await?;
    Ok(())
}

/// A user's history, newest first, after the `(lastplayedat, songid)` keyset position.
pub async fn page(
    db: &PgPool,
    user: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<HistoryRow>> {
    sqlx::query_as(
        "select songid, progress, lastplayedat from history
          where userid = $1 and ($2::timestamptz is null or (lastplayedat, songid) < ($2, $3))
          order by lastplayedat desc, songid desc limit $4",
    )
    .bind(user)
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn clear(db: &PgPool, user: Uuid) -> sqlx::Result<()> {
    sqlx::query("delete from history where userid = $1")
        .bind(user)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn forget(db: &PgPool, user: Uuid, song: Uuid) -> sqlx::Result<()> {
    sqlx::query("delete from history where userid = $1 and songid = $2")
        .bind(user)
        .bind(song)
        .execute(db)
        .await?;
    Ok(())
}
