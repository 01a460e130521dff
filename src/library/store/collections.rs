//! The two collections, likes and favourites: tables of the same shape, one row per user and
//! song, so putting a song in twice or taking out one that is not there changes nothing.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Likes are public signals (they feed popularity and Trending); favourites are private.
#[derive(Clone, Copy, Debug)]
pub enum Collection {
    Likes,
    Favorites,
}

impl Collection {
    fn table(self) -> &'static str {
        match self {
            Self::Likes => "likes",
            Self::Favorites => "favorites",
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct CollectedRow {
    pub songid: Uuid,
    pub createdat: DateTime<Utc>,
}

pub async fn put(db: &PgPool, collection: Collection, user: Uuid, song: Uuid) -> sqlx::Result<()> {
    let table = collection.table();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "insert into {table} (userid, songid) values ($1, $2) on conflict (userid, songid) do nothing"
    )))
    .bind(user)
    .bind(song)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn remove(
    db: &PgPool,
    collection: Collection,
    user: Uuid,
    song: Uuid,
) -> sqlx::Result<()> {
    let table = collection.table();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "delete from {table} where userid = $1 and songid = $2"
    )))
    .bind(user)
    .bind(song)
    .execute(db)
    .await?;
    Ok(())
}

/// A user's collection, most recent first, after the `(createdat, songid)` keyset position.
pub async fn page(
    db: &PgPool,
    collection: Collection,
    user: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<CollectedRow>> {
    let table = collection.table();
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select songid, createdat from {table}
          where userid = $1 and ($2::timestamptz is null or (createdat, songid) < ($2, $3))
          order by createdat desc, songid desc limit $4"
    )))
    .bind(user)
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(limit)
    .fetch_all(db)
    .await
}
