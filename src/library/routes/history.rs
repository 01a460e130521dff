//! /api/v1/me/history: listening history with resume. The player reports how far it got;
//! the history lists recently played songs with that progress, newest first.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::accounts::AuthUser;
use crate::http::pagination::{self, Page, PageQuery};
use crate::http::{ApiError, ApiJson, Problem};
use crate::library::{HistoryEntry, Library};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Seconds played, from 0 to the song's duration.
    #[serde(deserialize_with = "crate::http::json::whole_number::required")]
    progress: i64,
}

/// Records how far the caller got in a song (the resume position).
#[utoipa::path(put, path = "/api/v1/me/history/{songId}", tag = "me", security(("bearer" = [])),
    params(("songId" = Uuid, Path)), request_body = Progress,
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn report_progress(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Path(song): Path<Uuid>,
    ApiJson(body): ApiJson<Progress>,
) -> Result<StatusCode, ApiError> {
    library
        .report_progress(caller.user_id, song, body.progress)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Recently played songs with their progress, newest first.
#[utoipa::path(get, path = "/api/v1/me/history", tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<HistoryEntry>)))]
pub async fn list_history(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<Page<HistoryEntry>>, ApiError> {
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let limit = pagination::limit(query.limit);
    Ok(ApiJson(
        library.history(caller.user_id, after, limit).await?,
    ))
}

/// Clears the caller's whole history.
#[utoipa::path(delete, path = "/api/v1/me/history", tag = "me", security(("bearer" = [])), responses((status = 204)))]
pub async fn clear_history(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
) -> Result<StatusCode, ApiError> {
    library.clear_history(caller.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes one song from the caller's history.
#[utoipa::path(delete, path = "/api/v1/me/history/{songId}", tag = "me", security(("bearer" = [])),
    params(("songId" = Uuid, Path)), responses((status = 204)))]
pub async fn forget_song(
    State(library): State<Arc<Library>>,
    caller: AuthUser,
    Path(song): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    library.forget_song(caller.user_id, song).await?;
    Ok(StatusCode::NO_CONTENT)
}
