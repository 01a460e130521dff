//! Playlists rows, with their owner's name and item count as the answers show them.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlaylistRow {
    pub playlistid: Uuid,
    pub title: String,
    pub visibility: Option<String>,
    pub ownerid: Uuid,
    pub ownername: String,
    pub itemcount: i64,
    pub createdat: DateTime<Utc>,
    pub updatedat: DateTime<Utc>,
}

impl PlaylistRow {
    pub fn is_private(&self) -> bool {
        self.visibility.as_deref() == Some("private")
    }
}

const SELECT: &str = "select p.playlistid, p.title, p.visibility, p.ownerid, u.name as ownername,
        (select count(*) from playlistitems i where i.playlistid = p.playlistid) as itemcount,
        p.createdat, p.updatedat
   from playlists p join users u on u.userid = p.ownerid";

pub async fn create(db: &PgPool, owner: Uuid, title: &str, visibility: &str) -> sqlx::Result<Uuid> {
    sqlx::query_scalar("insert into playlists (title, visibility, ownerid) values ($1, $2, $3) returning playlistid")
        .bind(title)
        .bind(visibility)
        .bind(owner)
        .fetch_one(db)
        .await
}

pub async fn find(db: &PgPool, id: Uuid) -> sqlx::Result<Option<PlaylistRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} where p.playlistid = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn update(
    db: &PgPool,
    id: Uuid,
    title: Option<&str>,
    visibility: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("update playlists set title = coalesce($2, title), visibility = coalesce($3, visibility) where playlistid = $1")
        .bind(id)
        .bind(title)
        .bind(visibility)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &PgPool, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("delete from playlists where playlistid = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// An owner's playlists, newest first; private ones only when `include_private`.
pub async fn list_for_owner(
    db: &PgPool,
    owner: Uuid,
    include_private: bool,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<PlaylistRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} where p.ownerid = $1 and ($2 or p.visibility = 'public')
            and ($3::timestamptz is null or (p.createdat, p.playlistid) < ($3, $4))
          order by p.createdat desc, p.playlistid desc limit $5"
    )))
    .bind(owner)
    .bind(include_private)
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(limit)
    .fetch_all(db)
    .await
}
