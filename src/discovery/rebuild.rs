//! Rebuilding the auto-generated playlists: Trending, New Releases and a top list per
//! category. Each rebuild is one transaction, so readers see the old lists or the new ones,
//! never a half-built one; an advisory lock taken inside it means that with several Ampli
//! instances only one rebuilds at a time (the others skip).

use sqlx::PgPool;

use super::store::rebuild::{self as store, Ranking};
use crate::catalog::categories::CATEGORIES;

pub const TRENDING: &str = "Trending";
pub const NEW_RELEASES: &str = "New Releases";
const LIST_LENGTH: i64 = 50;
const CATEGORY_LENGTH: i64 = 20;

/// The title of a category's top list.
pub fn category_title(category: &str) -> String {
    format!("Top in {category}")
}

/// Rebuilds every list; answers false when another instance was rebuilding.
pub async fn rebuild_all(db: &PgPool) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    if !store::try_lock(&mut tx).await? {
        return Ok(false);
    }
    let trending = store::list(&mut tx, TRENDING, None).await?;
    store::fill(&mut tx, trending, Ranking::Trending, None, LIST_LENGTH).await?;
    let releases = store::list(&mut tx, NEW_RELEASES, None).await?;
    store::fill(&mut tx, releases, Ranking::Newest, None, LIST_LENGTH).await?;
    for category in CATEGORIES {
        let top = store::list(&mut tx, &category_title(category), Some(category)).await?;
        store::fill(
            &mut tx,
            top,
            Ranking::TopInCategory,
            Some(category),
            CATEGORY_LENGTH,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}
