//! Writing the accounts' tables: users, who follows whom, and the sessions carried over.

use std::cell::RefCell;

use tokio::sync::watch;

use super::{BATCH, CountedOnLoad, Db, Mode, column, into, load, statement};
use crate::import::copy;
use crate::import::ids::sql_is_imported;
use crate::import::plan::{FollowRow, SessionRow, UserRow};
use crate::import::progress::Progress;

pub(super) async fn write_users(
    db: Db<'_>,
    rows: &[UserRow],
    progress: &RefCell<Progress>,
) -> anyhow::Result<CountedOnLoad> {
    load(db, into(&["users"], BATCH), rows, progress, async |db, rows, mode| {
        let sql = statement(
            mode,
            "insert into users (userid, name, email, password, verified, avatarurl, avatarpublicid, createdat, updatedat)
             select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[])",
            &format!(
                "on conflict (userid) do update set
                     name = excluded.name, email = excluded.email, password = excluded.password, verified = excluded.verified,
                     avatarurl = excluded.avatarurl, avatarpublicid = excluded.avatarpublicid,
                     createdat = excluded.createdat, updatedat = excluded.updatedat
                 where {} and (users.name, users.email, users.password, users.verified, users.avatarurl, users.avatarpublicid, users.createdat, users.updatedat)
                       is distinct from (excluded.name, excluded.email, excluded.password, excluded.verified, excluded.avatarurl, excluded.avatarpublicid, excluded.createdat, excluded.updatedat)",
                sql_is_imported("users.userid")
            ),
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(column(rows, |r| r.id))
            .bind(column(rows, |r| r.name.clone()))
            .bind(column(rows, |r| r.email.clone()))
            .bind(column(rows, |r| r.password.clone()))
            .bind(column(rows, |r| r.verified))
            .bind(column(rows, |r| r.avatar_url.clone()))
            .bind(column(rows, |r| r.avatar_public_id.clone()))
            .bind(column(rows, |r| r.created))
            .bind(column(rows, |r| r.updated))
            .execute(db)
            .await?;
        Ok(())
    })
    .await
}

pub(super) async fn write_follows(
    db: Db<'_>,
    rows: &[FollowRow],
    users: &watch::Receiver<bool>,
    progress: &RefCell<Progress>,
) -> anyhow::Result<CountedOnLoad> {
    load(
        db,
        into(&["userfollowers"], BATCH * 4)
            .relations()
            .waiting_for(users),
        rows,
        progress,
        async |db, rows, mode| {
            if mode == Mode::Fresh {
                let copy = "copy userfollowers (followerid, followingid, createdat) from stdin (format binary)";
                copy::copy_in(db, copy, rows, 3, |r, row| {
                    row.uuid(r.follower);
                    row.uuid(r.following);
                    row.timestamp(r.at);
                })
                .await?;
                return Ok(());
            }
            let sql = statement(
                mode,
                "insert into userfollowers (followerid, followingid, createdat)
             select * from unnest($1::uuid[], $2::uuid[], $3::timestamptz[])",
                "on conflict do nothing",
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(column(rows, |r| r.follower))
                .bind(column(rows, |r| r.following))
                .bind(column(rows, |r| r.at))
                .execute(db)
                .await?;
            Ok(())
        },
    )
    .await
}

pub(super) async fn write_sessions(
    db: Db<'_>,
    rows: &[SessionRow],
    users: &watch::Receiver<bool>,
    progress: &RefCell<Progress>,
) -> anyhow::Result<CountedOnLoad> {
    let to = into(&["usertokens"], BATCH).waiting_for(users);
    load(db, to, rows, progress, async |db, rows, mode| {
        let sql = statement(
            mode,
            "insert into usertokens (tokenid, userid, token, devicename, createdat, lastusedat, expiresat)
             select t, u, h, 'Signed in on the earlier Ampli', c, c, e
               from unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[]) as x(t, u, h, c, e)",
            "on conflict (tokenid) do nothing",
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(column(rows, |r| r.id))
            .bind(column(rows, |r| r.user))
            .bind(column(rows, |r| r.token_hash.clone()))
            .bind(column(rows, |r| r.created))
            .bind(column(rows, |r| r.expires))
            .execute(db)
            .await?;
        Ok(())
    })
    .await
}
