//! Likes (public signals that feed popularity and Trending) and favourites (a private
//! collection), both idempotent, plus what the caller did with each song.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::accounts::AuthUser;
use crate::app::AppState;
use crate::catalog::songs::store as songs;
use crate::catalog::songs::views::SongView;
use crate::http::pagination::PageQuery;
use crate::http::{ApiError, ApiJson, ErrorKind, Problem, pagination};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(like, unlike))
        .routes(routes!(favorite, unfavorite))
        .routes(routes!(my_likes))
        .routes(routes!(my_favorites))
}

/// The two collections, each a table with the same shape.
#[derive(Clone, Copy)]
enum Collection {
    Likes,
    Favorites,
}

impl Collection {
    fn table(self) -> &'static str {
        match self {
            Self::Likes => "likes",
            Self::Favorites => "favorites",
        }
    }
}

async fn song_exists(db: &PgPool, song: Uuid) -> Result<(), ApiError> {
    let exists: bool = sqlx::query_scalar("select exists (select 1 from songs where songid = $1)")
        .bind(song)
        .fetch_one(db)
        .await?;
    if exists {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorKind::NotFound,
            "song_not_found",
            "There is no such song.",
        ))
    }
}

async fn put(
    db: &PgPool,
    collection: Collection,
    user: Uuid,
    song: Uuid,
) -> Result<StatusCode, ApiError> {
    song_exists(db, song).await?;
    let table = collection.table();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "insert into {table} (userid, songid) values ($1, $2) on conflict (userid, songid) do nothing"
    )))
    .bind(user)
    .bind(song)
    .execute(db)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove(
    db: &PgPool,
    collection: Collection,
    user: Uuid,
    song: Uuid,
) -> Result<StatusCode, ApiError> {
    song_exists(db, song).await?;
    let table = collection.table();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "delete from {table} where userid = $1 and songid = $2"
    )))
    .bind(user)
    .bind(song)
    .execute(db)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Likes a song (again: no change).
#[utoipa::path(put, path = "/api/v1/songs/{id}/like", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
async fn like(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    put(&state.db, Collection::Likes, caller.user_id, id).await
}

/// Takes a like back (none: no change).
#[utoipa::path(delete, path = "/api/v1/songs/{id}/like", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
async fn unlike(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    remove(&state.db, Collection::Likes, caller.user_id, id).await
}

/// Adds a song to the caller's favourites (again: no change).
#[utoipa::path(put, path = "/api/v1/songs/{id}/favorite", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
async fn favorite(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    put(&state.db, Collection::Favorites, caller.user_id, id).await
}

/// Removes a song from the caller's favourites.
#[utoipa::path(delete, path = "/api/v1/songs/{id}/favorite", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
async fn unfavorite(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    remove(&state.db, Collection::Favorites, caller.user_id, id).await
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollectedSong {
    added_at: DateTime<Utc>,
    song: SongView,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollectionPage {
    items: Vec<CollectedSong>,
    next_cursor: Option<String>,
}

async fn page(
    state: &AppState,
    collection: Collection,
    user: Uuid,
    query: PageQuery,
) -> Result<ApiJson<CollectionPage>, ApiError> {
    let limit = pagination::limit(query.limit);
    let after: Option<(DateTime<Utc>, Uuid)> = pagination::decode_cursor(query.cursor.as_deref())?;
    let table = collection.table();
    let rows: Vec<(Uuid, DateTime<Utc>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select songid, createdat from {table}
          where userid = $1 and ($2::timestamptz is null or (createdat, songid) < ($2, $3))
          order by createdat desc, songid desc limit $4"
    )))
    .bind(user)
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await?;
    let (rows, next_cursor) = pagination::finish_page(rows, limit, |(song, at)| (*at, *song));
    let ids: Vec<Uuid> = rows.iter().map(|(song, _)| *song).collect();
    let mut found = songs::find_many(&state.db, &ids).await?;
    let items = rows
        .into_iter()
        .filter_map(|(song, added_at)| {
            Some(CollectedSong {
                added_at,
                song: found.remove(&song)?.into(),
            })
        })
        .collect();
    Ok(ApiJson(CollectionPage { items, next_cursor }))
}

/// The songs the caller liked, most recent first.
#[utoipa::path(get, path = "/api/v1/me/likes", tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = CollectionPage)))]
async fn my_likes(
    State(state): State<AppState>,
    caller: AuthUser,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<CollectionPage>, ApiError> {
    page(&state, Collection::Likes, caller.user_id, query).await
}

/// The caller's favourites, most recent first.
#[utoipa::path(get, path = "/api/v1/me/favorites", tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = CollectionPage)))]
async fn my_favorites(
    State(state): State<AppState>,
    caller: AuthUser,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<CollectionPage>, ApiError> {
    page(&state, Collection::Favorites, caller.user_id, query).await
}
