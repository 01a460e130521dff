//! Keyset pagination as the API conventions have it: `?limit=` (default 20, at most 100) and
//! an opaque `?cursor=`, answered as `{"items": [...], "nextCursor": ... | null}`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{ApiError, ErrorKind};

/// `?limit=&cursor=` for any list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// 1 to 100 (values outside are clamped); default 20.
    pub limit: Option<i64>,
    /// The previous page's `nextCursor`.
    #[param(schema_with = super::openapi::cursor)]
    pub cursor: Option<String>,
}

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// The page size asked for, clamped to 1..=100 (documented: out-of-range values are clamped).
pub fn limit(asked: Option<i64>) -> i64 {
    asked.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

/// The position a cursor names; `invalid_query` when it is not one of ours.
pub fn decode_cursor<T: DeserializeOwned>(cursor: Option<&str>) -> Result<Option<T>, ApiError> {
    let Some(text) = cursor else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .map(Some)
        .ok_or_else(|| ApiError::new(ErrorKind::BadRequest, "invalid_query", "Invalid cursor."))
}

/// Splits a page fetched with `limit + 1` rows into the page and the cursor after it (from
/// the last row kept, via `position`).
pub fn finish_page<R, P: Serialize>(
    mut rows: Vec<R>,
    limit: i64,
    position: impl Fn(&R) -> P,
) -> (Vec<R>, Option<String>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = match (more, rows.last()) {
        (true, Some(last)) => serde_json::to_vec(&position(last))
            .ok()
            .map(|bytes| URL_SAFE_NO_PAD.encode(bytes)),
        _ => None,
    };
    (rows, next)
}

/// One page of any list: `{"items": [...], "nextCursor": ... | null}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Passed back as `?cursor=` for the next page; null on the last one.
    pub next_cursor: Option<String>,
}
