//! The discovery routes under /api/v1/discover.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use uuid::Uuid;

use super::rebuild::{NEW_RELEASES, TRENDING};
use super::{AutoPlaylistView, AutoPlaylistWithSongs, Discovery};
use crate::accounts::MaybeAuthUser;
use crate::catalog::{AlbumCursor, AlbumSort, AlbumView};
use crate::http::pagination::{self, Page, PageQuery};
use crate::http::{ApiError, ApiJson, Problem};

/// The auto-generated playlists.
#[utoipa::path(get, path = "/api/v1/discover/playlists", tag = "discovery",
    responses((status = 200, body = Vec<AutoPlaylistView>)))]
pub async fn list_playlists(
    State(discovery): State<Arc<Discovery>>,
) -> Result<ApiJson<Vec<AutoPlaylistView>>, ApiError> {
    Ok(ApiJson(discovery.playlists().await?))
}

/// One auto-generated playlist with its songs in order.
#[utoipa::path(get, path = "/api/v1/discover/playlists/{id}", tag = "discovery", security((), ("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = AutoPlaylistWithSongs), (status = 404, body = Problem)))]
pub async fn get_playlist(
    State(discovery): State<Arc<Discovery>>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<AutoPlaylistWithSongs>, ApiError> {
    Ok(ApiJson(discovery.playlist(id, viewer.user_id()).await?))
}

/// Trending: likes and plays of the last 7 days, recent ones weighing more.
#[utoipa::path(get, path = "/api/v1/discover/trending", tag = "discovery", security((), ("bearer" = [])),
    responses((status = 200, body = AutoPlaylistWithSongs), (status = 404, body = Problem)))]
pub async fn trending(
    State(discovery): State<Arc<Discovery>>,
    viewer: MaybeAuthUser,
) -> Result<ApiJson<AutoPlaylistWithSongs>, ApiError> {
    Ok(ApiJson(
        discovery
            .playlist_titled(TRENDING, viewer.user_id())
            .await?,
    ))
}

/// The newest songs.
#[utoipa::path(get, path = "/api/v1/discover/new-releases", tag = "discovery", security((), ("bearer" = [])),
    responses((status = 200, body = AutoPlaylistWithSongs), (status = 404, body = Problem)))]
pub async fn new_releases(
    State(discovery): State<Arc<Discovery>>,
    viewer: MaybeAuthUser,
) -> Result<ApiJson<AutoPlaylistWithSongs>, ApiError> {
    Ok(ApiJson(
        discovery
            .playlist_titled(NEW_RELEASES, viewer.user_id())
            .await?,
    ))
}

async fn albums(
    discovery: &Discovery,
    sort: AlbumSort,
    query: PageQuery,
) -> Result<ApiJson<Page<AlbumView>>, ApiError> {
    let limit = pagination::limit(query.limit);
    let after: Option<AlbumCursor> = pagination::decode_cursor(query.cursor.as_deref())?;
    Ok(ApiJson(
        discovery.albums(sort, after.as_ref(), limit).await?,
    ))
}

/// The newest albums, in keyset pages.
#[utoipa::path(get, path = "/api/v1/discover/albums/new", tag = "discovery", params(PageQuery),
    responses((status = 200, body = Page<AlbumView>), (status = 400, body = Problem)))]
pub async fn new_albums(
    State(discovery): State<Arc<Discovery>>,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<Page<AlbumView>>, ApiError> {
    albums(&discovery, AlbumSort::Newest, query).await
}

/// The most played albums (their songs' plays together), in keyset pages.
#[utoipa::path(get, path = "/api/v1/discover/albums/popular", tag = "discovery", params(PageQuery),
    responses((status = 200, body = Page<AlbumView>), (status = 400, body = Problem)))]
pub async fn popular_albums(
    State(discovery): State<Arc<Discovery>>,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<Page<AlbumView>>, ApiError> {
    albums(&discovery, AlbumSort::Popular, query).await
}
