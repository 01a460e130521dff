//! Listening history with resume: the player reports how far it got; the history lists
//! recently played songs with that progress, newest first.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::accounts::AuthUser;
use crate::app::AppState;
use crate::catalog::songs::store as songs;
use crate::catalog::songs::views::SongView;
use crate::http::pagination::PageQuery;
use crate::http::{ApiError, ApiJson, ErrorKind, FieldError, Problem, pagination};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_history, clear_history))
        .routes(routes!(report_progress, forget_song))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Seconds played, from 0 to the song's duration.
    #[serde(deserialize_with = "crate::http::json::whole_number::required")]
    progress: i64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    progress: i32,
    last_played_at: DateTime<Utc>,
    song: SongView,
}

fn song_not_found() -> ApiError {
    ApiError::new(
        ErrorKind::NotFound,
        "song_not_found",
        "There is no such song.",
    )
}

/// Records how far the caller got in a song (the resume position).
#[utoipa::path(put, path = "/api/v1/me/history/{songId}", tag = "me", security(("bearer" = [])),
    params(("songId" = Uuid, Path)), request_body = Progress,
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn report_progress(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(song): Path<Uuid>,
    ApiJson(body): ApiJson<Progress>,
) -> Result<StatusCode, ApiError> {
    let duration: Option<Option<i32>> =
        sqlx::query_scalar("select duration from songs where songid = $1")
            .bind(song)
            .fetch_optional(&state.db)
            .await?;
    let duration = duration.ok_or_else(song_not_found)?.unwrap_or(i32::MAX);
    if body.progress < 0 || body.progress > i64::from(duration) {
        return Err(ApiError::validation(vec![FieldError {
            field: "progress".into(),
            message: format!("Progress is between 0 and the song's length ({duration} s)."),
        }]));
    }
    sqlx::query(
        "insert into history (userid, songid, progress, lastplayedat) values ($1, $2, $3, now())
         on conflict (userid, songid) do update set progress = excluded.progress, lastplayedat = now()",
    )
    .bind(caller.user_id)
    .bind(song)
    .bind(body.progress as i32)
    .execute(&state.db)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPage {
    items: Vec<HistoryEntry>,
    next_cursor: Option<String>,
}

/// Recently played songs with their progress, newest first.
#[utoipa::path(get, path = "/api/v1/me/history", tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = HistoryPage)))]
async fn list_history(
    State(state): State<AppState>,
    caller: AuthUser,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<HistoryPage>, ApiError> {
    let limit = pagination::limit(query.limit);
    let after: Option<(DateTime<Utc>, Uuid)> = pagination::decode_cursor(query.cursor.as_deref())?;
    let rows: Vec<(Uuid, Option<i32>, DateTime<Utc>)> = sqlx::query_as(
        "select songid, progress, lastplayedat from history
          where userid = $1 and ($2::timestamptz is null or (lastplayedat, songid) < ($2, $3))
          order by lastplayedat desc, songid desc limit $4",
    )
    .bind(caller.user_id)
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await?;
    let (rows, next_cursor) = pagination::finish_page(rows, limit, |(song, _, at)| (*at, *song));
    let ids: Vec<Uuid> = rows.iter().map(|(song, _, _)| *song).collect();
    let mut found = songs::find_many(&state.db, &ids).await?;
    let items = rows
        .into_iter()
        .filter_map(|(song, progress, last_played_at)| {
            Some(HistoryEntry {
                progress: progress.unwrap_or(0),
                last_played_at,
                song: found.remove(&song)?.into(),
            })
        })
        .collect();
    Ok(ApiJson(HistoryPage { items, next_cursor }))
}

/// Clears the caller's whole history.
#[utoipa::path(delete, path = "/api/v1/me/history", tag = "me", security(("bearer" = [])), responses((status = 204)))]
async fn clear_history(
    State(state): State<AppState>,
    caller: AuthUser,
) -> Result<StatusCode, ApiError> {
    sqlx::query("delete from history where userid = $1")
        .bind(caller.user_id)
        .execute(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes one song from the caller's history.
#[utoipa::path(delete, path = "/api/v1/me/history/{songId}", tag = "me", security(("bearer" = [])),
    params(("songId" = Uuid, Path)), responses((status = 204)))]
async fn forget_song(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(song): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    sqlx::query("delete from history where userid = $1 and songid = $2")
        .bind(caller.user_id)
        .bind(song)
        .execute(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
