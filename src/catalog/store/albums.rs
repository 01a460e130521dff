//! Albums rows with their artists, song count, length and genres, as the API shows them; the
//! album an upload joins; album edits and deletes.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

// Lists live in album_lists.rs; named here too, so that callers find one albums store.
pub use super::album_lists::{AlbumCursor, AlbumFilter, AlbumSort, list};

/// An album as read for an answer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AlbumRow {
    pub albumid: Uuid,
    pub title: String,
    /// The title's and album artists' match keys (see `upload/tagged.rs`).
    pub matchkey: String,
    pub about: Option<String>,
    pub releaseyear: Option<i32>,
    pub releasedate: Option<NaiveDate>,
    pub posterpublicid: Option<String>,
    pub ownerid: Uuid,
    pub ownername: String,
    pub playcount: i64,
    pub albumgain: Option<f32>,
    pub albumpeak: Option<f32>,
    pub createdat: DateTime<Utc>,
    pub updatedat: DateTime<Utc>,
    /// `[{"ArtistID", "Name", "Role"}]` in credit order.
    pub artists: serde_json::Value,
    pub songcount: i64,
    /// Seconds, over every song.
    pub duration: i64,
    /// Its songs' genres, the most common first.
    pub genres: Vec<String>,
    /// The first album artist's name in lower case (empty without one): the artist order,
    /// kept by migration 16's triggers.
    pub artistkey: String,
}

pub(super) const SELECT: &str = "
    select a.albumid, a.title, a.matchkey, a.about, a.releaseyear, a.releasedate, a.posterpublicid,
           a.ownerid, u.name as ownername, a.playcount, a.albumgain, a.albumpeak,
           a.createdat, a.updatedat,
           coalesce((select json_agg(json_build_object('ArtistID', ar.artistid, 'Name', ar.name,
                                                       'Role', x.role)
                                     order by x.position, ar.name, ar.artistid)
                       from albumartists x join artists ar on ar.artistid = x.artistid
                      where x.albumid = a.albumid), '[]'::json) as artists,
           (select count(*) from songs s where s.albumid = a.albumid) as songcount,
           (select coalesce(sum(s.duration), 0) from songs s where s.albumid = a.albumid)::bigint
               as duration,
           array(select g.name from songs s join songgenres sg on sg.songid = s.songid
                   join genres g on g.genreid = sg.genreid
                  where s.albumid = a.albumid
                  group by g.genreid, g.name order by count(*) desc, g.name limit 10)::text[]
               as genres, a.artistkey
      from albums a join users u on u.userid = a.ownerid";

pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<AlbumRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} where a.albumid = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The albums among `ids` that exist, in no particular order.
pub async fn find_many(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<Vec<AlbumRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} where a.albumid = any($1)"
    )))
    .bind(ids)
    .fetch_all(db)
    .await
}

/// The album's songs' ids in play order: disc, then track, unnumbered ones last by upload.
pub async fn song_ids(db: impl PgExecutor<'_>, album: Uuid) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "select songid from songs where albumid = $1
          order by discnumber nulls first, tracknumber nulls last, createdat, songid",
    )
    .bind(album)
    .fetch_all(db)
    .await
}

/// The owner of an album, if it exists.
pub async fn owner(db: impl PgExecutor<'_>, album: Uuid) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar("select ownerid from albums where albumid = $1")
        .bind(album)
        .fetch_optional(db)
        .await
}

/// What an upload's tags (or form) say about the album it belongs to.
pub struct AlbumClaim<'a> {
    pub title: &'a str,
    /// `media::names::match_key` of the title and album artists together.
    pub match_key: &'a str,
    pub year: Option<i32>,
    pub date: Option<NaiveDate>,
    pub album_gain: Option<f32>,
    pub album_peak: Option<f32>,
}

/// The owner's album with the claim's key, made when there is none yet. Two uploads of one
/// album at once both land in the one row the unique (owner, key) index allows. The second
/// value says whether this call made it.
pub async fn find_or_create(
    db: &mut PgConnection,
    owner: Uuid,
    claim: &AlbumClaim<'_>,
) -> sqlx::Result<(Uuid, bool)> {
    // A no-op update on conflict returns the existing row; year, date and gains fill in only
    // where the album lacks them.
    sqlx::query_as(
        "insert into albums (title, matchkey, ownerid, releaseyear, releasedate, albumgain,
                             albumpeak)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (ownerid, matchkey) do update
            set releaseyear = coalesce(albums.releaseyear, excluded.releaseyear),
                releasedate = coalesce(albums.releasedate, excluded.releasedate),
                albumgain = coalesce(albums.albumgain, excluded.albumgain),
                albumpeak = coalesce(albums.albumpeak, excluded.albumpeak)
         returning albumid, (xmax = 0) as created",
    )
    .bind(claim.title)
    .bind(claim.match_key)
    .bind(owner)
    .bind(claim.year)
    .bind(claim.date)
    .bind(claim.album_gain)
    .bind(claim.album_peak)
    .fetch_one(db)
    .await
}

/// Credits `artist` on `album` at `position` unless it already is.
pub async fn add_artist(
    db: impl PgExecutor<'_>,
    album: Uuid,
    artist: Uuid,
    role: &str,
    position: i16,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into albumartists (albumid, artistid, role, position) values ($1, $2, $3, $4)
         on conflict (albumid, artistid) do nothing",
    )
    .bind(album)
    .bind(artist)
    .bind(role)
    .bind(position)
    .execute(db)
    .await?;
    Ok(())
}

/// What an album edit changes; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct AlbumChanges<'a> {
    pub title: Option<&'a str>,
    pub match_key: Option<&'a str>,
    pub about: Option<Option<&'a str>>,
    pub year: Option<Option<i32>>,
}

/// Applies `changes`. False when the album is gone. A new title that collides with another
/// of the owner's albums is a unique violation for the caller to answer.
pub async fn update(db: &PgPool, id: Uuid, changes: &AlbumChanges<'_>) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update albums set title = coalesce($2, title),
                           matchkey = coalesce($3, matchkey),
                           about = case when $4 then $5 else about end,
                           releaseyear = case when $6 then $7 else releaseyear end,
                           updatedat = now()
          where albumid = $1",
    )
    .bind(id)
    .bind(changes.title)
    .bind(changes.match_key)
    .bind(changes.about.is_some())
    .bind(changes.about.flatten())
    .bind(changes.year.is_some())
    .bind(changes.year.flatten())
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_poster(
    db: impl PgExecutor<'_>,
    id: Uuid,
    url: Option<&str>,
    key: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update albums set posterurl = $2, posterpublicid = $3, updatedat = now()
          where albumid = $1",
    )
    .bind(id)
    .bind(url)
    .bind(key)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn has_poster(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from albums where albumid = $1 and posterpublicid is not null)",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

/// Sets the poster unless the album has one already (or is gone); false then.
pub async fn set_poster_if_none(
    db: impl PgExecutor<'_>,
    id: Uuid,
    url: &str,
    key: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update albums set posterurl = $2, posterpublicid = $3
          where albumid = $1 and posterpublicid is null",
    )
    .bind(id)
    .bind(url)
    .bind(key)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the album and, when asked, its songs, in one transaction: either way nothing
/// points at an album that is gone (kept songs become singles by the foreign key's
/// `on delete set null`). The files of what went are queued for removal by the tables'
/// triggers (migrations 10 and 11). False when the album was already gone.
pub async fn delete(db: &PgPool, id: Uuid, with_songs: bool) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    if with_songs {
        // The album owner's songs: one placed there by an administrator from someone else's
        // uploads stays, as a single.
        sqlx::query(
            "delete from songs where albumid = $1
                and ownerid = (select ownerid from albums where albumid = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let done = sqlx::query("delete from albums where albumid = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Puts a song on an album at a place, or takes it off (`album` None).
pub async fn place_song(
    db: impl PgExecutor<'_>,
    song: Uuid,
    album: Option<Uuid>,
    disc: Option<i16>,
    track: Option<i16>,
) -> sqlx::Result<()> {
    sqlx::query(
        "update songs set albumid = $2, discnumber = $3, tracknumber = $4, updatedat = now()
          where songid = $1",
    )
    .bind(song)
    .bind(album)
    .bind(disc)
    .bind(track)
    .execute(db)
    .await?;
    Ok(())
}
