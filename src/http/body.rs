//! Request bodies read with a limit enforced while reading: a body announced or found larger
//! than the limit is refused (413) as soon as that is known, never buffered whole first. For
//! routes that check who may send a body before they read it.

use axum::body::{Body, Bytes, HttpBody};
use futures_util::StreamExt;

use super::error::{ApiError, ErrorKind};

/// The whole body, if it holds at most `limit` bytes.
pub async fn read_limited(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    if body.size_hint().lower() > limit as u64 {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::new(
                ErrorKind::BadRequest,
                "unreadable_body",
                "The request body could not be read.",
            )
        })?;
        if bytes.len() + chunk.len() > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(bytes))
}

pub fn too_large() -> ApiError {
    ApiError::new(
        ErrorKind::PayloadTooLarge,
        "payload_too_large",
        "The request body is larger than this server accepts.",
    )
}
