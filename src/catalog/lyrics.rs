//! A song's lyrics: read by anyone who may see the song, set from an `.lrc` file or plain
//! text and removed by its owner or an administrator.

use uuid::Uuid;

use super::album_views::LyricsView;
use super::error::invalid;
use super::store::lyrics as store;
use super::{Catalog, CatalogError};
use crate::accounts::AuthUser;
use crate::media::lyrics::Lyrics;

impl Catalog {
    pub async fn lyrics(&self, song: Uuid) -> Result<LyricsView, CatalogError> {
        self.require_song(song).await?;
        let lyrics = store::find(&self.db, song)
            .await?
            .ok_or(CatalogError::LyricsNotFound)?;
        Ok(LyricsView::new(song, lyrics))
    }

    /// Whether the caller may change the song's lyrics, asked before the body is read.
    pub async fn lyrics_editable(&self, caller: &AuthUser, song: Uuid) -> Result<(), CatalogError> {
        self.editable(caller, song).await.map(|_| ())
    }

    /// Sets the song's lyrics from `text`: LRC when its lines carry time stamps, else plain
    /// lines. A stamp that is not a time refuses the whole text (see `media::lyrics`).
    pub async fn set_lyrics(
        &self,
        caller: &AuthUser,
        song: Uuid,
        text: &str,
        language: Option<&str>,
    ) -> Result<LyricsView, CatalogError> {
        self.editable(caller, song).await?;
        let lyrics =
            Lyrics::parse(text, language).map_err(|error| invalid("lyrics", &error.to_string()))?;
        store::put(&self.db, song, &lyrics).await?;
        Ok(LyricsView::new(song, lyrics))
    }

    pub async fn delete_lyrics(&self, caller: &AuthUser, song: Uuid) -> Result<(), CatalogError> {
        self.editable(caller, song).await?;
        if !store::delete(&self.db, song).await? {
            return Err(CatalogError::LyricsNotFound);
        }
        Ok(())
    }
}
