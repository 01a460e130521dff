//! The lyrics handlers: read, set (an `.lrc` file or plain text as the body) and remove.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::accounts::AuthUser;
use crate::catalog::Catalog;
use crate::catalog::album_views::LyricsView;
use crate::http::body::read_limited;
use crate::http::{ApiError, ApiJson, FieldError, Problem};
use crate::media::lyrics::MAX_LYRICS_BYTES;

/// A song's lyrics: plain lines, or lines with the millisecond each is sung at.
#[utoipa::path(get, path = "/api/v1/songs/{id}/lyrics", tag = "songs",
    params(("id" = Uuid, Path, description = "The song")),
    responses((status = 200, body = LyricsView), (status = 404, body = Problem)))]
pub async fn get_lyrics(
    State(catalog): State<Arc<Catalog>>,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<LyricsView>, ApiError> {
    Ok(ApiJson(catalog.lyrics(id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LyricsQuery {
    /// The lyrics' language as an ISO 639 code (`en`, `deu`), when the text does not say.
    language: Option<String>,
}

/// Sets a song's lyrics (its owner or an administrator). The body is UTF-8 text: an `.lrc`
/// file (`[mm:ss.xx]line`, synced) or plain lines. A time stamp that is not a time refuses
/// the whole text.
#[utoipa::path(put, path = "/api/v1/songs/{id}/lyrics", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path), LyricsQuery), request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = LyricsView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn put_lyrics(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    Query(query): Query<LyricsQuery>,
    body: Body,
) -> Result<ApiJson<LyricsView>, ApiError> {
    // Who may change the song is settled before a byte of the body is read.
    catalog.lyrics_editable(&caller, id).await?;
    let bytes = read_limited(body, MAX_LYRICS_BYTES).await?;
    let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
        ApiError::validation(vec![FieldError {
            field: "lyrics".to_owned(),
            message: "Send the lyrics as UTF-8 text.".to_owned(),
        }])
    })?;
    let lyrics = catalog
        .set_lyrics(&caller, id, &text, query.language.as_deref())
        .await?;
    Ok(ApiJson(lyrics))
}

/// Removes a song's lyrics (its owner or an administrator).
#[utoipa::path(delete, path = "/api/v1/songs/{id}/lyrics", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_lyrics(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    catalog.delete_lyrics(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
