//! Artists rows: the people credited on songs, optionally linked to a user account.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ArtistRow {
    pub artistid: Uuid,
    pub name: String,
    pub bio: Option<String>,
    pub country: Option<String>,
    pub genre: Option<String>,
    pub avatarurl: Option<String>,
    pub avatarpublicid: Option<String>,
    pub verified: Option<bool>,
    pub userid: Option<Uuid>,
    pub createdby: Option<Uuid>,
    pub createdat: DateTime<Utc>,
    pub updatedat: DateTime<Utc>,
}

const COLUMNS: &str = "artistid, name, bio, country, genre, avatarurl, avatarpublicid, verified, userid, createdby, createdat, updatedat";

/// The editable fields; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct ArtistFields<'a> {
    pub name: Option<&'a str>,
    pub bio: Option<&'a str>,
    pub country: Option<&'a str>,
    pub genre: Option<&'a str>,
    pub verified: Option<bool>,
}

pub async fn create(
    db: &PgPool,
    fields: &ArtistFields<'_>,
    user: Option<Uuid>,
    creator: Uuid,
) -> sqlx::Result<ArtistRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "insert into artists (name, bio, country, genre, userid, createdby)
         values ($1, $2, $3, $4, $5, $6) returning {COLUMNS}"
    )))
    .bind(fields.name)
    .bind(fields.bio)
    .bind(fields.country)
    .bind(fields.genre)
    .bind(user)
    .bind(creator)
    .fetch_one(db)
    .await
}

pub async fn find(db: &PgPool, id: Uuid) -> sqlx::Result<Option<ArtistRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from artists where artistid = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn update(
    db: &PgPool,
    id: Uuid,
    fields: &ArtistFields<'_>,
) -> sqlx::Result<Option<ArtistRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "update artists set name = coalesce($2, name), bio = coalesce($3, bio),
                            country = coalesce($4, country), genre = coalesce($5, genre),
                            verified = coalesce($6, verified)
          where artistid = $1 returning {COLUMNS}"
    )))
    .bind(id)
    .bind(fields.name)
    .bind(fields.bio)
    .bind(fields.country)
    .bind(fields.genre)
    .bind(fields.verified)
    .fetch_optional(db)
    .await
}

pub async fn delete(db: &PgPool, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from artists where artistid = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A page of artists by name, after (name, id) of the previous page's last.
pub async fn list(
    db: &PgPool,
    after: Option<(&str, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<ArtistRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from artists
          where $1::text is null or (name, artistid) > ($1, $2)
          order by name, artistid limit $3"
    )))
    .bind(after.map(|(name, _)| name))
    .bind(after.map(|(_, id)| id))
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn set_avatar(
    db: &PgPool,
    id: Uuid,
    url: &str,
    key: &str,
) -> sqlx::Result<Option<ArtistRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "update artists set avatarurl = $2, avatarpublicid = $3 where artistid = $1 returning {COLUMNS}"
    )))
    .bind(id)
    .bind(url)
    .bind(key)
    .fetch_optional(db)
    .await
}
