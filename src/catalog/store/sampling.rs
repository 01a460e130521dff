//! Counting and drawing at random, for players that shuffle a whole library.

use sqlx::PgPool;
use uuid::Uuid;

pub async fn song_count(db: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from songs")
        .fetch_one(db)
        .await
}

/// Past this many rows per song asked for, draws are index probes at random ids rather than
/// a shuffle of the whole table.
const PROBE_ABOVE: i64 = 20;

/// Whether `table` has more than `rows` rows, reading at most one more than that: a whole
/// count read every row (6-10 ms for 100,000 albums, far more for a million songs) to learn
/// that a library is not small. `table` comes from fixed call sites, never from input.
async fn more_rows_than(db: &PgPool, table: &'static str, rows: i64) -> sqlx::Result<bool> {
    let seen: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select count(*) from (select 1 from {table} limit $1) seen"
    )))
    .bind(rows.saturating_add(1))
    .fetch_one(db)
    .await?;
    Ok(seen > rows)
}

/// Up to `count` songs drawn at random, of a genre (match key) and within years when asked.
/// Without a filter, in a big library, each draw is one index probe at a random id (a table
/// of a million rows is never sorted); draws landing on one song are answered once. A small
/// library, or a filtered draw, is shuffled whole, so every song can come up.
pub async fn random_song_ids(
    db: &PgPool,
    count: i64,
    genre: Option<&str>,
    years: Option<(i32, i32)>,
) -> sqlx::Result<Vec<Uuid>> {
    if genre.is_none()
        && years.is_none()
        && more_rows_than(db, "songs", count.saturating_mul(PROBE_ABOVE)).await?
    {
        return sqlx::query_scalar(
            "select distinct pick.songid
               from generate_series(1, $1) as draw(n),
                    lateral (select coalesce(
                               (select s.songid from songs s
                                 where s.songid >= gen_random_uuid() and draw.n > 0
                                 order by s.songid limit 1),
                               (select s.songid from songs s order by s.songid limit 1))
                             as songid) as pick
              where pick.songid is not null",
        )
        .bind(count)
        .fetch_all(db)
        .await;
    }
    sqlx::query_scalar(
        "select s.songid from songs s
          where ($2::text is null or exists (select 1 from songgenres sg
                                               join genres g on g.genreid = sg.genreid
                                              where sg.songid = s.songid and g.matchkey = $2))
            and ($3::int is null or s.releaseyear between $3 and $4)
          order by random() limit $1",
    )
    .bind(count)
    .bind(genre)
    .bind(years.map(|(from, _)| from))
    .bind(years.map(|(_, to)| to))
    .fetch_all(db)
    .await
}

/// Up to `count` albums at random, drawn as songs are.
pub async fn random_album_ids(db: &PgPool, count: i64) -> sqlx::Result<Vec<Uuid>> {
    if !more_rows_than(db, "albums", count.saturating_mul(PROBE_ABOVE)).await? {
        return sqlx::query_scalar("select albumid from albums order by random() limit $1")
            .bind(count)
            .fetch_all(db)
            .await;
    }
    sqlx::query_scalar(
        "select distinct pick.albumid
           from generate_series(1, $1) as draw(n),
                lateral (select coalesce(
                           (select a.albumid from albums a
                             where a.albumid >= gen_random_uuid() and draw.n > 0
                             order by a.albumid limit 1),
                           (select a.albumid from albums a order by a.albumid limit 1))
                         as albumid) as pick
          where pick.albumid is not null",
    )
    .bind(count)
    .fetch_all(db)
    .await
}
