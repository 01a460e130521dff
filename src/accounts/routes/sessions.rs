//! /api/v1/auth/sessions: the caller's signed-in devices.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::SessionView;
use crate::accounts::AuthUser;
use crate::app::AppState;
use crate::http::{ApiError, ApiJson, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sessions))
        .routes(routes!(end_session))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionList {
    items: Vec<SessionView>,
    /// Always null: a person has few devices, so the list comes whole.
    next_cursor: Option<String>,
}

/// The caller's open sessions, most recently used first.
#[utoipa::path(get, path = "/api/v1/auth/sessions", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = SessionList), (status = 401, body = Problem)))]
async fn list_sessions(
    State(state): State<AppState>,
    caller: AuthUser,
) -> Result<ApiJson<SessionList>, ApiError> {
    let rows = state.accounts.sessions(&caller).await?;
    Ok(ApiJson(SessionList {
        items: rows
            .into_iter()
            .map(|row| SessionView::new(row, caller.session_id))
            .collect(),
        next_cursor: None,
    }))
}

/// Signs one of the caller's devices out.
#[utoipa::path(delete, path = "/api/v1/auth/sessions/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session")),
    responses((status = 204), (status = 404, body = Problem)))]
async fn end_session(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    state.accounts.end_session(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
