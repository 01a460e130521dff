//! GET /api/v1/search.

use std::sync::Arc;

use axum::extract::{Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Search, SearchQuery, SearchResults};
use crate::accounts::MaybeAuthUser;
use crate::http::{ApiError, ApiJson, Problem};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// What to look for: 1 to 200 characters, at most 8 words are used.
    q: Option<String>,
    /// Comma-separated kinds: songs, albums, artists, users, playlists. [default: all]
    #[serde(rename = "type")]
    kinds: Option<String>,
    /// Results per kind, 1 to 50 (values outside are clamped). [default: 10]
    limit: Option<i64>,
}

/// Songs (by title, artists and album title), albums (by title and album artists), artists, users and playlists (public ones, and the caller's
/// own private ones) matching `q`, each kind ranked and limited.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", security((), ("bearer" = [])), params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 400, body = Problem)))]
pub async fn search(
    State(search): State<Arc<Search>>,
    viewer: MaybeAuthUser,
    Query(params): Query<SearchParams>,
) -> Result<ApiJson<SearchResults>, ApiError> {
    let query = SearchQuery::parse(params.q.as_deref(), params.kinds.as_deref(), params.limit)?;
    Ok(ApiJson(search.search(&query, viewer.user_id()).await?))
}
