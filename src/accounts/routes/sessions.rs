//! /api/v1/auth/sessions: the caller's signed-in devices.

use std::sync::Arc;

use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::SessionView;
use crate::accounts::{Accounts, AuthUser};
use crate::http::{ApiError, ApiJson, Problem};

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Accounts>: FromRef<S>,
{
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
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
) -> Result<ApiJson<SessionList>, ApiError> {
    let rows = accounts.sessions(&caller).await?;
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
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    accounts.end_session(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
