//! AppPasswords rows: each an encrypted app password of one user (migration 13).

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AppPasswordRow {
    pub apppasswordid: Uuid,
    pub userid: Uuid,
    pub name: String,
    pub createdat: DateTime<Utc>,
    pub lastusedat: Option<DateTime<Utc>>,
}

/// A row with its sealed secret, for checking a credential.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SealedRow {
    pub apppasswordid: Uuid,
    pub userid: Uuid,
    pub secret: Vec<u8>,
    pub lastusedat: Option<DateTime<Utc>>,
}

/// How stale a last use may get before it is written again: a busy app does not write a row
/// on every request.
pub const TOUCH_EVERY_SECS: i64 = 60;

const COLUMNS: &str = "apppasswordid, userid, name, createdat, lastusedat";

/// Stores a new app password unless the user already has `max` of them; `None` then.
pub async fn create(
    db: &PgPool,
    user: Uuid,
    name: &str,
    secret: &[u8],
    lookup_hash: &str,
    max: i64,
) -> sqlx::Result<Option<AppPasswordRow>> {
    // The count and the insert in one statement, under a lock on the user's row, so that
    // parallel requests cannot pass the limit together.
    let sql = format!(
        "with owner as (select userid from users where userid = $1 for update)
         insert into apppasswords (userid, name, secret, lookuphash)
         select owner.userid, $2, $3, $4 from owner
          where (select count(*) from apppasswords where userid = $1) < $5
         returning {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .bind(name)
        .bind(secret)
        .bind(lookup_hash)
        .bind(max)
        .fetch_optional(db)
        .await
}

/// The user's app passwords, newest first.
pub async fn list(db: &PgPool, user: Uuid) -> sqlx::Result<Vec<AppPasswordRow>> {
    let sql = format!(
        "select {COLUMNS} from apppasswords where userid = $1
          order by createdat desc, apppasswordid desc"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .fetch_all(db)
        .await
}

/// Every sealed app password of a user: the candidates for a `u` + `p`/`t` credential.
pub async fn sealed_of_user(db: &PgPool, user: Uuid) -> sqlx::Result<Vec<SealedRow>> {
    sqlx::query_as(
        "select apppasswordid, userid, secret, lastusedat from apppasswords where userid = $1",
    )
    .bind(user)
    .fetch_all(db)
    .await
}

/// The app password whose SHA-256 is `lookup_hash`: for an apiKey.
pub async fn sealed_by_hash(db: &PgPool, lookup_hash: &str) -> sqlx::Result<Option<SealedRow>> {
    sqlx::query_as(
        "select apppasswordid, userid, secret, lastusedat from apppasswords where lookuphash = $1",
    )
    .bind(lookup_hash)
    .fetch_optional(db)
    .await
}

/// Revokes one of the user's app passwords; false when they have none by that id.
pub async fn delete(db: &PgPool, user: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from apppasswords where apppasswordid = $1 and userid = $2")
        .bind(id)
        .bind(user)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Notes a use (the caller skips it while the last one is fresh; the condition keeps parallel
/// requests from writing it twice).
pub async fn touch(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "update apppasswords set lastusedat = now()
          where apppasswordid = $1
            and (lastusedat is null or lastusedat < now() - make_interval(secs => $2))",
    )
    .bind(id)
    .bind(TOUCH_EVERY_SECS as f64)
    .execute(db)
    .await?;
    Ok(())
}
