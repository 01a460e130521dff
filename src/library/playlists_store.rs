//! Playlists and their ordered items. Positions are dense and 0-based; every change to a
//! playlist's items locks its Playlists row first, so concurrent edits of one playlist queue
//! up while edits of different playlists run side by side.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Most songs one playlist may hold.
pub const MAX_ITEMS: i64 = 10_000;
/// Where a song is parked while the others shift (never a real position).
const PARKED: i32 = -1_000_000_000;

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

/// What changing a playlist's items can run into.
#[derive(Debug, thiserror::Error)]
pub enum ItemError {
    #[error("no such playlist")]
    PlaylistNotFound,
    #[error("no such song")]
    SongNotFound,
    #[error("the song is not in the playlist")]
    NotInPlaylist,
    #[error("the song is in the playlist already")]
    AlreadyThere,
    #[error("position out of range")]
    BadPosition { items: i64 },
    #[error("the playlist is full")]
    Full,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

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

/// Items in order, from `from_position` on.
pub async fn items(
    db: &PgPool,
    playlist: Uuid,
    from_position: i32,
    limit: i64,
) -> sqlx::Result<Vec<(i32, Uuid, DateTime<Utc>)>> {
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
async fn lock(tx: &mut PgConnection, playlist: Uuid) -> Result<i64, ItemError> {
    let locked: Option<Uuid> =
        sqlx::query_scalar("select playlistid from playlists where playlistid = $1 for update")
            .bind(playlist)
            .fetch_optional(&mut *tx)
            .await?;
    locked.ok_or(ItemError::PlaylistNotFound)?;
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

/// Adds `song` at `position` (default: the end); answers the position it took.
pub async fn add(
    db: &PgPool,
    playlist: Uuid,
    song: Uuid,
    position: Option<i64>,
) -> Result<i32, ItemError> {
    let mut tx = db.begin().await?;
    let count = lock(&mut tx, playlist).await?;
    let exists: bool = sqlx::query_scalar("select exists (select 1 from songs where songid = $1)")
        .bind(song)
        .fetch_one(&mut *tx)
        .await?;
    if !exists {
        return Err(ItemError::SongNotFound);
    }
    if position_of(&mut tx, playlist, song).await?.is_some() {
        return Err(ItemError::AlreadyThere);
    }
    if count >= MAX_ITEMS {
        return Err(ItemError::Full);
    }
    let at = position.unwrap_or(count);
    if !(0..=count).contains(&at) {
        return Err(ItemError::BadPosition { items: count });
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
pub async fn move_item(db: &PgPool, playlist: Uuid, song: Uuid, to: i64) -> Result<i32, ItemError> {
    let mut tx = db.begin().await?;
    let count = lock(&mut tx, playlist).await?;
    let from = position_of(&mut tx, playlist, song)
        .await?
        .ok_or(ItemError::NotInPlaylist)?;
    if !(0..count).contains(&to) {
        return Err(ItemError::BadPosition { items: count });
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

pub async fn remove(db: &PgPool, playlist: Uuid, song: Uuid) -> Result<(), ItemError> {
    let mut tx = db.begin().await?;
    let count = lock(&mut tx, playlist).await?;
    let at = position_of(&mut tx, playlist, song)
        .await?
        .ok_or(ItemError::NotInPlaylist)?;
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
