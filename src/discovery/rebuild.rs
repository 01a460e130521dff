//! Rebuilding the auto-generated playlists: Trending, New Releases, a top list per category
//! and per genre among the most carried. Each rebuild is one transaction, so readers see the
//! old lists or the new ones, never a half-built one; an advisory lock taken inside it means
//! that with several Ampli instances only one rebuilds at a time (the others skip).
//!
//! Between the hourly rebuilds, an upload marks the lists it changes stale (New Releases, its
//! category's, its genres'), and the minute's refresh rebuilds only those: a new song shows
//! within a minute without every list being rebuilt for every upload.

use sqlx::{PgConnection, PgPool};

use super::store::rebuild::{self as store, Ranking};
use super::store::stale;
use crate::catalog::categories::{self, CATEGORIES};

pub const TRENDING: &str = "Trending";
pub const NEW_RELEASES: &str = "New Releases";
const LIST_LENGTH: i64 = 50;
const CATEGORY_LENGTH: i64 = 20;
/// Genres are free text: only the most carried get a list of their own.
const GENRE_LISTS: i64 = 20;

/// What kind of list a stale mark names (DiscoveryStaleLists.Kind).
pub const STALE_NEW: &str = "new";
pub const STALE_CATEGORY: &str = "category";
pub const STALE_GENRE: &str = "genre";

/// The title of a category's top list.
pub fn category_title(category: &str) -> String {
    format!("Top in {category}")
}

/// The title of a genre's top list (not "Top in", which a category of the same name has).
pub fn genre_title(genre: &str) -> String {
    format!("Best of {genre}")
}

/// Rebuilds every list; answers false when another instance was rebuilding.
pub async fn rebuild_all(db: &PgPool) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    if !store::try_lock(&mut tx).await? {
        return Ok(false);
    }
    stale::clear(&mut tx).await?;
    let trending = store::list(&mut tx, TRENDING, None).await?;
    store::fill(&mut tx, trending, Ranking::Trending, None, LIST_LENGTH).await?;
    fill_new_releases(&mut tx).await?;
    for category in CATEGORIES {
        fill_category(&mut tx, category).await?;
    }
    let genres = store::top_genres(&mut tx, GENRE_LISTS).await?;
    let keys: Vec<String> = genres.iter().map(|(key, _)| key.clone()).collect();
    store::drop_genre_lists_except(&mut tx, &keys).await?;
    for (key, name) in &genres {
        let list = store::genre_list(&mut tx, &genre_title(name), key).await?;
        fill_genre(&mut tx, list, key).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Rebuilds the lists uploads marked stale since the last refresh; answers how many, or
/// `None` when another instance was rebuilding (the marks stay for the next run). A genre
/// without a list waits for the hourly rebuild to earn one.
pub async fn refresh_stale(db: &PgPool) -> anyhow::Result<Option<usize>> {
    let mut tx = db.begin().await?;
    if !store::try_lock(&mut tx).await? {
        return Ok(None);
    }
    let marks = stale::take(&mut tx).await?;
    let mut refreshed = 0;
    for (kind, name) in &marks {
        match kind.as_str() {
            STALE_NEW => fill_new_releases(&mut tx).await?,
            STALE_CATEGORY => match categories::canonical(name) {
                Some(category) => fill_category(&mut tx, category).await?,
                None => continue,
            },
            STALE_GENRE => match store::find_genre_list(&mut tx, name).await? {
                Some(list) => fill_genre(&mut tx, list, name).await?,
                None => continue,
            },
            _ => continue,
        }
        refreshed += 1;
    }
    tx.commit().await?;
    Ok(Some(refreshed))
}

async fn fill_new_releases(tx: &mut PgConnection) -> sqlx::Result<()> {
    let releases = store::list(tx, NEW_RELEASES, None).await?;
    store::fill(tx, releases, Ranking::Newest, None, LIST_LENGTH).await
}

async fn fill_category(tx: &mut PgConnection, category: &str) -> sqlx::Result<()> {
    let top = store::list(tx, &category_title(category), Some(category)).await?;
    store::fill(
        tx,
        top,
        Ranking::TopInCategory,
        Some(category),
        CATEGORY_LENGTH,
    )
    .await
}

async fn fill_genre(tx: &mut PgConnection, list: uuid::Uuid, key: &str) -> sqlx::Result<()> {
    store::fill(tx, list, Ranking::TopInGenre, Some(key), CATEGORY_LENGTH).await
}
