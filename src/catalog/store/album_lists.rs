//! Lists of albums: the filters and sorts `GET /albums` and Subsonic's album lists take, their
//! keyset cursors, and the SQL that names only the filters asked for.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::albums::{AlbumRow, SELECT};

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
