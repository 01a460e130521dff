//! Writing the catalog's tables: artists, songs (by `COPY` when the table is empty) and
//! playlists with their items.

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use tokio::sync::watch;
use uuid::Uuid;

use super::{
    AfterSongs, BATCH, CountedOnLoad, Db, Mode, SONG_INSERT_TRIGGERS, column, into, load, statement,
};
use crate::import::copy;
use crate::import::ids::sql_is_imported;
use crate::import::plan::{ArtistRow, PlaylistRow, SongRow};
use crate::import::progress::Progress;

pub(super) async fn write_artists(
    db: Db<'_>,
    rows: &[ArtistRow],
    progress: &RefCell<Progress>,
) -> anyhow::Result<CountedOnLoad> {
    load(db, into(&["artists"], BATCH), rows, progress, async |db, rows, mode| {
        let sql = statement(
            mode,
            "insert into artists (artistid, name, userid, createdby, createdat, updatedat)
             select a, n, u, u, c, c from unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[]) as x(a, n, u, c)",
            &format!(
                "on conflict (artistid) do update set name = excluded.name
                 where {} and artists.name is distinct from excluded.name",
                sql_is_imported("artists.artistid")
            ),
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(column(rows, |r| r.id))
            .bind(column(rows, |r| r.name.clone()))
            .bind(column(rows, |r| r.user))
            .bind(column(rows, |r| r.created))
            .execute(db)
            .await?;
        Ok(())
    })
    .await
}

pub(super) async fn write_songs(
    db: Db<'_>,
    rows: &[SongRow],
    users: &watch::Receiver<bool>,
    written: &watch::Sender<bool>,
    progress: &RefCell<Progress>,
) -> anyhow::Result<CountedOnLoad> {
    // Each song with its owner's credit. The songs' search text is written with the song (it
    // names the owner's artist), so the credits' statement trigger finds nothing to rewrite.
    let to = into(&["songs", "artistsongs"], BATCH)
        .replacing(&SONG_INSERT_TRIGGERS)
        .waiting_for(users)
        .announcing_written(written);
    load(db, to, rows, progress, async |db, rows, mode| {
        if mode == Mode::Fresh {
            return copy_songs(db, rows).await;
        }
        let sql = statement(
            mode,
            "insert into songs (songid, title, about, category, fileurl, filepublicid, posterurl, posterpublicid, ownerid, createdat, updatedat, searchtext)
             select i, t, b, c, f, fp, p, pp, o, ca, ua, ampli_normalize(t || ' ' || a) from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::uuid[], $10::timestamptz[], $11::timestamptz[], $12::text[])
                 as x(i, t, b, c, f, fp, p, pp, o, ca, ua, a)",
            &format!(
                "on conflict (songid) do update set
                     title = excluded.title, about = excluded.about, category = excluded.category,
                     fileurl = excluded.fileurl, filepublicid = excluded.filepublicid,
                     posterurl = excluded.posterurl, posterpublicid = excluded.posterpublicid,
                     createdat = excluded.createdat, updatedat = excluded.updatedat
                 where {} and (songs.title, songs.about, songs.category, songs.fileurl, songs.filepublicid, songs.posterurl, songs.posterpublicid, songs.createdat, songs.updatedat)
                       is distinct from (excluded.title, excluded.about, excluded.category, excluded.fileurl, excluded.filepublicid, excluded.posterurl, excluded.posterpublicid, excluded.createdat, excluded.updatedat)",
                sql_is_imported("songs.songid")
            ),
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(column(rows, |r| r.id))
            .bind(column(rows, |r| r.title.clone()))
            .bind(column(rows, |r| r.about.clone()))
            .bind(column(rows, |r| r.category.to_owned()))
            .bind(column(rows, |r| r.file_url.clone()))
            .bind(column(rows, |r| r.file_public_id.clone()))
            .bind(column(rows, |r| r.poster_url.clone()))
            .bind(column(rows, |r| r.poster_public_id.clone()))
            .bind(column(rows, |r| r.owner))
            .bind(column(rows, |r| r.created))
            .bind(column(rows, |r| r.updated))
            .bind(column(rows, |r| r.artist_name.clone()))
            .execute(&mut *db)
            .await?;
        let sql = statement(
            mode,
            "insert into artistsongs (artistid, songid, role, createdat)
             select a, s, 'Primary', c from unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) as x(a, s, c)",
            "on conflict (artistid, songid) do nothing",
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(column(rows, |r| r.artist))
            .bind(column(rows, |r| r.id))
            .bind(column(rows, |r| r.created))
            .execute(db)
            .await?;
        Ok(())
    })
    .await
}

/// Songs and their owners' credits into empty tables, by COPY, each song with its search text
/// (see [`super::search_text`]).
pub(super) async fn copy_songs(db: &mut PgConnection, rows: &[SongRow]) -> anyhow::Result<()> {
    let texts = crate::import::search_text::search_texts(&mut *db, rows).await?;
    let songs: Vec<(&SongRow, &String)> = rows.iter().zip(&texts).collect();
    copy::copy_in(
        &mut *db,
        "copy songs (songid, title, about, category, fileurl, filepublicid, posterurl, posterpublicid,
                     ownerid, createdat, updatedat, searchtext) from stdin (format binary)",
        &songs,
        12,
        |(r, search_text), row| {
            row.uuid(r.id);
            row.text(&r.title);
            row.optional_text(r.about.as_deref());
            row.text(r.category);
            row.text(&r.file_url);
            row.text(&r.file_public_id);
            row.optional_text(r.poster_url.as_deref());
            row.optional_text(r.poster_public_id.as_deref());
            row.uuid(r.owner);
            row.timestamp(r.created);
            row.timestamp(r.updated);
            row.text(search_text);
        },
    )
    .await?;
    copy::copy_in(
        db,
        "copy artistsongs (artistid, songid, role, createdat) from stdin (format binary)",
        rows,
        4,
        |r, row| {
            row.uuid(r.artist);
            row.uuid(r.id);
            row.text("Primary");
            row.timestamp(r.created);
        },
    )
    .await?;
    Ok(())
}

/// Playlists and their items. Beside existing rows, the items of a playlist are replaced whole
/// in the batch that writes it, so a re-run puts them back in the source's order whatever
/// happened between.
pub(super) async fn write_playlists(
    db: Db<'_>,
    playlists: &[PlaylistRow],
    auto: bool,
    songs: AfterSongs<'_>,
    progress: &RefCell<Progress>,
) -> anyhow::Result<CountedOnLoad> {
    let (table, items) = if auto {
        ("autogeneratedplaylists", "autogeneratedplaylistitems")
    } else {
        ("playlists", "playlistitems")
    };
    let tables = [table, items];
    let to = into(&tables, BATCH).after(songs);
    load(db, to, playlists, progress, async |db, rows, mode| {
        let sql = if auto {
            statement(
                mode,
                "insert into autogeneratedplaylists (playlistid, title, category, createdat, updatedat)
                 select * from unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])",
                &format!(
                    "on conflict (playlistid) do update set title = excluded.title, category = excluded.category,
                         createdat = excluded.createdat, updatedat = excluded.updatedat
                     where {}",
                    sql_is_imported("autogeneratedplaylists.playlistid")
                ),
            )
        } else {
            statement(
                mode,
                "insert into playlists (playlistid, title, visibility, ownerid, createdat, updatedat)
                 select * from unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[], $6::timestamptz[])",
                &format!(
                    "on conflict (playlistid) do update set title = excluded.title, visibility = excluded.visibility,
                         createdat = excluded.createdat, updatedat = excluded.updatedat
                     where {}",
                    sql_is_imported("playlists.playlistid")
                ),
            )
        };
        let query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(column(rows, |r| r.id))
            .bind(column(rows, |r| r.title.clone()));
        let query = if auto {
            query.bind(column(rows, |r| r.category.map(str::to_owned)))
        } else {
            query
                .bind(column(rows, |r| r.visibility.map(str::to_owned)))
                .bind(column(rows, |r| r.owner))
        };
        query
            .bind(column(rows, |r| r.created))
            .bind(column(rows, |r| r.updated))
            .execute(&mut *db)
            .await?;
        if mode == Mode::Merge {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "delete from {items} where playlistid = any($1)"
            )))
            .bind(column(rows, |r| r.id))
            .execute(&mut *db)
            .await?;
        }
        let mut playlist: Vec<Uuid> = Vec::new();
        let mut song: Vec<Uuid> = Vec::new();
        let mut position: Vec<i32> = Vec::new();
        let mut item: Vec<Uuid> = Vec::new();
        let mut added: Vec<DateTime<Utc>> = Vec::new();
        for row in rows {
            for (index, song_id) in row.songs.iter().enumerate() {
                playlist.push(row.id);
                song.push(*song_id);
                position.push(index as i32);
                item.push(crate::import::ids::derived(items, &[row.id], index as u64));
                added.push(row.updated);
            }
        }
        if auto {
            sqlx::query(
                "insert into autogeneratedplaylistitems (playlistitemid, playlistid, songid, position)
                 select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[])",
            )
            .bind(&item)
            .bind(&playlist)
            .bind(&song)
            .bind(&position)
            .execute(db)
            .await?;
        } else {
            sqlx::query(
                "insert into playlistitems (playlistitemid, playlistid, songid, position, addedat)
                 select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::timestamptz[])",
            )
            .bind(&item)
            .bind(&playlist)
            .bind(&song)
            .bind(&position)
            .bind(&added)
            .execute(db)
            .await?;
        }
        Ok(())
    })
    .await
}
