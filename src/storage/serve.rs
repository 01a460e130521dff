//! GET and HEAD of one stored object, shared by the media route and the song stream: byte
//! ranges (RFC 9110 §14), validators (`ETag`, `Last-Modified`, `If-None-Match`, `If-Range`),
//! and a body read from the store as the client takes it, never whole in memory, from disk
//! and S3 alike.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::Storage;
use super::local_read::LocalFile;
use crate::http::{ApiError, ErrorKind, conditional};
use crate::media::range::{NotSatisfiable, RangeRequest};

/// What to serve: the object's key and the headers that depend on what it is.
pub struct Object<'a> {
    pub key: &'a str,
    pub content_type: &'a str,
    pub cache_control: &'static str,
}

impl Storage {
    /// The answer to a GET or HEAD of `object`, or `None` if the store holds no such object.
    pub async fn respond(
        &self,
        object: Object<'_>,
        method: &Method,
        headers: &HeaderMap,
    ) -> anyhow::Result<Option<Response>> {
        let Some(found) = self.find_for_answer(object.key).await? else {
            return Ok(None);
        };
        let length = found.size;
        let modified: DateTime<Utc> = found.modified;
        let etag = format!("\"{:x}-{:x}\"", length, modified.timestamp_micros());
        let last_modified = modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let header_text = |name| {
            headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };

        let not_modified = conditional::none_match(headers, &etag);
        // If-Range: the range applies only to the representation the client has.
        let if_range_holds =
            header_text(header::IF_RANGE).is_none_or(|tag| tag == etag || tag == last_modified);
        let range = if not_modified || !if_range_holds {
            RangeRequest::Whole
        } else {
            match RangeRequest::parse(header_text(header::RANGE), length) {
                Ok(range) => range,
                Err(NotSatisfiable) => return Ok(Some(unsatisfiable(length))),
            }
        };
        let (status, start, end) = match range {
            _ if not_modified => (StatusCode::NOT_MODIFIED, 0, 0),
            RangeRequest::Whole => (StatusCode::OK, 0, length.saturating_sub(1)),
            RangeRequest::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end),
        };
        let body_length = match status {
            StatusCode::NOT_MODIFIED => 0,
            _ if length == 0 => 0,
            _ => end - start + 1,
        };
        let body = if method == Method::HEAD || body_length == 0 {
            Body::empty()
        } else {
            match found.local {
                Some(file) => Body::from_stream(file.range(start, end)),
                None => Body::from_stream(self.stream_range(object.key, start, end).await?),
            }
        };
        let mut response = (status, body).into_response();
        let out = response.headers_mut();
        let value =
            |text: &str| HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static(""));
        out.insert(header::ETAG, value(&etag));
        out.insert(header::LAST_MODIFIED, value(&last_modified));
        out.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(object.cache_control),
        );
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Some(response));
        }
        out.insert(header::CONTENT_TYPE, value(object.content_type));
        out.insert(header::CONTENT_LENGTH, HeaderValue::from(body_length));
        out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
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
        Ok(Some(response))
    }
}

/// An object about to be answered: its size and time, and the open file when it is local
/// (opened once, for both).
struct Found {
    size: u64,
    modified: DateTime<Utc>,
    local: Option<LocalFile>,
}

impl Storage {
    async fn find_for_answer(&self, key: &str) -> anyhow::Result<Option<Found>> {
        if let Some(local) = &self.local {
            return Ok(self.local_file(local, key).await?.map(|file| Found {
                size: file.size,
                modified: file.modified,
                local: Some(file),
            }));
        }
        Ok(self.head(key).await?.map(|meta| Found {
            size: meta.size,
            modified: meta.last_modified,
            local: None,
        }))
    }
}

/// 416 with the length the client should have asked within.
fn unsatisfiable(length: u64) -> Response {
    let mut response = ApiError::new(
        ErrorKind::RangeNotSatisfiable,
        "range_not_satisfiable",
        "The range starts past the end of the file.",
    )
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("bytes */{length}")) {
        response.headers_mut().insert(header::CONTENT_RANGE, value);
    }
    response
}
