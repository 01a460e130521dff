//! `ampli migrate`: apply the pending migrations and exit.

use crate::config::Config;
use crate::db::{self, Database};

pub async fn run(config: Config) -> anyhow::Result<()> {
    let database = Database::open(&config).await?;
    let applied_before = applied_count(&database).await;
    let result = db::migrate(&database.pool).await;
    let applied_after = applied_count(&database).await;
    database.close().await?;
    result?;
    let newly = applied_after.saturating_sub(applied_before);
    tracing::info!(
        applied = newly,
        total = db::MIGRATOR.iter().count(),
        "database schema is up to date"
    );
    Ok(())
}

async fn applied_count(database: &Database) -> usize {
    sqlx::query_scalar::<_, i64>("select count(*) from _sqlx_migrations where success")
        .fetch_one(&database.pool)
        .await
        .map_or(0, |n| n as usize)
}
