//! The play queue a listener's apps save and restore (migration 14).

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlayQueueRow {
    pub songids: Vec<Uuid>,
    pub currentindex: Option<i32>,
    pub positionms: i64,
    pub changedat: DateTime<Utc>,
    pub changedby: String,
}

pub async fn find(db: &PgPool, user: Uuid) -> sqlx::Result<Option<PlayQueueRow>> {
    sqlx::query_as(
        "select songids, currentindex, positionms, changedat, changedby
           from playqueues where userid = $1",
    )
    .bind(user)
    .fetch_optional(db)
    .await
}

/// Replaces the user's queue; an empty one removes it.
pub async fn save(
    db: &PgPool,
    user: Uuid,
    songs: &[Uuid],
    current: Option<i32>,
    position_ms: i64,
    changed_by: &str,
) -> sqlx::Result<()> {
    if songs.is_empty() {
        sqlx::query("delete from playqueues where userid = $1")
            .bind(user)
            .execute(db)
            .await?;
        return Ok(());
    }
    sqlx::query(
        "insert into playqueues (userid, songids, currentindex, positionms, changedby)
         values ($1, $2, $3, $4, $5)
         on conflict (userid) do update
            set songids = excluded.songids, currentindex = excluded.currentindex,
                positionms = excluded.positionms, changedby = excluded.changedby,
                changedat = now()",
    )
    .bind(user)
    .bind(songs)
    .bind(current)
    .bind(position_ms)
    .bind(changed_by)
    .execute(db)
    .await?;
    Ok(())
}
