//! Users rows.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub userid: Uuid,
    pub name: String,
    pub email: String,
    pub password: String,
    pub verified: Option<bool>,
    pub isadmin: bool,
    pub avatarurl: Option<String>,
    pub avatarpublicid: Option<String>,
    pub createdat: DateTime<Utc>,
    pub updatedat: DateTime<Utc>,
}

impl UserRow {
    pub fn is_verified(&self) -> bool {
        self.verified.unwrap_or(false)
    }
}

const COLUMNS: &str = "userid, name, email, password, verified, isadmin, avatarurl, avatarpublicid, createdat, updatedat";

/// Why a new user could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("an account with this email exists")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub async fn create(
    db: impl PgExecutor<'_>,
    name: &str,
    email: &str,
    password_hash: &str,
) -> Result<UserRow, CreateError> {
    let sql = format!(
        "insert into users (name, email, password) values ($1, $2, $3) returning {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(name)
        .bind(email)
        .bind(password_hash)
        .fetch_one(db)
        .await
        .map_err(|error| match &error {
            // Either the seed's exact-match constraint or the case-insensitive index.
            sqlx::Error::Database(db_error)
                if matches!(
                    db_error.constraint(),
                    Some("users_email_key" | "idx_users_email_lower")
                ) =>
            {
                CreateError::EmailTaken
            }
            _ => CreateError::Database(error),
        })
}

pub async fn find_by_email(db: &PgPool, email_key: &str) -> sqlx::Result<Option<UserRow>> {
    let sql = format!("select {COLUMNS} from users where lower(email) = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(email_key)
        .fetch_optional(db)
        .await
}

pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<UserRow>> {
    let sql = format!("select {COLUMNS} from users where userid = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn set_password(db: impl PgExecutor<'_>, id: Uuid, hash: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("update users set password = $2 where userid = $1")
        .bind(id)
        .bind(hash)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_verified(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("update users set verified = true where userid = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_admin(db: &PgPool, id: Uuid, admin: bool) -> sqlx::Result<bool> {
    let done = sqlx::query("update users set isadmin = $2 where userid = $1")
        .bind(id)
        .bind(admin)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn rename(db: &PgPool, id: Uuid, name: &str) -> sqlx::Result<Option<UserRow>> {
    let sql = format!("update users set name = $2 where userid = $1 returning {COLUMNS}");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(name)
        .fetch_optional(db)
        .await
}

pub async fn set_avatar(
    db: impl PgExecutor<'_>,
    id: Uuid,
    url: Option<&str>,
    key: Option<&str>,
) -> sqlx::Result<Option<UserRow>> {
    let sql = format!(
        "update users set avatarurl = $2, avatarpublicid = $3 where userid = $1 returning {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(url)
        .bind(key)
        .fetch_optional(db)
        .await
}

/// Deletes the user; the schema's cascades take their sessions, tokens, playlists, songs,
/// likes, favourites, history and follows with them.
pub async fn delete(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from users where userid = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Users in creation order, for the operator's list.
pub async fn list(db: &PgPool, limit: i64) -> sqlx::Result<Vec<UserRow>> {
    let sql = format!("select {COLUMNS} from users order by createdat, userid limit $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(db)
        .await
}
