//! Songs rows with their credits, owner and renditions, as the API shows them; the writes to
//! them (a new song, its poster, its metadata, its plays) and the object a stream serves.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// A song as read for an answer: the SongsWithArtists shape plus owner and file facts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SongRow {
    pub songid: Uuid,
    pub title: String,
    pub about: Option<String>,
    pub duration: Option<i32>,
    pub category: Option<String>,
    pub fileurl: String,
    pub filepublicid: String,
    pub fileformat: Option<String>,
    pub filesize: Option<i64>,
    pub contenttype: Option<String>,
    pub posterurl: Option<String>,
    pub posterpublicid: Option<String>,
    pub ownerid: Uuid,
    pub ownername: String,
    pub playcount: Option<i64>,
    pub likecount: i64,
    pub createdat: DateTime<Utc>,
    pub updatedat: DateTime<Utc>,
    /// `[{"ArtistID", "Name", "Role"}]`, as in the SongsWithArtists view.
    pub artists: serde_json::Value,
    pub renditions: Vec<String>,
    pub albumid: Option<Uuid>,
    pub albumtitle: Option<String>,
    pub discnumber: Option<i16>,
    pub tracknumber: Option<i16>,
    pub releaseyear: Option<i32>,
    pub composer: Option<String>,
    pub trackgain: Option<f32>,
    pub trackpeak: Option<f32>,
    pub albumgain: Option<f32>,
    pub albumpeak: Option<f32>,
    /// In the order the tags or the uploader gave them.
    pub genres: Vec<String>,
}

/// Each genre's name is looked up on its own: as a join, PostgreSQL hashed the whole genres
/// table again for every song (half of a 500-song page's time).
const SELECT: &str = "
    select s.songid, s.title, s.about, s.duration, s.category, s.fileurl, s.filepublicid,
           s.fileformat, s.filesize, s.contenttype, s.posterurl, s.posterpublicid, s.ownerid,
           u.name as ownername, s.playcount,
           (select count(*) from likes l where l.songid = s.songid) as likecount,
           s.createdat, s.updatedat,
           coalesce((select json_agg(json_build_object('ArtistID', a.artistid, 'Name', a.name,
                                                       'Role', x.role)
                                     order by array_position($ROLES, x.role::text),
                                              x.createdat, a.name, a.artistid)
                       from artistsongs x join artists a on a.artistid = x.artistid
                      where x.songid = s.songid), '[]'::json) as artists,
           array(select r.quality from songrenditions r where r.songid = s.songid
                 order by r.bitrate desc)::text[] as renditions,
           s.albumid, al.title as albumtitle, s.discnumber, s.tracknumber, s.releaseyear,
           s.composer, s.trackgain, s.trackpeak, al.albumgain, al.albumpeak,
           array(select (select g.name from genres g where g.genreid = sg.genreid)
                   from songgenres sg
                  where sg.songid = s.songid order by sg.position)::text[] as genres
      from songs s join users u on u.userid = s.ownerid
      left join albums al on al.albumid = s.albumid";

/// The credits' order: by role as listed in `credits::ROLES` (Primary first), then as added.
fn select_sql() -> String {
    let roles = crate::catalog::credits::ROLES
        .iter()
        .map(|role| format!("'{role}'"))
        .collect::<Vec<_>>()
        .join(", ");
    SELECT.replace("$ROLES", &format!("array[{roles}]"))
}

pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<SongRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} where s.songid = $1",
        select_sql()
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn exists(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar("select exists (select 1 from songs where songid = $1)")
        .bind(id)
        .fetch_one(db)
        .await
}

/// Several songs by id, in one query.
pub async fn find_many(
    db: &PgPool,
    ids: &[Uuid],
) -> sqlx::Result<std::collections::HashMap<Uuid, SongRow>> {
    let rows: Vec<SongRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} where s.songid = any($1)",
        select_sql()
    )))
    .bind(ids)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|row| (row.songid, row)).collect())
}

/// What a new song row holds.
pub struct NewSong<'a> {
    pub id: Uuid,
    pub title: &'a str,
    pub about: Option<&'a str>,
    pub duration: i32,
    pub category: &'a str,
    pub file_url: &'a str,
    pub file_key: &'a str,
    pub file_format: &'a str,
    pub file_size: i64,
    pub content_type: &'a str,
    pub owner: Uuid,
}

pub async fn insert(db: impl PgExecutor<'_>, song: &NewSong<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "insert into songs (songid, title, about, duration, category, fileurl, filepublicid,
                            fileformat, filesize, contenttype, ownerid)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(song.id)
    .bind(song.title)
    .bind(song.about)
    .bind(song.duration)
    .bind(song.category)
    .bind(song.file_url)
    .bind(song.file_key)
    .bind(song.file_format)
    .bind(song.file_size)
    .bind(song.content_type)
    .bind(song.owner)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_poster(
    db: impl PgExecutor<'_>,
    id: Uuid,
    url: Option<&str>,
    key: Option<&str>,
) -> sqlx::Result<bool> {
    let done =
        sqlx::query("update songs set posterurl = $2, posterpublicid = $3 where songid = $1")
            .bind(id)
            .bind(url)
            .bind(key)
            .execute(db)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn update(
    db: &PgPool,
    id: Uuid,
    title: Option<&str>,
    about: Option<Option<&str>>,
    category: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update songs set title = coalesce($2, title),
                          about = case when $3 then $4 else about end,
                          category = coalesce($5, category)
          where songid = $1",
    )
    .bind(id)
    .bind(title)
    .bind(about.is_some())
    .bind(about.flatten())
    .bind(category)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(db: &PgPool, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from songs where songid = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How a list of songs is filtered and ordered.
#[derive(Debug, Default, Clone)]
pub struct SongFilter {
    pub category: Option<String>,
    pub owner: Option<Uuid>,
    pub artist: Option<Uuid>,
    /// Only songs uploaded by people this user follows (the feed).
    pub followed_by: Option<Uuid>,
    /// Only songs of this genre (its `media::names::match_key`).
    pub genre: Option<String>,
    pub popular: bool,
}

/// Where the previous page ended: (sort value, id).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SongCursor {
    pub created: Option<DateTime<Utc>>,
    pub plays: Option<i64>,
    pub id: Uuid,
}

/// One page of songs, keyset-paged on (CreatedAt, SongID) or (PlayCount, SongID).
/// A song's place in a list: its id and what the lists are ordered by.
#[derive(Debug, sqlx::FromRow)]
pub struct SongPosition {
    pub songid: Uuid,
    pub createdat: DateTime<Utc>,
    pub playcount: Option<i64>,
}

const POSITIONS: &str = "select s.songid, s.createdat, s.playcount from songs s";

/// One page of a list, as the songs' places only: their answers are read by id afterwards
/// (`answers.rs`), so each song's row, credits and genres are put together once, not twice
/// (a 500-song Subsonic sync page spent 24 of its 50 ms in PostgreSQL doing it twice).
pub async fn list(
    db: &PgPool,
    filter: &SongFilter,
    after: Option<&SongCursor>,
    limit: i64,
) -> sqlx::Result<Vec<SongPosition>> {
    let sql = list_sql(filter, POSITIONS, "limit $4");
    bind_list(
        sqlx::query_as(sqlx::AssertSqlSafe(sql)),
        filter,
        after,
        limit,
    )
    .fetch_all(db)
    .await
}

/// Where a list is `skip` rows after `after`: that row's position and the next one's (none
/// past the end). Reads the order's index only, for walking far into a list.
pub async fn positions_after(
    db: &PgPool,
    filter: &SongFilter,
    after: Option<&SongCursor>,
    skip: i64,
) -> sqlx::Result<Vec<SongPosition>> {
    let sql = list_sql(filter, POSITIONS, "offset $10 limit $4");
    bind_list(sqlx::query_as(sqlx::AssertSqlSafe(sql)), filter, after, 2)
        .bind(skip.max(1) - 1)
        .fetch_all(db)
        .await
}

/// A list's statement: `select` (aliasing songs as `s`), the filter, the keyset after the
/// cursor, the order, and `tail` (its limit, perhaps an offset). Both orders and every
/// filter are fixed SQL; only values are bound (`bind_list`, then $10).
fn list_sql(filter: &SongFilter, select: &str, tail: &str) -> String {
    let order = if filter.popular {
        "coalesce(s.playcount, 0) desc, s.songid desc"
    } else {
        "s.createdat desc, s.songid desc"
    };
    let keyset = if filter.popular {
        "($5::uuid is null or (coalesce(s.playcount, 0), s.songid) < ($7, $5))"
    } else {
        "($5::uuid is null or (s.createdat, s.songid) < ($6, $5))"
    };
    // An artist's page is written as a plain `in (…)` when asked for, so that PostgreSQL can
    // start from the artist's credits (its statistics on ArtistSongs.ArtistID say how many)
    // and sort them. Behind `$3 is null or …` it could only walk the whole order's index and
    // test each song: half a million songs for one artist's page at a million (156 ms; 3 ms
    // this way). Genres stay in the tested form: through the join to Genres the planner cannot
    // tell a rare genre from a common one, and a common one is found soonest in list order.
    let artist = if filter.artist.is_some() {
        "s.songid in (select x.songid from artistsongs x where x.artistid = $3)"
    } else {
        "$3::uuid is null"
    };
    format!(
        "{select}
          where ($1::text is null or s.category = $1)
            and ($2::uuid is null or s.ownerid = $2)
            and {artist}
            and ($9::text is null or exists (select 1 from songgenres sg
                                               join genres g on g.genreid = sg.genreid
                                              where sg.songid = s.songid and g.matchkey = $9))
            and ($8::uuid is null or s.ownerid in (select followingid from userfollowers
                                                    where followerid = $8))
            and {keyset}
          order by {order}
          {tail}"
    )
}

fn bind_list<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    filter: &'q SongFilter,
    after: Option<&SongCursor>,
    limit: i64,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    query
        .bind(filter.category.as_deref())
        .bind(filter.owner)
        .bind(filter.artist)
        .bind(limit)
        .bind(after.map(|c| c.id))
        .bind(after.and_then(|c| c.created))
        .bind(after.and_then(|c| c.plays).unwrap_or(0))
        .bind(filter.followed_by)
        .bind(filter.genre.as_deref())
}

/// What a stream of one quality serves: the original's key and type, and the rendition's
/// when that quality is ready.
#[derive(sqlx::FromRow)]
pub struct StreamSource {
    pub original: String,
    pub original_type: Option<String>,
    pub rendition: Option<String>,
    pub rendition_type: Option<String>,
}

/// One light query per stream request (players ask for many ranges).
pub async fn stream_source(
    db: &PgPool,
    song: Uuid,
    quality: &str,
) -> sqlx::Result<Option<StreamSource>> {
    sqlx::query_as(
        "select s.filepublicid as original, s.contenttype as original_type,
                r.objectkey as rendition, r.contenttype as rendition_type
           from songs s
           left join songrenditions r on r.songid = s.songid and r.quality = $2
          where s.songid = $1",
    )
    .bind(song)
    .bind(quality)
    .fetch_optional(db)
    .await
}

/// Adds each song's plays to its count, in one statement; songs deleted meanwhile are passed
/// over.
pub async fn add_plays(db: &PgPool, songs: &[Uuid], plays: &[i64]) -> sqlx::Result<()> {
    sqlx::query(
        "with counted as (
             update songs s set playcount = coalesce(s.playcount, 0) + b.plays
               from unnest($1::uuid[], $2::bigint[]) as b(songid, plays)
              where s.songid = b.songid
             returning s.albumid, b.plays)
         update albums a set playcount = a.playcount + c.plays
           from (select albumid, sum(plays) as plays from counted
                  where albumid is not null group by albumid) c
          where a.albumid = c.albumid",
    )
    .bind(songs)
    .bind(plays)
    .execute(db)
    .await?;
    Ok(())
}

/// What a song's tags (or form) add to its row; see `upload/tagged.rs`.
#[derive(Debug, Default)]
pub struct TaggedFacts {
    pub album: Option<Uuid>,
    pub disc: Option<i16>,
    pub disc_total: Option<i16>,
    pub track: Option<i16>,
    pub track_total: Option<i16>,
    pub year: Option<i32>,
    pub composer: Option<String>,
    pub track_gain: Option<f32>,
    pub track_peak: Option<f32>,
}

pub async fn set_tagged(
    db: impl PgExecutor<'_>,
    song: Uuid,
    facts: &TaggedFacts,
) -> sqlx::Result<()> {
    sqlx::query(
        "update songs set albumid = $2, discnumber = $3, disctotal = $4, tracknumber = $5,
                          tracktotal = $6, releaseyear = $7, composer = $8, trackgain = $9,
                          trackpeak = $10
          where songid = $1",
    )
    .bind(song)
    .bind(facts.album)
    .bind(facts.disc)
    .bind(facts.disc_total)
    .bind(facts.track)
    .bind(facts.track_total)
    .bind(facts.year)
    .bind(facts.composer.as_deref())
    .bind(facts.track_gain)
    .bind(facts.track_peak)
    .execute(db)
    .await?;
    Ok(())
}
