//! GET /api/v1/search: typo-tolerant, accent- and case-insensitive, as you type, ranked by
//! text similarity blended with popularity. Every branch is served by a trigram GIN index on
//! normalised text (migration 7).

mod query;
pub mod songs;
pub mod sql;

use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::accounts::MaybeAuthUser;
use crate::app::AppState;
use crate::catalog::songs::store as song_store;
use crate::catalog::songs::views::SongView;
use crate::http::{ApiError, ApiJson, Problem};
pub use query::{Kinds, SearchQuery};

/// The search service: what its routes call.
pub struct Search {
    pub db: sqlx::PgPool,
    pub catalog: std::sync::Arc<crate::catalog::Catalog>,
}

impl Search {
    pub fn new(db: sqlx::PgPool, catalog: std::sync::Arc<crate::catalog::Catalog>) -> Self {
        Self { db, catalog }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// What to look for: 1 to 200 characters, at most 8 words are used.
    q: Option<String>,
    /// Comma-separated kinds: songs, artists, users, playlists. [default: all]
    #[serde(rename = "type")]
    kinds: Option<String>,
    /// Results per kind, 1 to 50 (values outside are clamped). [default: 10]
    limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct NamedResult {
    id: Uuid,
    name: String,
    avatar_url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistResult {
    id: Uuid,
    title: String,
    visibility: Option<String>,
    owner_id: Uuid,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct SearchResults {
    #[serde(skip_serializing_if = "Option::is_none")]
    songs: Option<Vec<SongView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    artists: Option<Vec<NamedResult>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    users: Option<Vec<NamedResult>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    playlists: Option<Vec<PlaylistResult>>,
}

/// Songs (by title and artists), artists, users and playlists (public ones, and the caller's
/// own private ones) matching `q`, each kind ranked and limited.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", security((), ("bearer" = [])), params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 400, body = Problem)))]
async fn search(
    State(state): State<AppState>,
    viewer: MaybeAuthUser,
    Query(params): Query<SearchParams>,
) -> Result<ApiJson<SearchResults>, ApiError> {
    let query = SearchQuery::parse(params.q.as_deref(), params.kinds.as_deref(), params.limit)?;
    let mut tx = state.db.begin().await?;
    sqlx::raw_sql(sql::THRESHOLDS).execute(&mut *tx).await?;
    let mut results = SearchResults::default();
    if query.kinds.songs {
        let ids = song_ids(&mut tx, &query).await?;
        let mut found = song_store::find_many(&state.db, &ids).await?;
        let rows = ids.iter().filter_map(|id| found.remove(id)).collect();
        results.songs = Some(crate::catalog::songs::with_viewer(&state, viewer, rows).await?);
    }
    if query.kinds.artists {
        results.artists = Some(named(&mut tx, "artists", "artistid", &query).await?);
    }
    if query.kinds.users {
        results.users = Some(named(&mut tx, "users", "userid", &query).await?);
    }
    if query.kinds.playlists {
        results.playlists = Some(playlists(&mut tx, &query, viewer.user_id()).await?);
    }
    tx.commit().await?;
    Ok(ApiJson(results))
}

async fn song_ids(tx: &mut PgConnection, query: &SearchQuery) -> sqlx::Result<Vec<Uuid>> {
    songs::find(tx, &query.text, &query.like_pattern(), query.limit).await
}

/// Artists or users by name.
async fn named(
    tx: &mut PgConnection,
    table: &'static str,
    id: &'static str,
    query: &SearchQuery,
) -> sqlx::Result<Vec<NamedResult>> {
    sqlx::query_as(sqlx::AssertSqlSafe(sql::named(table, id)))
        .bind(&query.text)
        .bind(query.limit)
        .fetch_all(&mut *tx)
        .await
}

async fn playlists(
    tx: &mut PgConnection,
    query: &SearchQuery,
    viewer: Option<Uuid>,
) -> sqlx::Result<Vec<PlaylistResult>> {
    sqlx::query_as(sql::PLAYLISTS)
        .bind(&query.text)
        .bind(query.limit)
        .bind(viewer)
        .fetch_all(&mut *tx)
        .await
}
