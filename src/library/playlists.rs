//! /api/v1/playlists: ordered, public or private playlists. A private playlist exists for its
//! owner only: everyone else, administrators included, gets 404.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::playlists_store::{self as store, ItemError, PlaylistRow};
use crate::accounts::{AuthUser, MaybeAuthUser};
use crate::app::AppState;
use crate::catalog::songs::store as songs;
use crate::catalog::songs::views::{OwnerView, SongView};
use crate::http::pagination::PageQuery;
use crate::http::{ApiError, ApiJson, ErrorKind, FieldError, Problem, pagination};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_playlist))
        .routes(routes!(get_playlist, update_playlist, delete_playlist))
        .routes(routes!(list_items, add_item))
        .routes(routes!(move_item, remove_item))
        .routes(routes!(my_playlists))
        .routes(routes!(user_playlists))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistView {
    id: Uuid,
    title: String,
    /// public or private.
    visibility: String,
    owner: OwnerView,
    item_count: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<PlaylistRow> for PlaylistView {
    fn from(row: PlaylistRow) -> Self {
        Self {
            id: row.playlistid,
            visibility: row.visibility.clone().unwrap_or_else(|| "public".into()),
            title: row.title,
            owner: OwnerView {
                id: row.ownerid,
                name: row.ownername,
            },
            item_count: row.itemcount,
            created_at: row.createdat,
            updated_at: row.updatedat,
        }
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorKind::NotFound,
        "playlist_not_found",
        "There is no such playlist.",
    )
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::validation(vec![FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }])
}

/// The playlist if `viewer` may see it.
async fn visible(
    state: &AppState,
    id: Uuid,
    viewer: Option<Uuid>,
) -> Result<PlaylistRow, ApiError> {
    let playlist = store::find(&state.db, id).await?.ok_or_else(not_found)?;
    if playlist.is_private() && viewer != Some(playlist.ownerid) {
        return Err(not_found());
    }
    Ok(playlist)
}

/// The playlist if `caller` may change it: its owner only.
async fn owned(state: &AppState, id: Uuid, caller: &AuthUser) -> Result<PlaylistRow, ApiError> {
    let playlist = visible(state, id, Some(caller.user_id)).await?;
    if playlist.ownerid != caller.user_id {
        return Err(ApiError::new(
            ErrorKind::Forbidden,
            "not_owner",
            "Only the playlist's owner may change it.",
        ));
    }
    Ok(playlist)
}

fn check_title(title: &str) -> Result<&str, ApiError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 255 {
        return Err(invalid("title", "A title has 1 to 255 characters."));
    }
    Ok(title)
}

fn check_visibility(visibility: &str) -> Result<&'static str, ApiError> {
    match visibility {
        "public" => Ok("public"),
        "private" => Ok("private"),
        _ => Err(invalid("visibility", "Visibility is public or private.")),
    }
}

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
async fn create_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(body): ApiJson<NewPlaylist>,
) -> Result<(StatusCode, ApiJson<PlaylistView>), ApiError> {
    let title = check_title(&body.title)?;
    let visibility = check_visibility(body.visibility.as_deref().unwrap_or("public"))?;
    let id = store::create(&state.db, caller.user_id, title, visibility).await?;
    let playlist = store::find(&state.db, id).await?.ok_or_else(not_found)?;
    Ok((StatusCode::CREATED, ApiJson(playlist.into())))
}

/// A playlist (a private one for its owner only).
#[utoipa::path(get, path = "/api/v1/playlists/{id}", tag = "playlists", security((), ("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = PlaylistView), (status = 404, body = Problem)))]
async fn get_playlist(
    State(state): State<AppState>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<PlaylistView>, ApiError> {
    Ok(ApiJson(visible(&state, id, viewer.user_id()).await?.into()))
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
async fn update_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<PlaylistChanges>,
) -> Result<ApiJson<PlaylistView>, ApiError> {
    owned(&state, id, &caller).await?;
    let title = body.title.as_deref().map(check_title).transpose()?;
    let visibility = body
        .visibility
        .as_deref()
        .map(check_visibility)
        .transpose()?;
    store::update(&state.db, id, title, visibility).await?;
    Ok(ApiJson(
        store::find(&state.db, id)
            .await?
            .ok_or_else(not_found)?
            .into(),
    ))
}

/// Deletes a playlist.
#[utoipa::path(delete, path = "/api/v1/playlists/{id}", tag = "playlists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    owned(&state, id, &caller).await?;
    store::delete(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistItem {
    position: i32,
    added_at: DateTime<Utc>,
    song: SongView,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemPage {
    items: Vec<PlaylistItem>,
    next_cursor: Option<String>,
}

/// A playlist's songs in order (0-based positions), in pages.
#[utoipa::path(get, path = "/api/v1/playlists/{id}/items", tag = "playlists", security((), ("bearer" = [])), params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = ItemPage), (status = 404, body = Problem)))]
async fn list_items(
    State(state): State<AppState>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<ItemPage>, ApiError> {
    visible(&state, id, viewer.user_id()).await?;
    let limit = pagination::limit(query.limit);
    let from: i32 = pagination::decode_cursor(query.cursor.as_deref())?.unwrap_or(0);
    let rows = store::items(&state.db, id, from, limit + 1).await?;
    let (rows, next_cursor) = pagination::finish_page(rows, limit, |(position, _, _)| position + 1);
    let ids: Vec<Uuid> = rows.iter().map(|(_, song, _)| *song).collect();
    let mut songs = songs::find_many(&state.db, &ids).await?;
    let items = rows
        .into_iter()
        .filter_map(|(position, song, added_at)| {
            let row = songs.remove(&song)?;
            Some(PlaylistItem {
                position,
                added_at,
                song: row.into(),
            })
        })
        .collect();
    Ok(ApiJson(ItemPage { items, next_cursor }))
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

fn item_error(error: ItemError) -> ApiError {
    match error {
        ItemError::PlaylistNotFound => not_found(),
        ItemError::SongNotFound => ApiError::new(
            ErrorKind::NotFound,
            "song_not_found",
            "There is no such song.",
        ),
        ItemError::NotInPlaylist => ApiError::new(
            ErrorKind::NotFound,
            "item_not_found",
            "The song is not in this playlist.",
        ),
        ItemError::AlreadyThere => ApiError::new(
            ErrorKind::Conflict,
            "song_already_in_playlist",
            "The song is in this playlist already.",
        ),
        ItemError::BadPosition { items } => invalid(
            "position",
            &format!("The position must be between 0 and {items}."),
        ),
        ItemError::Full => ApiError::new(
            ErrorKind::Unprocessable,
            "playlist_full",
            "A playlist holds at most 10,000 songs.",
        ),
        ItemError::Database(error) => ApiError::internal(error),
    }
}

/// Adds a song at the end or at a position.
#[utoipa::path(post, path = "/api/v1/playlists/{id}/items", tag = "playlists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = NewItem,
    responses((status = 201, body = ItemPosition), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn add_item(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<NewItem>,
) -> Result<(StatusCode, ApiJson<ItemPosition>), ApiError> {
    owned(&state, id, &caller).await?;
    let position = store::add(&state.db, id, body.song_id, body.position)
        .await
        .map_err(item_error)?;
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
async fn move_item(
    State(state): State<AppState>,
    caller: AuthUser,
    Path((id, song)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<MoveItem>,
) -> Result<ApiJson<ItemPosition>, ApiError> {
    owned(&state, id, &caller).await?;
    let position = store::move_item(&state.db, id, song, body.position)
        .await
        .map_err(item_error)?;
    Ok(ApiJson(ItemPosition { position }))
}

/// Removes a song from the playlist.
#[utoipa::path(delete, path = "/api/v1/playlists/{id}/items/{songId}", tag = "playlists", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("songId" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn remove_item(
    State(state): State<AppState>,
    caller: AuthUser,
    Path((id, song)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    owned(&state, id, &caller).await?;
    store::remove(&state.db, id, song)
        .await
        .map_err(item_error)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistPage {
    items: Vec<PlaylistView>,
    next_cursor: Option<String>,
}

async fn owner_page(
    state: &AppState,
    owner: Uuid,
    include_private: bool,
    query: PageQuery,
) -> Result<ApiJson<PlaylistPage>, ApiError> {
    let limit = pagination::limit(query.limit);
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let rows = store::list_for_owner(&state.db, owner, include_private, after, limit + 1).await?;
    let (rows, next_cursor) =
        pagination::finish_page(rows, limit, |last| (last.createdat, last.playlistid));
    Ok(ApiJson(PlaylistPage {
        items: rows.into_iter().map(PlaylistView::from).collect(),
        next_cursor,
    }))
}

/// The caller's playlists, private ones included, newest first.
#[utoipa::path(get, path = "/api/v1/me/playlists", tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = PlaylistPage)))]
async fn my_playlists(
    State(state): State<AppState>,
    caller: AuthUser,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<PlaylistPage>, ApiError> {
    owner_page(&state, caller.user_id, true, query).await
}

/// A user's public playlists (all of them when the caller is that user).
#[utoipa::path(get, path = "/api/v1/users/{id}/playlists", tag = "users", security((), ("bearer" = [])), params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = PlaylistPage)))]
async fn user_playlists(
    State(state): State<AppState>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<PlaylistPage>, ApiError> {
    owner_page(&state, id, viewer.user_id() == Some(id), query).await
}
