//! The artist handlers: create, list, read, change, delete, their picture and their songs.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::accounts::{AuthUser, MaybeAuthUser};
use crate::catalog::Catalog;
use crate::catalog::artists::ArtistInput;
use crate::catalog::views::{ArtistView, SongView};
use crate::http::body::read_limited;
use crate::http::pagination::{self, Page};
use crate::http::{ApiError, ApiJson, Problem};
use crate::media::images;

/// Creates an artist. Needs a verified email.
#[utoipa::path(post, path = "/api/v1/artists", tag = "artists", security(("bearer" = [])), request_body = ArtistInput,
    responses((status = 201, body = ArtistView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_artist(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    ApiJson(input): ApiJson<ArtistInput>,
) -> Result<(StatusCode, ApiJson<ArtistView>), ApiError> {
    let artist = catalog.create_artist(&caller, &input).await?;
    Ok((StatusCode::CREATED, ApiJson(artist.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ArtistListQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Artists by name, in keyset pages.
#[utoipa::path(get, path = "/api/v1/artists", tag = "artists", params(ArtistListQuery),
    responses((status = 200, body = Page<ArtistView>), (status = 400, body = Problem)))]
pub async fn list_artists(
    State(catalog): State<Arc<Catalog>>,
    Query(query): Query<ArtistListQuery>,
) -> Result<ApiJson<Page<ArtistView>>, ApiError> {
    let limit = pagination::limit(query.limit);
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let page = catalog.artists(after, limit).await?;
    Ok(ApiJson(Page {
        items: page.items.into_iter().map(ArtistView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One artist.
#[utoipa::path(get, path = "/api/v1/artists/{id}", tag = "artists", params(("id" = Uuid, Path)),
    responses((status = 200, body = ArtistView), (status = 404, body = Problem)))]
pub async fn get_artist(
    State(catalog): State<Arc<Catalog>>,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<ArtistView>, ApiError> {
    Ok(ApiJson(catalog.artist(id).await?.into()))
}

/// Changes an artist. `verified` is for administrators only.
#[utoipa::path(patch, path = "/api/v1/artists/{id}", tag = "artists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ArtistInput,
    responses((status = 200, body = ArtistView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_artist(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ArtistInput>,
) -> Result<ApiJson<ArtistView>, ApiError> {
    Ok(ApiJson(
        catalog.update_artist(&caller, id, &input).await?.into(),
    ))
}

/// Deletes an artist (its credits go with it; the songs stay).
#[utoipa::path(delete, path = "/api/v1/artists/{id}", tag = "artists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_artist(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    catalog.delete_artist(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets an artist's picture (JPEG, PNG or WebP by content; re-encoded square in three sizes).
#[utoipa::path(put, path = "/api/v1/artists/{id}/avatar", tag = "artists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body(content = Vec<u8>, content_type = "image/*"),
    responses((status = 200, body = ArtistView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem)))]
pub async fn put_artist_avatar(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    body: Body,
) -> Result<ApiJson<ArtistView>, ApiError> {
    // Who may change the artist is settled before a byte of the body is read.
    let artist = catalog.artist_editable(&caller, id).await?;
    let bytes = read_limited(body, images::MAX_BYTES).await?;
    let artist = catalog.set_artist_avatar(artist, Vec::from(bytes)).await?;
    Ok(ApiJson(artist.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ArtistSongsQuery {
    /// 1 to 100 (values outside are clamped); default 100. For more, page through
    /// `GET /api/v1/songs?artist=`.
    limit: Option<i64>,
}

/// The songs crediting this artist, newest first, each with every credit and role.
#[utoipa::path(get, path = "/api/v1/artists/{id}/songs", tag = "artists", security((), ("bearer" = [])),
    params(("id" = Uuid, Path), ArtistSongsQuery),
    responses((status = 200, body = Vec<SongView>), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn artist_songs(
    State(catalog): State<Arc<Catalog>>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
    Query(query): Query<ArtistSongsQuery>,
) -> Result<ApiJson<Vec<SongView>>, ApiError> {
    let limit = query.limit.unwrap_or(pagination::MAX_LIMIT);
    let songs = catalog.artist_songs(id, limit, viewer.user_id()).await?;
    Ok(ApiJson(songs))
}
