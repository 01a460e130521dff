//! /api/v1/playlists, /me/playlists, /users/{id}/playlists: ordered, public or private
//! playlists. A private playlist exists for its owner only: everyone else, administrators
//! included, gets 404.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::accounts::{AuthUser, MaybeAuthUser};
use crate::http::pagination::{self, Page, PageQuery};
use crate::http::{ApiError, ApiJson, Problem};
use crate::library::{Library, PlaylistView};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlaylist {
    #[schema(schema_with = title)]
    title: String,
    /// public (default) or private.
    #[schema(schema_with = visibility)]
    visibility: Option<String>,
}

fn title() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::text(1, 255, false)
}

fn optional_title() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::text(1, 255, true)
}

fn visibility() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::one_of(&["public", "private"], true)
}

/// Creates a playlist.
#[utoipa::path(post, path = "/api/v1/playlists", tag = "playlists", security(("bearer" = [])), request_body = NewPlaylist,
    responses((status = 201, body = PlaylistView), (status = 422, body = Problem)))]
pub async fn create_playlist(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    ApiJson(body): ApiJson<NewPlaylist>,
) -> Result<(StatusCode, ApiJson<PlaylistView>), ApiError> {
    let playlist = library
        .create_playlist(caller.user_id, &body.title, body.visibility.as_deref())
        .await?;
    Ok((StatusCode::CREATED, ApiJson(playlist)))
}

/// A playlist (a private one for its owner only).
#[utoipa::path(get, path = "/api/v1/playlists/{id}", tag = "playlists", security((), ("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = PlaylistView), (status = 404, body = Problem)))]
pub async fn get_playlist(
    State(library): State<Arc<Library>>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<PlaylistView>, ApiError> {
    Ok(ApiJson(library.playlist(id, viewer.user_id()).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaylistChanges {
    #[schema(schema_with = optional_title)]
    title: Option<String>,
    #[schema(schema_with = visibility)]
    visibility: Option<String>,
}

/// Renames a playlist or changes its visibility.
#[utoipa::path(patch, path = "/api/v1/playlists/{id}", tag = "playlists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = PlaylistChanges,
    responses((status = 200, body = PlaylistView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_playlist(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<PlaylistChanges>,
) -> Result<ApiJson<PlaylistView>, ApiError> {
    let playlist = library
        .change_playlist(
            id,
            caller.user_id,
            body.title.as_deref(),
            body.visibility.as_deref(),
        )
        .await?;
    Ok(ApiJson(playlist))
}

/// Deletes a playlist.
#[utoipa::path(delete, path = "/api/v1/playlists/{id}", tag = "playlists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_playlist(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    library.delete_playlist(id, caller.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn owner_page(
    library: &Library,
    owner: Uuid,
    viewer: Option<Uuid>,
    query: PageQuery,
) -> Result<ApiJson<Page<PlaylistView>>, ApiError> {
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let limit = pagination::limit(query.limit);
    Ok(ApiJson(
        library.playlists_of(owner, viewer, after, limit).await?,
    ))
}

/// The caller's playlists, private ones included, newest first.
#[utoipa::path(get, path = "/api/v1/me/playlists", tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<PlaylistView>)))]
pub async fn my_playlists(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<Page<PlaylistView>>, ApiError> {
    owner_page(&library, caller.user_id, Some(caller.user_id), query).await
}

/// A user's public playlists (all of them when the caller is that user).
#[utoipa::path(get, path = "/api/v1/users/{id}/playlists", tag = "users", security((), ("bearer" = [])), params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<PlaylistView>)))]
pub async fn user_playlists(
    State(library): State<Arc<Library>>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<Page<PlaylistView>>, ApiError> {
    owner_page(&library, id, viewer.user_id(), query).await
}
