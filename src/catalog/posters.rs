//! Song posters: checked and re-encoded square in two sizes, like avatars.

use uuid::Uuid;

use super::{Catalog, CatalogError};
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
        let prefix = format!("songs/{song}/poster-{}", Uuid::new_v4());
        for rendition in renditions {
            if let Err(error) = self
                .storage
                .put(&format!("{prefix}/{}.jpg", rendition.size), rendition.jpeg)
                .await
            {
                let _ = self.storage.delete_prefix(&prefix).await;
                return Err(error.into());
            }
        }
        Ok(prefix)
    }
}
