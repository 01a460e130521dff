//! Migrations apply to an empty database, and again as a no-op.

use crate::support::TestDb;

/// Every migration the binary carries, as applied successfully.
fn all_applied() -> Vec<(i64, bool)> {
    ampli::db::MIGRATOR
        .iter()
        .map(|m| (m.version, true))
        .collect()
}

async fn applied(db: &TestDb) -> Vec<(i64, bool)> {
    sqlx::query_as("select version, success from _sqlx_migrations order by version")
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_again_as_a_no_op() {
    let db = TestDb::empty().await;
    ampli::db::migrate(&db.pool).await.unwrap();
    let first = applied(&db).await;
    assert_eq!(first, all_applied());
    assert!(first.len() >= 3);
    let installed_on: Vec<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select installed_on from _sqlx_migrations order by version")
            .fetch_all(&db.pool)
            .await
            .unwrap();

    ampli::db::migrate(&db.pool).await.unwrap();
    assert_eq!(applied(&db).await, first);
    let again: Vec<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select installed_on from _sqlx_migrations order by version")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        again, installed_on,
        "a second run must not re-apply anything"
    );
}

#[tokio::test]
async fn concurrent_migrations_do_not_collide() {
    let db = TestDb::empty().await;
    let (a, b) = tokio::join!(ampli::db::migrate(&db.pool), ampli::db::migrate(&db.pool));
    a.unwrap();
    b.unwrap();
    assert_eq!(applied(&db).await, all_applied());
}

#[test]
fn migration_files_are_only_ever_added() {
    // Versions are dense from 1: a gap or a renumbering means a shipped file was touched.
    let versions: Vec<i64> = ampli::db::MIGRATOR.iter().map(|m| m.version).collect();
    let expected: Vec<i64> = (1..=versions.len() as i64).collect();
    assert_eq!(versions, expected);
}
