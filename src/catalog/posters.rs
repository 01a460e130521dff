//! Song and album posters: checked and re-encoded square in two sizes, like avatars, stored under a
//! fresh prefix, and the old files removed only once the new ones are recorded.

use uuid::Uuid;

use super::store::songs::{self as store, SongRow};
use super::{Catalog, CatalogError};
use crate::accounts::AuthUser;
use crate::media::images::{self, Rendition};
use crate::storage::media_url;

pub const POSTER_SIZES: [u32; 2] = [128, 512];

/// Re-encodes a poster in its sizes.
pub async fn renditions(bytes: Vec<u8>) -> Result<Vec<Rendition>, CatalogError> {
    Ok(images::square_renditions(bytes, &POSTER_SIZES).await?)
}

/// The poster's main URL (the large size) for the prefix it is stored under.
pub fn url(prefix: &str) -> String {
    media_url(&format!("{prefix}/512.jpg"))
}

impl Catalog {
    /// Stores each size under a fresh prefix; answers the prefix (`PosterPublicID`).
    pub(super) async fn store_poster(
        &self,
        song: Uuid,
        renditions: Vec<Rendition>,
    ) -> Result<String, CatalogError> {
        self.store_poster_under(&format!("songs/{song}"), renditions)
            .await
    }

    /// Stores each size under a fresh prefix in `folder` (a song's or an album's).
    pub(super) async fn store_poster_under(
        &self,
        folder: &str,
        renditions: Vec<Rendition>,
    ) -> Result<String, CatalogError> {
        let prefix = format!("{folder}/poster-{}", Uuid::new_v4());
        self.storage
            .put_all(&prefix, renditions.into_iter().map(Rendition::into_file))
            .await?;
        Ok(prefix)
    }

    /// The song whose poster the caller may replace. Asked before the picture is read, so
    /// that nobody else makes the server read and decode one.
    pub async fn poster_editable(
        &self,
        caller: &AuthUser,
        id: Uuid,
    ) -> Result<SongRow, CatalogError> {
        caller.require_verified()?;
        self.editable(caller, id).await
    }

    pub async fn replace_poster(
        &self,
        song: SongRow,
        bytes: Vec<u8>,
    ) -> Result<SongRow, CatalogError> {
        let id = song.songid;
        let renditions = renditions(bytes).await?;
        let prefix = self.store_poster(id, renditions).await?;
        let url = url(&prefix);
        if !store::set_poster(&self.db, id, Some(&url), Some(&prefix)).await? {
            let _ = self.storage.delete_prefix(&prefix).await;
            return Err(CatalogError::SongNotFound);
        }
        if let Some(old) = song.posterpublicid {
            let _ = self.storage.delete_prefix(&old).await;
        }
        self.reread(id).await
    }
}
