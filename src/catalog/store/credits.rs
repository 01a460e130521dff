//! Credits: which artists a song names, in which role, and whose consent an artist linked to
//! an account needs.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// What crediting an artist came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credit {
    Done,
    NoSuchArtist,
    /// The artist is linked to an account that is not among those whose consent was given.
    NotConsented,
}

/// Credits `artist` on `song` with `role` (or changes the role). An artist linked to a user
/// account is credited only when that account is one of `consenting`: nobody puts someone
/// else's artist on their songs.
pub async fn set_credit(
    db: impl PgExecutor<'_>,
    song: Uuid,
    artist: Uuid,
    role: &str,
    consenting: &[Uuid],
) -> sqlx::Result<Credit> {
    let (found, credited): (bool, bool) = sqlx::query_as(
        "with target as (select artistid, userid from artists where artistid = $1),
              credited as (
                insert into artistsongs (artistid, songid, role)
                select $1, $2, $3 from target where userid is null or userid = any($4)
                on conflict (artistid, songid) do update set role = excluded.role
                returning 1)
         select exists (select 1 from target), exists (select 1 from credited)",
    )
    .bind(artist)
    .bind(song)
    .bind(role)
    .bind(consenting)
    .fetch_one(db)
    .await?;
    Ok(match (found, credited) {
        (_, true) => Credit::Done,
        (true, false) => Credit::NotConsented,
        (false, false) => Credit::NoSuchArtist,
    })
}

/// The account an artist is linked to and the one that made it, if the artist exists.
pub async fn artist_owners(
    db: &PgPool,
    artist: Uuid,
) -> sqlx::Result<Option<(Option<Uuid>, Option<Uuid>)>> {
    sqlx::query_as("select userid, createdby from artists where artistid = $1")
        .bind(artist)
        .fetch_optional(db)
        .await
}

pub async fn remove_credit(db: &PgPool, song: Uuid, artist: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from artistsongs where songid = $1 and artistid = $2")
        .bind(song)
        .bind(artist)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether `artist` is already credited on `song`, in whatever role.
pub async fn is_credited(db: impl PgExecutor<'_>, song: Uuid, artist: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from artistsongs where songid = $1 and artistid = $2)",
    )
    .bind(song)
    .bind(artist)
    .fetch_one(db)
    .await
}
