//! /api/v1/playlists/{id}/items: a playlist's songs in order (0-based, dense positions),
//! each answered with what the caller did with it.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::accounts::{AuthUser, MaybeAuthUser};
use crate::http::pagination::{self, Page, PageQuery};
use crate::http::{ApiError, ApiJson, Problem};
use crate::library::{Library, PlaylistItem};

/// A playlist's songs in order (0-based positions), in pages.
#[utoipa::path(get, path = "/api/v1/playlists/{id}/items", tag = "playlists", security((), ("bearer" = [])), params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<PlaylistItem>), (status = 404, body = Problem)))]
pub async fn list_items(
    State(library): State<Arc<Library>>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<Page<PlaylistItem>>, ApiError> {
    let from: i32 = pagination::decode_cursor(query.cursor.as_deref())?.unwrap_or(0);
    let limit = pagination::limit(query.limit);
    Ok(ApiJson(
        library
            .playlist_items(id, viewer.user_id(), from, limit)
            .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewItem {
    song_id: Uuid,
    /// 0-based; default: the end.
    #[serde(
        default,
        deserialize_with = "crate::http::json::whole_number::optional"
    )]
    position: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemPosition {
    position: i32,
}

/// Adds a song at the end or at a position.
#[utoipa::path(post, path = "/api/v1/playlists/{id}/items", tag = "playlists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = NewItem,
    responses((status = 201, body = ItemPosition), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_item(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<NewItem>,
) -> Result<(StatusCode, ApiJson<ItemPosition>), ApiError> {
    let position = library
        .add_item(id, caller.user_id, body.song_id, body.position)
        .await?;
    Ok((StatusCode::CREATED, ApiJson(ItemPosition { position })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveItem {
    /// The new 0-based position.
    #[serde(deserialize_with = "crate::http::json::whole_number::required")]
    position: i64,
}

/// Moves a song within the playlist.
#[utoipa::path(patch, path = "/api/v1/playlists/{id}/items/{songId}", tag = "playlists", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("songId" = Uuid, Path)), request_body = MoveItem,
    responses((status = 200, body = ItemPosition), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn move_item(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Path((id, song)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<MoveItem>,
) -> Result<ApiJson<ItemPosition>, ApiError> {
    let position = library
        .move_item(id, caller.user_id, song, body.position)
        .await?;
    Ok(ApiJson(ItemPosition { position }))
}

/// Removes a song from the playlist.
#[utoipa::path(delete, path = "/api/v1/playlists/{id}/items/{songId}", tag = "playlists", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("songId" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn remove_item(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Path((id, song)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    library.remove_item(id, caller.user_id, song).await?;
    Ok(StatusCode::NO_CONTENT)
}
