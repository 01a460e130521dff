//! The one query operations runs: the readiness probe.

use sqlx::PgPool;

/// A trivial query, to learn whether the database answers.
pub async fn ping(db: &PgPool) -> sqlx::Result<()> {
    sqlx::query("select 1").execute(db).await?;
    Ok(())
}
