//! Email verification and password reset tokens: hashed, single use, expiring. The two tables
//! have the same shape, so one set of queries serves both.

use std::time::Duration;

use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    fn table(self) -> &'static str {
        match self {
            Self::VerifyEmail => "emailverificationtokens",
            Self::ResetPassword => "passwordresettokens",
        }
    }

    pub fn lifetime(self) -> Duration {
        match self {
            Self::VerifyEmail => Duration::from_secs(24 * 3600),
            Self::ResetPassword => Duration::from_secs(30 * 60),
        }
    }
}

/// Stores a new token for `user`, replacing any older one of the same purpose.
pub async fn replace(
    db: &mut PgConnection,
    purpose: Purpose,
    user: Uuid,
    token_hash: &str,
) -> sqlx::Result<()> {
    clear(&mut *db, purpose, user).await?;
    let table = purpose.table();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "insert into {table} (userid, token, expiresat)
         values ($1, $2, now() + make_interval(secs => $3))"
    )))
    .bind(user)
    .bind(token_hash)
    .bind(purpose.lifetime().as_secs_f64())
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Uses up a token: deletes it and answers its user, if it exists and has not expired.
pub async fn consume(
    db: &mut PgConnection,
    purpose: Purpose,
    token_hash: &str,
) -> sqlx::Result<Option<Uuid>> {
    let table = purpose.table();
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "delete from {table} where token = $1 and expiresat > now() returning userid"
    )))
    .bind(token_hash)
    .fetch_optional(&mut *db)
    .await
}

/// Removes every token of this purpose for `user` (after a password reset, say).
pub async fn clear(db: &mut PgConnection, purpose: Purpose, user: Uuid) -> sqlx::Result<()> {
    let table = purpose.table();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "delete from {table} where userid = $1"
    )))
    .bind(user)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Forgets expired tokens of this purpose; they can no longer be used.
pub async fn remove_expired(db: &mut PgConnection, purpose: Purpose) -> sqlx::Result<()> {
    let table = purpose.table();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "delete from {table} where expiresat < now()"
    )))
    .execute(&mut *db)
    .await?;
    Ok(())
}
