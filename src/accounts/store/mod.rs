//! The accounts capability's SQL. Nothing outside `accounts` touches these tables directly.

pub mod app_passwords;
pub mod one_time_tokens;
pub mod sessions;
pub mod users;

use sqlx::PgPool;

/// The periodic clean-up: expired verification and reset tokens, and ended sessions.
pub async fn clean_up_tokens(db: &PgPool) -> sqlx::Result<()> {
    let mut connection = db.acquire().await?;
    for purpose in [
        one_time_tokens::Purpose::VerifyEmail,
        one_time_tokens::Purpose::ResetPassword,
    ] {
        one_time_tokens::remove_expired(&mut connection, purpose).await?;
    }
    sessions::remove_expired(&mut *connection).await
}
