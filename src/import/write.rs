//! Rows into PostgreSQL: multi-row `INSERT … SELECT FROM unnest(…)` statements of a few
//! thousand rows, each batch in its own transaction. Every id is derived from the source, so a
//! batch written twice (an import stopped and run again) converges on the same rows: conflicts
//! update only rows the importer made, and only when something differs.

use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::ids::sql_is_imported;
use super::plan::{Plan, PlaylistRow};
use super::progress::Progress;

const BATCH: usize = 5_000;
/// Batches in flight at once, each on its own connection: PostgreSQL works on each with a core
/// of its own, so the import is not bound to one.
const WRITERS: usize = 2;

async fn begin(pool: &PgPool) -> sqlx::Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    // Keep the source's UpdatedAt through the seed's "touch on update" trigger (migration 8),
    // and skip the credits' search-text refresh: the songs' statement writes that text itself.
    sqlx::query("select set_config('ampli.keep_timestamps', 'on', true), set_config('ampli.search_text_written', 'on', true)")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

async fn analyze(pool: &PgPool, tables: &str) -> sqlx::Result<()> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("analyze {tables}")))
        .execute(pool)
        .await
        .map(|_| ())
}

/// Writes `rows` in batches of `size`, each in its own transaction, `WRITERS` at a time.
async fn in_batches<'a, T: Sync, F, Fut>(
    rows: &'a [T],
    size: usize,
    progress: &mut Progress,
    write: F,
) -> anyhow::Result<()>
where
    F: Fn(&'a [T]) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>> + 'a,
{
    let mut written = stream::iter(rows.chunks(size).map(write)).buffer_unordered(WRITERS);
    while let Some(count) = written.next().await {
        progress.advance(count?);
    }
    Ok(())
}

/// A transaction for rows that only join users and songs the import wrote before them (likes,
/// favourites, history, follows). When `unchecked`, PostgreSQL's per-row foreign-key checks
/// are off for it, as `pg_restore --disable-triggers` does: three quarters of such an insert's
/// time is those lookups. The plan only makes such rows from references it resolved, and
/// `verify::orphans` checks every one of them afterwards in one pass.
async fn begin_relations(
    pool: &PgPool,
    unchecked: bool,
) -> sqlx::Result<Transaction<'static, Postgres>> {
    let mut tx = begin(pool).await?;
    if unchecked {
        sqlx::query("set local session_replication_role = replica")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

fn column<T, U>(rows: &[T], f: impl Fn(&T) -> U) -> Vec<U> {
    rows.iter().map(f).collect()
}

/// Writes the plan. `unchecked`: the role may (superuser) and does skip per-row foreign-key
/// checks on relation rows (see [`begin_relations`]).
pub async fn write(
    pool: &PgPool,
    plan: &Plan,
    progress: &mut Progress,
    unchecked: bool,
) -> anyhow::Result<()> {
    progress.stage("users", plan.users.len());
    in_batches(&plan.users, BATCH, progress, |rows| async move {
        let mut tx = begin(pool).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into users (userid, name, email, password, verified, avatarurl, avatarpublicid, createdat, updatedat)
             select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[])
             on conflict (userid) do update set
                 name = excluded.name, email = excluded.email, password = excluded.password, verified = excluded.verified,
                 avatarurl = excluded.avatarurl, avatarpublicid = excluded.avatarpublicid,
                 createdat = excluded.createdat, updatedat = excluded.updatedat
             where {} and (users.name, users.email, users.password, users.verified, users.avatarurl, users.avatarpublicid, users.createdat, users.updatedat)
                   is distinct from (excluded.name, excluded.email, excluded.password, excluded.verified, excluded.avatarurl, excluded.avatarpublicid, excluded.createdat, excluded.updatedat)",
            sql_is_imported("users.userid")
        )))
        .bind(column(rows, |r| r.id))
        .bind(column(rows, |r| r.name.clone()))
        .bind(column(rows, |r| r.email.clone()))
        .bind(column(rows, |r| r.password.clone()))
        .bind(column(rows, |r| r.verified))
        .bind(column(rows, |r| r.avatar_url.clone()))
        .bind(column(rows, |r| r.avatar_public_id.clone()))
        .bind(column(rows, |r| r.created))
        .bind(column(rows, |r| r.updated))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    })
    .await?;

    analyze(pool, "users").await?;
    progress.stage("artists", plan.artists.len());
    in_batches(&plan.artists, BATCH, progress, |rows| async move {
        let mut tx = begin(pool).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into artists (artistid, name, userid, createdby, createdat, updatedat)
             select a, n, u, u, c, c from unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[]) as x(a, n, u, c)
             on conflict (artistid) do update set name = excluded.name
             where {} and artists.name is distinct from excluded.name",
            sql_is_imported("artists.artistid")
        )))
        .bind(column(rows, |r| r.id))
        .bind(column(rows, |r| r.name.clone()))
        .bind(column(rows, |r| r.user))
        .bind(column(rows, |r| r.created))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    })
    .await?;

    analyze(pool, "artists").await?;
    progress.stage("songs", plan.songs.len());
    in_batches(&plan.songs, BATCH, progress, |rows| async move {
        let mut tx = begin(pool).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into songs (songid, title, about, category, fileurl, filepublicid, posterurl, posterpublicid, ownerid, createdat, updatedat, searchtext)
             select i, t, b, c, f, fp, p, pp, o, ca, ua, ampli_normalize(t || ' ' || a) from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::uuid[], $10::timestamptz[], $11::timestamptz[], $12::text[])
                 as x(i, t, b, c, f, fp, p, pp, o, ca, ua, a)
             on conflict (songid) do update set
                 title = excluded.title, about = excluded.about, category = excluded.category,
                 fileurl = excluded.fileurl, filepublicid = excluded.filepublicid,
                 posterurl = excluded.posterurl, posterpublicid = excluded.posterpublicid,
                 createdat = excluded.createdat, updatedat = excluded.updatedat
             where {} and (songs.title, songs.about, songs.category, songs.fileurl, songs.filepublicid, songs.posterurl, songs.posterpublicid, songs.createdat, songs.updatedat)
                   is distinct from (excluded.title, excluded.about, excluded.category, excluded.fileurl, excluded.filepublicid, excluded.posterurl, excluded.posterpublicid, excluded.createdat, excluded.updatedat)",
            sql_is_imported("songs.songid")
        )))
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
        .execute(&mut *tx)
        .await?;
        // The owner's credit. The songs' search text above already names the owner's artist,
        // so the credits' statement trigger finds nothing to rewrite.
        sqlx::query(
            "insert into artistsongs (artistid, songid, role, createdat)
             select a, s, 'Primary', c from unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) as x(a, s, c)
             on conflict (artistid, songid) do nothing",
        )
        .bind(column(rows, |r| r.artist))
        .bind(column(rows, |r| r.id))
        .bind(column(rows, |r| r.created))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    })
    .await?;

    analyze(pool, "songs, artistsongs").await?;
    write_playlists(pool, &plan.playlists, false, progress).await?;
    write_playlists(pool, &plan.auto_playlists, true, progress).await?;

    for (table, rows) in [("favorites", &plan.favorites), ("likes", &plan.likes)] {
        progress.stage(table, rows.len());
        in_batches(rows, BATCH * 4, progress, |rows| async move {
            let mut tx = begin_relations(pool, unchecked).await?;
            // A pair already there (liked again in the new Ampli) stays as it is.
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "insert into {table} ({id}, userid, songid, createdat)
                 select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[])
                 on conflict do nothing",
                id = if table == "likes" {
                    "likeid"
                } else {
                    "favoriteid"
                }
            )))
            .bind(column(rows, |r| r.id))
            .bind(column(rows, |r| r.user))
            .bind(column(rows, |r| r.song))
            .bind(column(rows, |r| r.at))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(rows.len())
        })
        .await?;
    }

    progress.stage("history", plan.history.len());
    in_batches(&plan.history, BATCH * 4, progress, |rows| async move {
        let mut tx = begin_relations(pool, unchecked).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into history (historyid, userid, songid, progress, lastplayedat)
             select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::timestamptz[])
             on conflict (userid, songid) do update set progress = excluded.progress, lastplayedat = excluded.lastplayedat
             where {} and (history.progress, history.lastplayedat) is distinct from (excluded.progress, excluded.lastplayedat)",
            sql_is_imported("history.historyid")
        )))
        .bind(column(rows, |r| r.id))
        .bind(column(rows, |r| r.user))
        .bind(column(rows, |r| r.song))
        .bind(column(rows, |r| r.progress))
        .bind(column(rows, |r| r.at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    })
    .await?;

    progress.stage("userfollowers", plan.follows.len());
    in_batches(&plan.follows, BATCH * 4, progress, |rows| async move {
        let mut tx = begin_relations(pool, unchecked).await?;
        sqlx::query(
            "insert into userfollowers (followerid, followingid, createdat)
             select * from unnest($1::uuid[], $2::uuid[], $3::timestamptz[])
             on conflict do nothing",
        )
        .bind(column(rows, |r| r.follower))
        .bind(column(rows, |r| r.following))
        .bind(column(rows, |r| r.at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    })
    .await?;

    analyze(
        pool,
        "playlistitems, favorites, likes, history, userfollowers",
    )
    .await?;
    progress.stage("usertokens", plan.sessions.len());
    in_batches(&plan.sessions, BATCH, progress, |rows| async move {
        let mut tx = begin(pool).await?;
        sqlx::query(
            "insert into usertokens (tokenid, userid, token, devicename, createdat, lastusedat, expiresat)
             select t, u, h, 'Signed in on the earlier Ampli', c, c, e
               from unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[]) as x(t, u, h, c, e)
             on conflict (tokenid) do nothing",
        )
        .bind(column(rows, |r| r.id))
        .bind(column(rows, |r| r.user))
        .bind(column(rows, |r| r.token_hash.clone()))
        .bind(column(rows, |r| r.created))
        .bind(column(rows, |r| r.expires))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    })
    .await?;
    progress.done();
    Ok(())
}

/// Playlists and their items. The items of a playlist are replaced whole in the batch that
/// writes it, so a re-run puts them back in the source's order whatever happened between.
async fn write_playlists(
    pool: &PgPool,
    playlists: &[PlaylistRow],
    auto: bool,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let (table, items) = if auto {
        ("autogeneratedplaylists", "autogeneratedplaylistitems")
    } else {
        ("playlists", "playlistitems")
    };
    progress.stage(table, playlists.len());
    in_batches(playlists, BATCH, progress, |rows| async move {
        let mut tx = begin(pool).await?;
        if auto {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "insert into autogeneratedplaylists (playlistid, title, category, createdat, updatedat)
                 select * from unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
                 on conflict (playlistid) do update set title = excluded.title, category = excluded.category,
                     createdat = excluded.createdat, updatedat = excluded.updatedat
                 where {}",
                sql_is_imported("autogeneratedplaylists.playlistid")
            )))
            .bind(column(rows, |r| r.id))
            .bind(column(rows, |r| r.title.clone()))
            .bind(column(rows, |r| r.category.map(str::to_owned)))
            .bind(column(rows, |r| r.created))
            .bind(column(rows, |r| r.updated))
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "insert into playlists (playlistid, title, visibility, ownerid, createdat, updatedat)
                 select * from unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[], $6::timestamptz[])
                 on conflict (playlistid) do update set title = excluded.title, visibility = excluded.visibility,
                     createdat = excluded.createdat, updatedat = excluded.updatedat
                 where {}",
                sql_is_imported("playlists.playlistid")
            )))
            .bind(column(rows, |r| r.id))
            .bind(column(rows, |r| r.title.clone()))
            .bind(column(rows, |r| r.visibility.map(str::to_owned)))
            .bind(column(rows, |r| r.owner))
            .bind(column(rows, |r| r.created))
            .bind(column(rows, |r| r.updated))
            .execute(&mut *tx)
            .await?;
        }
        let ids = column(rows, |r| r.id);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "delete from {items} where playlistid = any($1)"
        )))
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
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
                item.push(super::ids::derived(items, &[row.id], index as u64));
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
            .execute(&mut *tx)
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
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    })
    .await?;
    Ok(())
}
