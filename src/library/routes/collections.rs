//! Likes (public signals that feed popularity and Trending) and favourites (a private
//! collection), both idempotent, and the caller's own lists of each.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use uuid::Uuid;

use crate::accounts::AuthUser;
use crate::http::pagination::{self, Page, PageQuery};
use crate::http::{ApiError, ApiJson, Problem};
use crate::library::{CollectedSong, Collection, Library};

/// Likes a song (again: no change).
#[utoipa::path(put, path = "/api/v1/songs/{id}/like", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
pub async fn like(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    library
        .collect(Collection::Likes, caller.user_id, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a like back (none: no change).
#[utoipa::path(delete, path = "/api/v1/songs/{id}/like", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
pub async fn unlike(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    library
        .uncollect(Collection::Likes, caller.user_id, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a song to the caller's favourites (again: no change).
#[utoipa::path(put, path = "/api/v1/songs/{id}/favorite", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
pub async fn favorite(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    library
        .collect(Collection::Favorites, caller.user_id, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a song from the caller's favourites.
#[utoipa::path(delete, path = "/api/v1/songs/{id}/favorite", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
pub async fn unfavorite(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    library
        .uncollect(Collection::Favorites, caller.user_id, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn page(
    library: &Library,
    collection: Collection,
    caller: AuthUser,
    query: PageQuery,
) -> Result<ApiJson<Page<CollectedSong>>, ApiError> {
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let limit = pagination::limit(query.limit);
    Ok(ApiJson(
        library
            .collection(collection, caller.user_id, after, limit)
            .await?,
    ))
}

/// The songs the caller liked, most recent first.
#[utoipa::path(get, path = "/api/v1/me/likes", tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<CollectedSong>)))]
pub async fn my_likes(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<Page<CollectedSong>>, ApiError> {
    page(&library, Collection::Likes, caller, query).await
}

/// The caller's favourites, most recent first.
#[utoipa::path(get, path = "/api/v1/me/favorites", tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<CollectedSong>)))]
pub async fn my_favorites(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<Page<CollectedSong>>, ApiError> {
    page(&library, Collection::Favorites, caller, query).await
}
