//! GET/HEAD /songs/{id}/stream: which stored object answers for a song and a quality; the
//! answer itself (ranges, validators, a streamed body) is the object store's.

use axum::http::{HeaderMap, Method};
use axum::response::Response;
use uuid::Uuid;

use crate::catalog::{Catalog, CatalogError};
use crate::storage::serve::Object;

/// The qualities a client may ask for; `original` is the uploaded file.
pub const QUALITIES: [&str; 5] = ["original", "high", "medium", "low", "mp3"];

/// The object to serve for a quality: its rendition when ready, else the original.
struct Source {
    key: String,
    content_type: String,
}

#[derive(sqlx::FromRow)]
struct SourceRow {
    original: String,
    original_type: Option<String>,
    rendition: Option<String>,
    rendition_type: Option<String>,
}

impl Catalog {
    /// One light query per stream request (players ask for many ranges): the original's key
    /// and the rendition's, if that quality is ready.
    async fn source(&self, song: Uuid, quality: &str) -> Result<Source, CatalogError> {
        let row: Option<SourceRow> = sqlx::query_as(
            "select s.filepublicid as original, s.contenttype as original_type,
                    r.objectkey as rendition, r.contenttype as rendition_type
               from songs s
               left join songrenditions r on r.songid = s.songid and r.quality = $2
              where s.songid = $1",
        )
        .bind(song)
        .bind(quality)
        .fetch_optional(&self.db)
        .await?;
        let row = row.ok_or(CatalogError::SongNotFound)?;
        Ok(match (row.rendition, row.rendition_type) {
            (Some(key), Some(content_type)) => Source { key, content_type },
            _ => Source {
                key: row.original,
                content_type: row
                    .original_type
                    .unwrap_or_else(|| "application/octet-stream".into()),
            },
        })
    }

    pub async fn stream(
        &self,
        song_id: Uuid,
        quality: &str,
        method: &Method,
        headers: &HeaderMap,
    ) -> Result<Response, CatalogError> {
        let source = self.source(song_id, quality).await?;
        let object = Object {
            key: &source.key,
            content_type: &source.content_type,
            cache_control: "private, max-age=3600",
        };
        self.storage
            .respond(object, method, headers)
            .await?
            .ok_or(CatalogError::SongNotFound)
    }
}
