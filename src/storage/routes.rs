//! GET /media/{key}: media files, straight from the object store. Keys hold a fresh UUID per
//! upload, so a file never changes under its URL and may be cached for a long time.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use super::is_valid_key;
use crate::http::{ApiError, ErrorKind, Problem};
use crate::state::AppState;

/// The key spans several path segments, which needs axum's `{*key}`; the OpenAPI document
/// names it as the plain parameter `{key}`.
pub fn router() -> OpenApiRouter<AppState> {
    #[derive(OpenApi)]
    #[openapi(paths(get_media))]
    struct MediaDoc;
    OpenApiRouter::with_openapi(MediaDoc::openapi()).route("/media/{*key}", get(get_media))
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorKind::NotFound,
        "media_not_found",
        "There is no such media file.",
    )
}

/// A media file (poster, avatar) by its key.
#[utoipa::path(get, path = "/media/{key}", tag = "media",
    params(("key" = String, Path, description = "The media key, e.g. avatars/<user>/<id>/256.jpg")),
    responses((status = 200, description = "The file"), (status = 304), (status = 404, body = Problem)))]
async fn get_media(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !is_valid_key(&key) {
        return Err(not_found());
    }
    let etag = format!("\"{}\"", crate::accounts::secrets::token_hash(&key));
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag))
    {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let bytes = state.storage.get(&key).await?.ok_or_else(not_found)?;
    let content_type = match key.rsplit('.').next() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    };
    let mut response = bytes.into_response();
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    Ok(response)
}
