//! Stars on albums and artists, and ratings of songs, albums and artists (migration 14). A
//! song's star is its favourite, in `collections`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// What a star or a rating is on. The column names are fixed here, never taken from a
/// request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Song(Uuid),
    Album(Uuid),
    Artist(Uuid),
}

impl Target {
    fn column(self) -> &'static str {
        match self {
            Self::Song(_) => "songid",
            Self::Album(_) => "albumid",
            Self::Artist(_) => "artistid",
        }
    }

    fn id(self) -> Uuid {
        match self {
            Self::Song(id) | Self::Album(id) | Self::Artist(id) => id,
        }
    }
}

/// Whether the error is the object having gone (a foreign key with nothing to point at).
fn gone(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.code().as_deref() == Some("23503"))
}

/// Stars an album or artist; false when it does not exist (any more).
pub async fn star(db: &PgPool, user: Uuid, target: Target) -> sqlx::Result<bool> {
    let column = target.column();
    let sql = format!(
        "insert into stars (userid, {column}) values ($1, $2)
         on conflict (userid, {column}) where {column} is not null do nothing"
    );
    match sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .bind(target.id())
        .execute(db)
        .await
    {
        Ok(_) => Ok(true),
        Err(error) if gone(&error) => Ok(false),
        Err(error) => Err(error),
    }
}

pub async fn unstar(db: &PgPool, user: Uuid, target: Target) -> sqlx::Result<()> {
    let sql = format!(
        "delete from stars where userid = $1 and {} = $2",
        target.column()
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .bind(target.id())
        .execute(db)
        .await?;
    Ok(())
}

/// The albums (or artists, by `artists`) the user starred, most recent first, with when.
pub async fn starred(
    db: &PgPool,
    user: Uuid,
    artists: bool,
    limit: i64,
) -> sqlx::Result<Vec<(Uuid, DateTime<Utc>)>> {
    let column = if artists { "artistid" } else { "albumid" };
    let sql = format!(
        "select {column}, createdat from stars where userid = $1 and {column} is not null
          order by createdat desc, {column} desc limit $2"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// Sets (1 to 5) or clears (`None`) the user's rating; false when the object is gone.
pub async fn rate(
    db: &PgPool,
    user: Uuid,
    target: Target,
    rating: Option<i16>,
) -> sqlx::Result<bool> {
    let column = target.column();
    let Some(rating) = rating else {
        let sql = format!("delete from ratings where userid = $1 and {column} = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user)
            .bind(target.id())
            .execute(db)
            .await?;
        return Ok(true);
    };
    let sql = format!(
        "insert into ratings (userid, {column}, rating) values ($1, $2, $3)
         on conflict (userid, {column}) where {column} is not null
         do update set rating = excluded.rating, ratedat = now()"
    );
    match sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .bind(target.id())
        .bind(rating)
        .execute(db)
        .await
    {
        Ok(_) => Ok(true),
        Err(error) if gone(&error) => Ok(false),
        Err(error) => Err(error),
    }
}

/// The user's stars and ratings on some albums (or artists): id → (starred at, rating).
pub async fn marks(
    db: &PgPool,
    user: Uuid,
    artists: bool,
    ids: &[Uuid],
) -> sqlx::Result<HashMap<Uuid, (Option<DateTime<Utc>>, Option<i16>)>> {
    let column = if artists { "artistid" } else { "albumid" };
    let sql = format!(
        "select x.id, s.createdat, r.rating from unnest($2::uuid[]) as x(id)
           left join stars s on s.userid = $1 and s.{column} = x.id
           left join ratings r on r.userid = $1 and r.{column} = x.id
          where s.createdat is not null or r.rating is not null"
    );
    let rows: Vec<(Uuid, Option<DateTime<Utc>>, Option<i16>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user)
            .bind(ids)
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, starred, rating)| (id, (starred, rating)))
        .collect())
}

/// The albums the user rated highest, best first.
pub async fn top_rated_albums(db: &PgPool, user: Uuid, limit: i64) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "select albumid from ratings where userid = $1 and albumid is not null
          order by rating desc, ratedat desc, albumid limit $2",
    )
    .bind(user)
    .bind(limit)
    .fetch_all(db)
    .await
}
