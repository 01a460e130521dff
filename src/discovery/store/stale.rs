//! The lists an upload made stale (migration 12's DiscoveryStaleLists), shared by every
//! instance: marked where the upload lands, taken by whichever instance runs the refresh.

use sqlx::{PgConnection, PgPool};

/// Marks each `(kind, name)` stale; marking one already marked is a no-op.
pub async fn mark(db: &PgPool, kinds: &[&str], names: &[String]) -> sqlx::Result<()> {
    sqlx::query(
        "insert into discoverystalelists (kind, name)
         select * from unnest($1::text[], $2::text[]) order by 1, 2
         on conflict (kind, name) do nothing",
    )
    .bind(kinds)
    .bind(names)
    .execute(db)
    .await?;
    Ok(())
}

/// Takes every mark, in the refresh's transaction: a mark made after this statement waits
/// for the refresh's commit and stays for the next one, and a song whose mark is taken here
/// committed before it, so the refresh's later statements see it.
pub async fn take(tx: &mut PgConnection) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("delete from discoverystalelists returning kind, name")
        .fetch_all(&mut *tx)
        .await
}

/// Forgets every mark: a full rebuild refreshes every list.
pub async fn clear(tx: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query("delete from discoverystalelists")
        .execute(&mut *tx)
        .await?;
    Ok(())
}
