//! How many songs there are, and songs and albums drawn at random: for players that shuffle
//! a whole library (Subsonic's random lists).

use uuid::Uuid;

use super::album_views::AlbumView;
use super::store::sampling as store;
use super::views::SongView;
use super::{Catalog, CatalogError};

/// Most songs or albums one draw answers.
pub const MAX_DRAW: i64 = 500;

impl Catalog {
    pub async fn song_count(&self) -> Result<i64, CatalogError> {
        Ok(store::song_count(&self.db).await?)
    }

    /// Up to `count` songs at random, of a genre (as typed) and within years when asked.
    pub async fn random_songs(
        &self,
        count: i64,
        genre: Option<&str>,
        years: Option<(i32, i32)>,
        viewer: Option<Uuid>,
    ) -> Result<Vec<SongView>, CatalogError> {
        let key = genre.map(crate::media::names::match_key);
        let ids = store::random_song_ids(&self.db, count.clamp(0, MAX_DRAW), key.as_deref(), years)
            .await?;
        self.song_answers(&ids, viewer).await
    }

    pub async fn random_albums(&self, count: i64) -> Result<Vec<AlbumView>, CatalogError> {
        let ids = store::random_album_ids(&self.db, count.clamp(0, MAX_DRAW)).await?;
        self.album_answers(&ids).await
    }
}
