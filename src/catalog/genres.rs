//! Genres: every genre some song carries, with its song and album counts.

use super::album_views::GenreView;
use super::store::genres as store;
use super::{Catalog, CatalogError};

/// Most genres one answer lists.
const MAX_GENRES_LISTED: i64 = 500;

impl Catalog {
    pub async fn genres(&self) -> Result<Vec<GenreView>, CatalogError> {
        let rows = self
            .reads
            .run(|db| async move { store::list(&db, MAX_GENRES_LISTED).await })
            .await?;
        Ok(rows.into_iter().map(GenreView::from).collect())
    }
}
