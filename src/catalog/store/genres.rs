//! Genres: free text from tags and forms, one row per name as people mean it, and the songs
//! that carry each.

use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::media::names::match_key;

/// Gives `song` exactly `names` as its genres, in order, making the genres that are new.
pub async fn set_song_genres(
    db: &mut PgConnection,
    song: Uuid,
    names: &[String],
) -> sqlx::Result<()> {
    sqlx::query("delete from songgenres where songid = $1")
        .bind(song)
        .execute(&mut *db)
        .await?;
    if names.is_empty() {
        return Ok(());
    }
    let keys: Vec<String> = names.iter().map(|n| match_key(n)).collect();
    // The first spelling of a genre names it; later ones match it by key. A no-op update on
    // conflict makes `returning` answer existing rows too.
    sqlx::query(
        "with wanted as (
             select name, key, position - 1 as position
               from unnest($2::text[], $3::text[]) with ordinality as w(name, key, position)),
           upserted as (
             insert into genres (name, matchkey)
             select distinct on (key) name, key from wanted order by key, position
             on conflict (matchkey) do update set matchkey = excluded.matchkey
             returning genreid, matchkey)
         insert into songgenres (songid, genreid, position)
         select distinct on (u.genreid) $1, u.genreid, w.position
           from wanted w join upserted u on u.matchkey = w.key
          order by u.genreid, w.position",
    )
    .bind(song)
    .bind(names)
    .bind(&keys)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// A genre with how many songs and albums carry it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GenreRow {
    pub name: String,
    pub matchkey: String,
    pub songcount: i64,
    pub albumcount: i64,
}

/// Every genre some song carries, the most used first.
pub async fn list(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<GenreRow>> {
    sqlx::query_as(
        "select g.name, g.matchkey, count(*) as songcount,
                count(distinct s.albumid) as albumcount
           from genres g join songgenres sg on sg.genreid = g.genreid
           join songs s on s.songid = sg.songid
          group by g.genreid, g.name, g.matchkey
          order by count(*) desc, g.name
          limit $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await
}
