//! Device sessions: UserTokens rows holding the SHA-256 of the current refresh token, and
//! UsedRefreshTokens remembering the ones already exchanged.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub tokenid: Uuid,
    pub userid: Uuid,
    pub devicename: Option<String>,
    pub useragent: Option<String>,
    pub createdat: DateTime<Utc>,
    pub lastusedat: DateTime<Utc>,
    pub expiresat: DateTime<Utc>,
}

const COLUMNS: &str = "tokenid, userid, devicename, useragent, createdat, lastusedat, expiresat";

fn interval(ttl: Duration) -> f64 {
    ttl.as_secs_f64()
}

pub async fn create(
    db: impl PgExecutor<'_>,
    user: Uuid,
    refresh_hash: &str,
    device_name: Option<&str>,
    user_agent: Option<&str>,
    ttl: Duration,
) -> sqlx::Result<SessionRow> {
    let sql = format!(
        "insert into usertokens (userid, token, devicename, useragent, expiresat)
         values ($1, $2, $3, $4, now() + make_interval(secs => $5)) returning {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .bind(refresh_hash)
        .bind(device_name)
        .bind(user_agent)
        .bind(interval(ttl))
        .fetch_one(db)
        .await
}

/// What presenting a refresh token found.
#[derive(Debug)]
pub enum Rotation {
    Rotated(SessionRow),
    /// Already exchanged once: someone holds a copy. The session was ended.
    Reused,
    Unknown,
}

/// Exchanges `old_hash` for `new_hash` in one transaction, extending the session.
pub async fn rotate(
    db: &PgPool,
    old_hash: &str,
    new_hash: &str,
    ttl: Duration,
) -> sqlx::Result<Rotation> {
    let mut tx = db.begin().await?;
    let sql = format!(
        "update usertokens set token = $2, lastusedat = now(),
                expiresat = now() + make_interval(secs => $3)
          where token = $1 and expiresat > now() returning {COLUMNS}"
    );
    let rotated: Option<SessionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(old_hash)
        .bind(new_hash)
        .bind(interval(ttl))
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(session) = rotated {
        sqlx::query("insert into usedrefreshtokens (tokenhash, sessionid) values ($1, $2)")
            .bind(old_hash)
            .bind(session.tokenid)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(Rotation::Rotated(session));
    }
    let ended = sqlx::query(
        "delete from usertokens where tokenid =
           (select sessionid from usedrefreshtokens where tokenhash = $1)",
    )
    .bind(old_hash)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(if ended.rows_affected() > 0 {
        Rotation::Reused
    } else {
        Rotation::Unknown
    })
}

/// An open session's user's rights and when the session ends.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct OpenSession {
    pub verified: bool,
    pub is_admin: bool,
    pub expires_at: DateTime<Utc>,
}

/// For checking an access token on each request: the session, if it is still open.
pub async fn open_caller(
    db: &PgPool,
    session: Uuid,
    user: Uuid,
) -> sqlx::Result<Option<OpenSession>> {
    sqlx::query_as(
        "select coalesce(u.verified, false) as verified, u.isadmin as is_admin,
                t.expiresat as expires_at
           from usertokens t join users u on u.userid = t.userid
          where t.tokenid = $1 and t.userid = $2 and t.expiresat > now()",
    )
    .bind(session)
    .bind(user)
    .fetch_optional(db)
    .await
}

/// Open sessions of a user, most recently used first.
pub async fn list(db: &PgPool, user: Uuid) -> sqlx::Result<Vec<SessionRow>> {
    let sql = format!(
        "select {COLUMNS} from usertokens where userid = $1 and expiresat > now()
          order by lastusedat desc, tokenid"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .fetch_all(db)
        .await
}

/// Ends one session of `user`; false if the user has no such session.
pub async fn end(db: impl PgExecutor<'_>, user: Uuid, session: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from usertokens where tokenid = $1 and userid = $2")
        .bind(session)
        .bind(user)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of `user` but `keep`.
pub async fn end_all(db: impl PgExecutor<'_>, user: Uuid, keep: Option<Uuid>) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "delete from usertokens where userid = $1 and ($2::uuid is null or tokenid <> $2)",
    )
    .bind(user)
    .bind(keep)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Forgets sessions past their expiry; they no longer sign anyone in.
pub async fn remove_expired(db: impl PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query("delete from usertokens where expiresat < now()")
        .execute(db)
        .await?;
    Ok(())
}
