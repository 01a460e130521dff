//! The artwork handlers: a song's or album's poster (a redirect to it under `/media`) or, where
//! there is none, its generated picture. Public, like the song and album they belong to.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::catalog::Catalog;
use crate::catalog::artwork::{Artwork, ArtworkSize};
use crate::http::{ApiError, Problem, conditional};

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SizeParam {
    /// 128 × 128 pixels.
    Small,
    /// 512 × 512 pixels.
    Large,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ArtworkQuery {
    /// small (128 px) or large (512 px, the default).
    size: Option<SizeParam>,
}

impl ArtworkQuery {
    fn size(&self) -> ArtworkSize {
        match self.size {
            Some(SizeParam::Small) => ArtworkSize::Small,
            _ => ArtworkSize::Large,
        }
    }
}

/// A song's artwork: its poster (302 to it), else a PNG generated from its id and title.
#[utoipa::path(get, path = "/api/v1/songs/{id}/artwork", tag = "songs",
    params(("id" = Uuid, Path, description = "The song"), ArtworkQuery),
    responses((status = 200, description = "Generated artwork", content_type = "image/png"),
              (status = 302, description = "The song's poster"), (status = 304, description = "Not modified"),
              (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn song_artwork(
    State(catalog): State<Arc<Catalog>>,
    Path(id): Path<Uuid>,
    Query(query): Query<ArtworkQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    Ok(answer(
        catalog.song_artwork(id, query.size()).await?,
        &headers,
    ))
}

/// An album's artwork: its cover (302 to it), else a PNG generated from its id and title.
#[utoipa::path(get, path = "/api/v1/albums/{id}/artwork", tag = "albums",
    params(("id" = Uuid, Path, description = "The album"), ArtworkQuery),
    responses((status = 200, description = "Generated artwork", content_type = "image/png"),
              (status = 302, description = "The album's cover"), (status = 304, description = "Not modified"),
              (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn album_artwork(
    State(catalog): State<Arc<Catalog>>,
    Path(id): Path<Uuid>,
    Query(query): Query<ArtworkQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    Ok(answer(
        catalog.album_artwork(id, query.size()).await?,
        &headers,
    ))
}

/// A day: a generated picture changes only with a title edit, which its ETag tells apart.
const CACHE: &str = "public, max-age=86400";

fn answer(artwork: Artwork, headers: &HeaderMap) -> Response {
    match artwork {
        Artwork::Poster(url) => match HeaderValue::from_str(&url) {
            Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
            // A media URL is made of ids and sizes; anything else is a bug, not the caller's.
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Artwork::Generated { png, etag } => {
            let mut answer_headers = HeaderMap::new();
            answer_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
            // The ETag is hex digits in quotes; were it ever not a header value, the picture
            // is still sent, only without it.
            if let Ok(tag) = HeaderValue::from_str(&etag) {
                answer_headers.insert(header::ETAG, tag);
            }
            if conditional::none_match(headers, &etag) {
                return (StatusCode::NOT_MODIFIED, answer_headers).into_response();
            }
            answer_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
            (answer_headers, png).into_response()
        }
    }
}
