//! Albums rows with their artists, song count, length and genres, as the API shows them; the
//! album an upload joins; album edits and deletes.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

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

const SELECT: &str = "
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

/// How a list of albums is filtered and ordered.
#[derive(Debug, Default, Clone)]
pub struct AlbumFilter {
    pub artist: Option<Uuid>,
    pub owner: Option<Uuid>,
    /// A genre's match key.
    pub genre: Option<String>,
    pub year: Option<i32>,
    /// Released within these years, both included.
    pub years: Option<(i32, i32)>,
    pub sort: AlbumSort,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AlbumSort {
    #[default]
    Newest,
    Popular,
    Title,
    Year,
    /// By the first album artist's name, then title: Subsonic's alphabeticalByArtist.
    Artist,
}

/// Where the previous page ended: the sort's value and the id.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AlbumCursor {
    pub created: Option<DateTime<Utc>>,
    pub plays: Option<i64>,
    pub title: Option<String>,
    pub year: Option<YearPosition>,
    /// With `title`, for the artist order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artist: Option<String>,
    pub id: Uuid,
}

/// Where a page sorted by year ended. An album without a year is its own case rather than a
/// null, because a null in the cursor's JSON reads back as "no year sort position at all".
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearPosition {
    Year(i32),
    /// Among the albums without a year, which come last.
    Yearless,
}

impl AlbumCursor {
    pub fn after(row: &AlbumRow, sort: AlbumSort) -> Self {
        let mut cursor = Self {
            created: None,
            plays: None,
            title: None,
            year: None,
            artist: None,
            id: row.albumid,
        };
        match sort {
            AlbumSort::Newest => cursor.created = Some(row.createdat),
            AlbumSort::Popular => cursor.plays = Some(row.playcount),
            AlbumSort::Title => cursor.title = Some(row.title.to_lowercase()),
            AlbumSort::Artist => {
                cursor.artist = Some(row.artistkey.clone());
                cursor.title = Some(row.title.to_lowercase());
            }
            AlbumSort::Year => {
                cursor.year = Some(match row.releaseyear {
                    Some(year) => YearPosition::Year(year),
                    None => YearPosition::Yearless,
                })
            }
        }
        cursor
    }
}

/// Fewer songs than this carry a rare genre.
const RARE_GENRE_SONGS: i64 = 5_000;

/// Whether fewer than `RARE_GENRE_SONGS` songs carry the genre: counted on the genre's index,
/// no further than that.
async fn is_rare(db: &PgPool, genre: Uuid) -> sqlx::Result<bool> {
    let songs: i64 = sqlx::query_scalar(
        "select count(*) from (select 1 from songgenres where genreid = $1 limit $2) carried",
    )
    .bind(genre)
    .bind(RARE_GENRE_SONGS)
    .fetch_one(db)
    .await?;
    Ok(songs < RARE_GENRE_SONGS)
}

/// The genre whose match key is `key`.
async fn genre_id(db: &PgPool, key: &str) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar("select genreid from genres where matchkey = $1")
        .bind(key)
        .fetch_optional(db)
        .await
}

/// One page of albums, keyset-paged on the sort's index (migrations 11 and 16).
pub async fn list(
    db: &PgPool,
    filter: &AlbumFilter,
    after: Option<&AlbumCursor>,
    limit: i64,
) -> sqlx::Result<Vec<AlbumRow>> {
    // A genre nobody has names no album: answered without a scan.
    let genre = match &filter.genre {
        Some(key) => match genre_id(db, key).await? {
            Some(id) => Some(id),
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    // Every order, keyset and filter condition is fixed SQL chosen by the code; only values
    // are bound. $5 is the cursor's id, $6.. its sort value.
    let (order, keyset) = match filter.sort {
        AlbumSort::Newest => (
            "a.createdat desc, a.albumid desc",
            "(a.createdat, a.albumid) < ($6, $5)",
        ),
        AlbumSort::Popular => (
            "a.playcount desc, a.albumid desc",
            "(a.playcount, a.albumid) < ($7, $5)",
        ),
        AlbumSort::Title => (
            "lower(a.title), a.albumid",
            "(lower(a.title), a.albumid) > ($8, $5)",
        ),
        AlbumSort::Artist => (
            "a.artistkey, lower(a.title), a.albumid",
            "(a.artistkey, lower(a.title), a.albumid) > ($14, $8, $5)",
        ),
        // Albums without a year come last, as in the index.
        AlbumSort::Year => (
            "a.releaseyear desc nulls last, a.albumid desc",
            "(case when $10 then a.releaseyear is null and a.albumid < $5
                   else a.releaseyear is null
                        or (a.releaseyear, a.albumid) < ($9, $5) end)",
        ),
    };
    // A filter left out is `$n is null`, not `($n is null or …)`: the planner then sees each
    // condition as it is (a semi-join it can drive from an index), where the `or` form
    // made it hash every song of a common genre on every page.
    let artist_condition = if filter.artist.is_some() {
        "exists (select 1 from albumartists x where x.albumid = a.albumid and x.artistid = $1)"
    } else {
        "$1::uuid is null"
    };
    // A common genre is checked album by album in the list's order, where its albums come
    // soon. For a rare one the same check is written so that PostgreSQL may hash the
    // genre's few albums once instead (its "or" form allows a hashed sub-plan). Either form
    // costs tens of times more in the other case (bench/README.md).
    let genre_condition = match genre {
        Some(id) if is_rare(db, id).await? => {
            "($3::uuid is null or exists (select 1 from songs s join songgenres sg on sg.songid = s.songid
                                           where s.albumid = a.albumid and sg.genreid = $3))"
        }
        Some(_) => {
            "exists (select 1 from songs s join songgenres sg on sg.songid = s.songid
                      where s.albumid = a.albumid and sg.genreid = $3)"
        }
        None => "$3::uuid is null",
    };
    let sql = format!(
        "{SELECT}
          where {artist_condition}
            and ($2::uuid is null or a.ownerid = $2)
            and {genre_condition}
            and ($4::int is null or a.releaseyear = $4)
            and ($12::int is null or a.releaseyear between $12 and $13)
            and ($5::uuid is null or {keyset})
          order by {order}
          limit $11"
    );
    let year = after.and_then(|c| c.year);
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(filter.artist)
        .bind(filter.owner)
        .bind(genre)
        .bind(filter.year)
        .bind(after.map(|c| c.id))
        .bind(after.and_then(|c| c.created))
        .bind(after.and_then(|c| c.plays).unwrap_or(0))
        .bind(after.and_then(|c| c.title.clone()).unwrap_or_default())
        .bind(match year {
            Some(YearPosition::Year(year)) => year,
            _ => 0,
        })
        .bind(matches!(year, Some(YearPosition::Yearless)))
        .bind(limit)
        .bind(filter.years.map(|(from, _)| from))
        .bind(filter.years.map(|(_, to)| to))
        .bind(after.and_then(|c| c.artist.clone()).unwrap_or_default())
        .fetch_all(db)
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
