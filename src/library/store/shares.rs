//! Shares rows: public links to a song, album or playlist (migration 15).

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShareRow {
    pub shareid: Uuid,
    pub token: String,
    pub userid: Uuid,
    pub songid: Option<Uuid>,
    pub albumid: Option<Uuid>,
    pub playlistid: Option<Uuid>,
    pub description: Option<String>,
    pub expiresat: Option<DateTime<Utc>>,
    pub createdat: DateTime<Utc>,
    pub lastvisitedat: Option<DateTime<Utc>>,
    pub visitcount: i64,
}

const COLUMNS: &str = "shareid, token, userid, songid, albumid, playlistid, description, expiresat,
                       createdat, lastvisitedat, visitcount";

/// What a share names.
#[derive(Debug, Clone, Copy)]
pub enum Shared {
    Song(Uuid),
    Album(Uuid),
    Playlist(Uuid),
}

/// Stores a share; `None` when what it names is gone, or the owner has `max` already.
pub async fn create(
    db: &PgPool,
    user: Uuid,
    token: &str,
    shared: Shared,
    description: Option<&str>,
    expires: Option<DateTime<Utc>>,
    max: i64,
) -> sqlx::Result<Option<ShareRow>> {
    let (song, album, playlist) = match shared {
        Shared::Song(id) => (Some(id), None, None),
        Shared::Album(id) => (None, Some(id), None),
        Shared::Playlist(id) => (None, None, Some(id)),
    };
    let sql = format!(
        "with owner as (select userid from users where userid = $1 for update)
         insert into shares (userid, token, songid, albumid, playlistid, description, expiresat)
         select owner.userid, $2, $3, $4, $5, $6, $7 from owner
          where (select count(*) from shares where userid = $1) < $8
         returning {COLUMNS}"
    );
    let made = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .bind(token)
        .bind(song)
        .bind(album)
        .bind(playlist)
        .bind(description)
        .bind(expires)
        .bind(max)
        .fetch_optional(db)
        .await;
    match made {
        // The object went away meanwhile: a foreign key with nothing to point at.
        Err(error)
            if error
                .as_database_error()
                .is_some_and(|e| e.code().as_deref() == Some("23503")) =>
        {
            Ok(None)
        }
        other => other,
    }
}

pub async fn list(db: &PgPool, user: Uuid) -> sqlx::Result<Vec<ShareRow>> {
    let sql = format!(
        "select {COLUMNS} from shares where userid = $1 order by createdat desc, shareid desc"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .fetch_all(db)
        .await
}

/// The share behind a link, if it has not expired; counts the visit.
pub async fn visit(db: &PgPool, token: &str) -> sqlx::Result<Option<ShareRow>> {
    let sql = format!(
        "update shares set visitcount = visitcount + 1, lastvisitedat = now()
          where token = $1 and (expiresat is null or expiresat > now())
         returning {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(token)
        .fetch_optional(db)
        .await
}

/// Changes the description and expiry of the user's share; false when they have no such share.
pub async fn update(
    db: &PgPool,
    user: Uuid,
    id: Uuid,
    description: Option<&str>,
    expires: Option<Option<DateTime<Utc>>>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update shares set description = coalesce($3, description),
                           expiresat = case when $4 then $5 else expiresat end
          where shareid = $1 and userid = $2",
    )
    .bind(id)
    .bind(user)
    .bind(description)
    .bind(expires.is_some())
    .bind(expires.flatten())
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(db: &PgPool, user: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from shares where shareid = $1 and userid = $2")
        .bind(id)
        .bind(user)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
