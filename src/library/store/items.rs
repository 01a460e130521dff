//! A playlist's ordered items. Positions are dense and 0-based; every change to a playlist's
//! items locks its Playlists row first, so concurrent edits of one playlist queue up while
//! edits of different playlists run side by side.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::library::LibraryError;

/// Most songs one playlist may hold.
const MAX_ITEMS: i64 = 10_000;
/// Where a song is parked while the others shift (never a real position).
const PARKED: i32 = -1_000_000_000;

#[derive(Debug, sqlx::FromRow)]
pub struct ItemRow {
    pub position: i32,
    pub songid: Uuid,
    pub addedat: DateTime<Utc>,
}

/// Items in order, from `from_position` on.
pub async fn page(
    db: &PgPool,
    playlist: Uuid,
    from_position: i32,
    limit: i64,
) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as(
        "select position, songid, addedat from playlistitems
          where playlistid = $1 and position >= $2 order by position limit $3",
    )
    .bind(playlist)
    .bind(from_position)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Locks the playlist for this transaction and answers how many items it has.
async fn lock(tx: &mut PgConnection, playlist: Uuid) -> Result<i64, LibraryError> {
    let locked: Option<Uuid> =
        sqlx::query_scalar("select playlistid from playlists where playlistid = $1 for update")
            .bind(playlist)
            .fetch_optional(&mut *tx)
            .await?;
    locked.ok_or(LibraryError::PlaylistNotFound)?;
    Ok(
        sqlx::query_scalar("select count(*) from playlistitems where playlistid = $1")
            .bind(playlist)
            .fetch_one(&mut *tx)
            .await?,
    )
}

/// Moves the items at positions `from..to` by `delta`. UNIQUE(PlaylistID, Position) is
/// checked row by row, so the rows first go to distinct negative places, then to their new
/// ones.
async fn shift(
    tx: &mut PgConnection,
    playlist: Uuid,
    from: i32,
    to: i32,
    delta: i32,
) -> sqlx::Result<()> {
    sqlx::query("update playlistitems set position = -position - 1 where playlistid = $1 and position >= $2 and position < $3")
        .bind(playlist)
        .bind(from)
        .bind(to)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update playlistitems set position = -position - 1 + $2 where playlistid = $1 and position < 0 and position > $3")
        .bind(playlist)
        .bind(delta)
        .bind(PARKED)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

async fn position_of(
    tx: &mut PgConnection,
    playlist: Uuid,
    song: Uuid,
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar("select position from playlistitems where playlistid = $1 and songid = $2")
        .bind(playlist)
        .bind(song)
        .fetch_optional(&mut *tx)
        .await
}

/// Adds `song` (which the caller checked exists) at `position` (default: the end); answers
/// the position it took.
pub async fn add(
    db: &PgPool,
    playlist: Uuid,
    song: Uuid,
    position: Option<i64>,
) -> Result<i32, LibraryError> {
    let mut tx = db.begin().await?;
    let count = lock(&mut tx, playlist).await?;
    if position_of(&mut tx, playlist, song).await?.is_some() {
        return Err(LibraryError::AlreadyInPlaylist);
    }
    if count >= MAX_ITEMS {
        return Err(LibraryError::PlaylistFull);
    }
    let at = position.unwrap_or(count);
    if !(0..=count).contains(&at) {
        return Err(LibraryError::BadPosition { items: count });
    }
    let at = at as i32;
    shift(&mut tx, playlist, at, count as i32, 1).await?;
    sqlx::query("insert into playlistitems (playlistid, songid, position) values ($1, $2, $3)")
        .bind(playlist)
        .bind(song)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, playlist).await?;
    tx.commit().await?;
    Ok(at)
}

/// Moves `song` to `to`, the others closing up around it.
pub async fn move_to(
    db: &PgPool,
    playlist: Uuid,
    song: Uuid,
    to: i64,
) -> Result<i32, LibraryError> {
    let mut tx = db.begin().await?;
    let count = lock(&mut tx, playlist).await?;
    let from = position_of(&mut tx, playlist, song)
        .await?
        .ok_or(LibraryError::NotInPlaylist)?;
    if !(0..count).contains(&to) {
        return Err(LibraryError::BadPosition { items: count });
    }
    let to = to as i32;
    if to != from {
        sqlx::query("update playlistitems set position = $3 where playlistid = $1 and songid = $2")
            .bind(playlist)
            .bind(song)
            .bind(PARKED)
            .execute(&mut *tx)
            .await?;
        if to < from {
            shift(&mut tx, playlist, to, from, 1).await?;
        } else {
            shift(&mut tx, playlist, from + 1, to + 1, -1).await?;
        }
        sqlx::query("update playlistitems set position = $3 where playlistid = $1 and songid = $2")
            .bind(playlist)
            .bind(song)
            .bind(to)
            .execute(&mut *tx)
            .await?;
        touch(&mut tx, playlist).await?;
    }
    tx.commit().await?;
    Ok(to)
}

pub async fn remove(db: &PgPool, playlist: Uuid, song: Uuid) -> Result<(), LibraryError> {
    let mut tx = db.begin().await?;
    let count = lock(&mut tx, playlist).await?;
    let at = position_of(&mut tx, playlist, song)
        .await?
        .ok_or(LibraryError::NotInPlaylist)?;
    sqlx::query("delete from playlistitems where playlistid = $1 and songid = $2")
        .bind(playlist)
        .bind(song)
        .execute(&mut *tx)
        .await?;
    shift(&mut tx, playlist, at + 1, count as i32, -1).await?;
    touch(&mut tx, playlist).await?;
    tx.commit().await?;
    Ok(())
}

/// The playlist changed: its UpdatedAt moves (by the seed's trigger).
async fn touch(tx: &mut PgConnection, playlist: Uuid) -> sqlx::Result<()> {
    sqlx::query("update playlists set title = title where playlistid = $1")
        .bind(playlist)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
