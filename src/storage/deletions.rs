//! The files of deleted rows, removed at once. Migration 10's triggers queue the folder of
//! every deleted song, artist and account in `MediaDeletions`, in the deleting transaction;
//! `remove_deleted` removes each queued folder's files and then its entry, so a crash between
//! the commit and the removal only delays it to the next call (at start, or the next delete).

use sqlx::PgPool;

use super::{Storage, store};

/// Queue entries handled per transaction: small enough that the lock is held briefly.
const BATCH: i64 = 100;

impl Storage {
    /// Removes the files of every queued deletion; answers how many folders went. Instances
    /// running this at once each take other entries (`SKIP LOCKED`).
    pub async fn remove_deleted(&self, db: &PgPool) -> anyhow::Result<u64> {
        let mut removed = 0;
        loop {
            let mut tx = db.begin().await?;
            let prefixes = store::queued_deletions(&mut tx, BATCH).await?;
            if prefixes.is_empty() {
                return Ok(removed);
            }
            for prefix in &prefixes {
                self.delete_prefix(prefix).await?;
            }
            store::forget_deletions(&mut tx, &prefixes).await?;
            tx.commit().await?;
            removed += prefixes.len() as u64;
        }
    }

    /// For the request that just deleted rows: a failure is logged, and the queue keeps the
    /// entries for the next call.
    pub async fn remove_deleted_now(&self, db: &PgPool) {
        if let Err(error) = self.remove_deleted(db).await {
            tracing::warn!(error = format!("{error:#}"), "removing deleted media files");
        }
    }
}
