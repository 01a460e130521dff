//! Writing what people did with songs: likes and favourites (one shape, two tables) and
//! play history.

use std::cell::RefCell;

use super::{AfterSongs, BATCH, CountedOnLoad, Db, Mode, column, into, load, statement};
use crate::import::copy;
use crate::import::ids::sql_is_imported;
use crate::import::plan::{HistoryRow, PairRow};
use crate::import::progress::Progress;

/// Likes or favourites.
pub(super) async fn write_pairs(
    db: Db<'_>,
    table: &'static str,
    id: &'static str,
    rows: &[PairRow],
    songs: AfterSongs<'_>,
    progress: &RefCell<Progress>,
) -> anyhow::Result<CountedOnLoad> {
    let tables = [table];
    let to = into(&tables, BATCH * 4).relations().after(songs);
    load(db, to, rows, progress, async |db, rows, mode| {
        if mode == Mode::Fresh {
            let copy = format!(
                "copy {table} ({id}, userid, songid, createdat) from stdin (format binary)"
            );
            copy::copy_in(db, &copy, rows, 4, |r, row| {
                row.uuid(r.id);
                row.uuid(r.user);
                row.uuid(r.song);
                row.timestamp(r.at);
            })
            .await?;
            return Ok(());
        }
        // A pair already there (liked again in the new Ampli) stays as it is.
        let sql = statement(
            mode,
            &format!(
                "insert into {table} ({id}, userid, songid, createdat)
                 select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[])"
            ),
            "on conflict do nothing",
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(column(rows, |r| r.id))
            .bind(column(rows, |r| r.user))
            .bind(column(rows, |r| r.song))
            .bind(column(rows, |r| r.at))
            .execute(db)
            .await?;
        Ok(())
    })
    .await
}

pub(super) async fn write_history(
    db: Db<'_>,
    rows: &[HistoryRow],
    songs: AfterSongs<'_>,
    progress: &RefCell<Progress>,
) -> anyhow::Result<CountedOnLoad> {
    let to = into(&["history"], BATCH * 4).relations().after(songs);
    load(db, to, rows, progress, async |db, rows, mode| {
        if mode == Mode::Fresh {
            let copy = "copy history (historyid, userid, songid, progress, lastplayedat) from stdin (format binary)";
            copy::copy_in(db, copy, rows, 5, |r, row| {
                row.uuid(r.id);
                row.uuid(r.user);
                row.uuid(r.song);
                row.int(r.progress);
                row.timestamp(r.at);
            })
            .await?;
            return Ok(());
        }
        let sql = statement(
            mode,
            "insert into history (historyid, userid, songid, progress, lastplayedat)
             select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::timestamptz[])",
            &format!(
                "on conflict (userid, songid) do update set progress = excluded.progress, lastplayedat = excluded.lastplayedat
                 where {} and (history.progress, history.lastplayedat) is distinct from (excluded.progress, excluded.lastplayedat)",
                sql_is_imported("history.historyid")
            ),
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(column(rows, |r| r.id))
            .bind(column(rows, |r| r.user))
            .bind(column(rows, |r| r.song))
            .bind(column(rows, |r| r.progress))
            .bind(column(rows, |r| r.at))
            .execute(db)
            .await?;
        Ok(())
    })
    .await
}
