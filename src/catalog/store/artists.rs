//! Artists rows: the people credited on songs, optionally linked to a user account.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::media::names::match_key;

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
        "insert into artists (name, bio, country, genre, userid, createdby, matchkey)
         values ($1, $2, $3, $4, $5, $6, $7) returning {COLUMNS}"
    )))
    .bind(fields.name)
    .bind(fields.bio)
    .bind(fields.country)
    .bind(fields.genre)
    .bind(user)
    .bind(creator)
    .bind(fields.name.map(match_key))
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
                            verified = coalesce($6, verified),
                            matchkey = coalesce($7, matchkey)
          where artistid = $1 returning {COLUMNS}"
    )))
    .bind(id)
    .bind(fields.name)
    .bind(fields.bio)
    .bind(fields.country)
    .bind(fields.genre)
    .bind(fields.verified)
    .bind(fields.name.map(match_key))
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

/// The artists whose name matches `key` (`media::names::match_key`) that `owner` may credit:
/// those linked to no account or to the owner's own.
pub async fn creditable_by_key(
    db: &mut PgConnection,
    key: &str,
    owner: Uuid,
) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "select artistid from artists
          where matchkey = $1 and (userid is null or userid = $2)
          order by createdat, artistid limit 2",
    )
    .bind(key)
    .bind(owner)
    .fetch_all(db)
    .await
}

/// A new artist known by its name alone, made by `creator` (named by an upload's tags).
pub async fn create_named(
    db: &mut PgConnection,
    name: &str,
    key: &str,
    creator: Uuid,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "insert into artists (name, createdby, matchkey) values ($1, $2, $3) returning artistid",
    )
    .bind(name)
    .bind(creator)
    .bind(key)
    .fetch_one(db)
    .await
}

/// Artists made before names had match keys (migration 11, the MongoDB import), a batch.
pub async fn without_key(db: &PgPool, limit: i64) -> sqlx::Result<Vec<(Uuid, String)>> {
    sqlx::query_as("select artistid, name from artists where matchkey is null limit $1")
        .bind(limit)
        .fetch_all(db)
        .await
}

pub async fn set_keys(db: &PgPool, ids: &[Uuid], keys: &[String]) -> sqlx::Result<()> {
    sqlx::query(
        "update artists a set matchkey = k.key
           from unnest($1::uuid[], $2::text[]) as k(artistid, key)
          where a.artistid = k.artistid",
    )
    .bind(ids)
    .bind(keys)
    .execute(db)
    .await?;
    Ok(())
}

/// The artists whose name matches `key` (a `media::names::match_key`), two at most: enough
/// to tell one from several.
pub async fn ids_matching(db: &PgPool, key: &str) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar("select artistid from artists where matchkey = $1 limit 2")
        .bind(key)
        .fetch_all(db)
        .await
}

/// Artists like `artist`: first those credited on the same songs (collaborators), then those
/// whose songs share the most genres with its songs; at most `limit`.
pub async fn similar_ids(db: &PgPool, artist: Uuid, limit: i64) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "with my_songs as (select songid from artistsongs where artistid = $1),
              my_genres as (select distinct sg.genreid from songgenres sg
                             where sg.songid in (select songid from my_songs)),
              collaborators as (
                select x.artistid, 1 as tier, count(*) as weight from artistsongs x
                 where x.songid in (select songid from my_songs) and x.artistid <> $1
                 group by x.artistid),
              kindred as (
                select x.artistid, 2 as tier, count(distinct sg.genreid) as weight
                  from songgenres sg join artistsongs x on x.songid = sg.songid
                 where sg.genreid in (select genreid from my_genres) and x.artistid <> $1
                 group by x.artistid)
         select artistid from (select * from collaborators union all select * from kindred) c
          group by artistid order by min(tier), max(weight) desc, artistid limit $2",
    )
    .bind(artist)
    .bind(limit)
    .fetch_all(db)
    .await
}
