//! Streaming a song: which stored object answers for a song and a quality, and the short-lived
//! links that let a player stream without a header. The answer itself (ranges, validators, a
//! streamed body) is the object store's.
//!
//! Players ask for many ranges of one song, so which object answers is kept in memory (topic
//! `streams`, see `shared::table_notices`): migration 21's triggers drop it on every instance
//! when a song is deleted or its renditions change.

use std::sync::Arc;

use axum::http::{HeaderMap, Method};
use axum::response::Response;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::signing::LINK_LIFETIME_SECS;
use super::store::songs::{self as store, StreamSource};
use super::{Catalog, CatalogError};
use crate::shared::{Cache, TableNotices};
use crate::storage::serve::Object;

/// The notice topic of what answers songs' streams.
pub const TOPIC: &str = "streams";
/// Songs' sources remembered at most, one per quality asked (about 200 bytes each).
const MOST_ENTRIES: usize = 50_000;

/// The source of each (song, quality) streamed lately.
pub type StreamSources = Cache<(Uuid, String), Arc<StreamSource>>;

pub fn cache(notices: &TableNotices) -> StreamSources {
    notices.cache(TOPIC, MOST_ENTRIES)
}

/// The qualities a client may ask for; `original` is the uploaded file.
pub const QUALITIES: [&str; 5] = ["original", "high", "medium", "low", "mp3"];

/// A quality as asked (`original` when left out), or `UnknownQuality`.
pub fn quality(asked: Option<&str>) -> Result<&str, CatalogError> {
    let quality = asked.unwrap_or("original");
    if QUALITIES.contains(&quality) {
        Ok(quality)
    } else {
        Err(CatalogError::UnknownQuality)
    }
}

/// A signed link to a song's stream and when it stops working.
pub struct StreamLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// A stream that is what was asked for never changes (a song's files are never replaced):
/// clients and caches keep it for a year, still private, as it needs the caller's right.
const SETTLED: &str = "private, max-age=31536000, immutable";
/// The original standing in for a rendition not made yet: the same URL will serve the
/// rendition once it is, so clients revalidate (the ETag tells them whether it changed).
const STANDING_IN: &str = "private, no-cache";

impl StreamSource {
    /// The rendition when that quality is ready, else the original: `(key, content type,
    /// Cache-Control)`.
    fn object(&self, quality: &str) -> (&str, &str, &'static str) {
        match (&self.rendition, &self.rendition_type) {
            (Some(key), Some(content_type)) => (key, content_type, SETTLED),
            _ => (
                &self.original,
                self.original_type
                    .as_deref()
                    .unwrap_or("application/octet-stream"),
                if quality == "original" {
                    SETTLED
                } else {
                    STANDING_IN
                },
            ),
        }
    }
}

impl Catalog {
    pub async fn stream(
        &self,
        song_id: Uuid,
        quality: &str,
        method: &Method,
        headers: &HeaderMap,
    ) -> Result<Response, CatalogError> {
        let source = self
            .stream_sources
            .get_or_read((song_id, quality.to_owned()), async {
                store::stream_source(&self.db, song_id, quality)
                    .await?
                    .map(Arc::new)
                    .ok_or(CatalogError::SongNotFound)
            })
            .await?;
        let (key, content_type, cache_control) = source.object(quality);
        let object = Object {
            key,
            content_type,
            cache_control,
        };
        self.storage
            .respond(object, method, headers)
            .await?
            .ok_or(CatalogError::SongNotFound)
    }

    /// Songs or renditions changed in a statement this process committed.
    pub(super) fn streams_changed(&self) {
        self.notices.forget(TOPIC);
    }

    /// Whether a signed link for this song and quality is genuine and unexpired.
    pub fn stream_link_valid(
        &self,
        song: Uuid,
        quality: &str,
        expires: i64,
        signature: &str,
    ) -> bool {
        self.signer.verify(song, quality, expires, signature)
    }

    /// A link that streams `song` in `quality` for a few minutes, for `<audio src>`.
    pub async fn stream_link(&self, song: Uuid, quality: &str) -> Result<StreamLink, CatalogError> {
        self.require_song(song).await?;
        let expires = Utc::now().timestamp() + LINK_LIFETIME_SECS;
        let signature = self.signer.sign(song, quality, expires);
        Ok(StreamLink {
            url: format!(
                "/api/v1/songs/{song}/stream?quality={quality}&expires={expires}&signature={signature}"
            ),
            expires_at: DateTime::from_timestamp(expires, 0).unwrap_or_default(),
        })
    }
}
