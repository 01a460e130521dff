//! A song's or album's artwork in one of the two sizes: its poster where it has one, else a
//! picture generated from its id and title (`media::generated_art`), so that every cover in an
//! app or the web has something to show.

use uuid::Uuid;

use super::store::albums as album_store;
use super::views::PosterUrls;
use super::{Catalog, CatalogError};
use crate::media::generated_art;

/// Which of the two sizes Ampli makes of every poster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtworkSize {
    Small,
    Large,
}

impl ArtworkSize {
    /// The nearest size to `pixels` that covers it (128 or 512).
    pub fn covering(pixels: Option<i64>) -> Self {
        match pixels {
            Some(p) if p <= 128 => Self::Small,
            _ => Self::Large,
        }
    }

    fn pixels(self) -> u32 {
        match self {
            Self::Small => generated_art::SIZES[0],
            Self::Large => generated_art::SIZES[1],
        }
    }

    fn of(self, urls: &PosterUrls) -> String {
        match self {
            Self::Small => urls.small.clone(),
            Self::Large => urls.large.clone(),
        }
    }
}

pub enum Artwork {
    /// The stored poster's URL under `/media`.
    Poster(String),
    /// A generated PNG and its validator (it changes with the title).
    Generated { png: Vec<u8>, etag: String },
}

impl Artwork {
    fn generated(id: Uuid, title: &str, size: ArtworkSize) -> Self {
        let pixels = size.pixels();
        // The picture depends on these three only, and on the generator's version (v1).
        let etag = format!(
            "\"art-v1-{:016x}\"",
            fnv(&[id.as_bytes(), title.as_bytes(), &pixels.to_le_bytes()])
        );
        Self::Generated {
            png: generated_art::png(id, title, pixels),
            etag,
        }
    }
}

fn fnv(parts: &[&[u8]]) -> u64 {
    parts
        .iter()
        .flat_map(|part| part.iter())
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

impl Catalog {
    pub async fn song_artwork(&self, id: Uuid, size: ArtworkSize) -> Result<Artwork, CatalogError> {
        let song = self.song_answer(id, None).await?;
        Ok(match &song.poster_urls {
            Some(urls) => Artwork::Poster(size.of(urls)),
            None => Artwork::generated(song.id, &song.title, size),
        })
    }

    pub async fn album_artwork(
        &self,
        id: Uuid,
        size: ArtworkSize,
    ) -> Result<Artwork, CatalogError> {
        let album = album_store::find(&self.db, id)
            .await?
            .ok_or(CatalogError::AlbumNotFound)?;
        Ok(match album.posterpublicid.as_deref() {
            Some(prefix) => Artwork::Poster(size.of(&PosterUrls::under(prefix))),
            None => Artwork::generated(album.albumid, &album.title, size),
        })
    }
}
