//! GET/HEAD /songs/{id}/stream: one rendition with HTTP Range support, read from the object
//! store as the client takes it (never whole in memory), from disk and S3 alike.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::catalog::{Catalog, CatalogError};
use crate::media::range::{RangeError, RangeRequest};

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
        let meta = self
            .storage
            .head(&source.key)
            .await?
            .ok_or(CatalogError::SongNotFound)?;
        let length = meta.size;
        let modified: DateTime<Utc> = meta.last_modified;
        let etag = format!("\"{:x}-{:x}\"", length, modified.timestamp_micros());
        let last_modified = modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string();

        // If-Range: the range applies only to the representation the client has.
        let range_header = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
        let if_range_holds = headers
            .get(header::IF_RANGE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|tag| tag == etag || tag == last_modified);
        let range = if if_range_holds {
            match RangeRequest::parse(range_header, length) {
                Ok(range) => range,
                Err(RangeError::NotSatisfiable) => return Ok(unsatisfiable(length)),
                Err(error) => return Err(error.into()),
            }
        } else {
            RangeRequest::Whole
        };
        let (status, start, end) = match range {
            RangeRequest::Whole => (StatusCode::OK, 0, length.saturating_sub(1)),
            RangeRequest::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end),
        };
        let body_length = if length == 0 { 0 } else { end - start + 1 };
        let body = if method == Method::HEAD || body_length == 0 {
            Body::empty()
        } else {
            Body::from_stream(self.storage.stream_range(&source.key, start, end).await?)
        };
        let mut response = (status, body).into_response();
        let out = response.headers_mut();
        let value =
            |text: &str| HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static(""));
        out.insert(header::CONTENT_TYPE, value(&source.content_type));
        out.insert(header::CONTENT_LENGTH, HeaderValue::from(body_length));
        out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        out.insert(header::ETAG, value(&etag));
        out.insert(header::LAST_MODIFIED, value(&last_modified));
        out.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=3600"),
        );
        out.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        if status == StatusCode::PARTIAL_CONTENT {
            out.insert(
                header::CONTENT_RANGE,
                value(&format!("bytes {start}-{end}/{length}")),
            );
        }
        Ok(response)
    }
}

/// 416 with the length the client should have asked within.
fn unsatisfiable(length: u64) -> Response {
    let mut response = crate::http::ApiError::from(CatalogError::Range(RangeError::NotSatisfiable))
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("bytes */{length}")) {
        response.headers_mut().insert(header::CONTENT_RANGE, value);
    }
    response
}
