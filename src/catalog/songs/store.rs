//! Songs rows with their credits, owner and renditions, as the API shows them.

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
}

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
                 order by r.bitrate desc)::text[] as renditions
      from songs s join users u on u.userid = s.ownerid";

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

/// Adds or changes a credit. False when the artist does not exist.
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

/// How a list of songs is filtered and ordered.
#[derive(Debug, Default, Clone)]
pub struct SongFilter {
    pub category: Option<String>,
    pub owner: Option<Uuid>,
    pub artist: Option<Uuid>,
    /// Only songs uploaded by people this user follows (the feed).
    pub followed_by: Option<Uuid>,
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
pub async fn list(
    db: &PgPool,
    filter: &SongFilter,
    after: Option<&SongCursor>,
    limit: i64,
) -> sqlx::Result<Vec<SongRow>> {
    // Both orders and every filter are fixed SQL; only values are bound.
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
    let sql = format!(
        "{}
          where ($1::text is null or s.category = $1)
            and ($2::uuid is null or s.ownerid = $2)
            and ($3::uuid is null or exists (select 1 from artistsongs x
                                              where x.songid = s.songid and x.artistid = $3))
            and ($8::uuid is null or s.ownerid in (select followingid from userfollowers
                                                    where followerid = $8))
            and {keyset}
          order by {order}
          limit $4",
        select_sql()
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(filter.category.as_deref())
        .bind(filter.owner)
        .bind(filter.artist)
        .bind(limit)
        .bind(after.map(|c| c.id))
        .bind(after.and_then(|c| c.created))
        .bind(after.and_then(|c| c.plays).unwrap_or(0))
        .bind(filter.followed_by)
        .fetch_all(db)
        .await
}
