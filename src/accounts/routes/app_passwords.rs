//! /api/v1/me/app-passwords: the credentials the caller hands to Subsonic apps.

use std::sync::Arc;

use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::accounts::store::app_passwords::AppPasswordRow;
use crate::accounts::{Accounts, AuthUser};
use crate::http::{ApiError, ApiJson, Problem};

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(create_app_password, list_app_passwords))
        .routes(routes!(revoke_app_password))
}

/// An app password as listed: never its secret.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppPasswordView {
    id: Uuid,
    name: String,
    created_at: DateTime<Utc>,
    /// When an app last signed in with it (to the minute).
    last_used_at: Option<DateTime<Utc>>,
}

impl From<AppPasswordRow> for AppPasswordView {
    fn from(row: AppPasswordRow) -> Self {
        Self {
            id: row.apppasswordid,
            name: row.name,
            created_at: row.createdat,
            last_used_at: row.lastusedat,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAppPasswordRequest {
    /// What it is for, e.g. "Phone (Symfonium)": 1 to 100 characters.
    #[schema(schema_with = crate::accounts::fields::schema::name)]
    name: String,
}

/// A new app password, shown this once.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedAppPassword {
    id: Uuid,
    name: String,
    /// The password to type into the app, with the account's email as the user name. It is
    /// not shown again.
    password: String,
    created_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppPasswordList {
    items: Vec<AppPasswordView>,
    /// Always null: an account holds at most 50, so the list comes whole.
    next_cursor: Option<String>,
}

/// Makes an app password for a Subsonic app (`/rest`). The account password never works there.
#[utoipa::path(post, path = "/api/v1/me/app-passwords", tag = "me", security(("bearer" = [])),
    request_body = NewAppPasswordRequest,
    responses((status = 201, body = CreatedAppPassword), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
async fn create_app_password(
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
    ApiJson(body): ApiJson<NewAppPasswordRequest>,
) -> Result<(StatusCode, ApiJson<CreatedAppPassword>), ApiError> {
    let created = accounts.create_app_password(&caller, &body.name).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(CreatedAppPassword {
            id: created.row.apppasswordid,
            name: created.row.name,
            password: created.password,
            created_at: created.row.createdat,
        }),
    ))
}

/// The caller's app passwords, newest first.
#[utoipa::path(get, path = "/api/v1/me/app-passwords", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = AppPasswordList), (status = 401, body = Problem)))]
async fn list_app_passwords(
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
) -> Result<ApiJson<AppPasswordList>, ApiError> {
    let rows = accounts.app_passwords(&caller).await?;
    Ok(ApiJson(AppPasswordList {
        items: rows.into_iter().map(AppPasswordView::from).collect(),
        next_cursor: None,
    }))
}

/// Revokes an app password: the next request with it is refused.
#[utoipa::path(delete, path = "/api/v1/me/app-passwords/{id}", tag = "me", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The app password")),
    responses((status = 204), (status = 404, body = Problem)))]
async fn revoke_app_password(
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    accounts.revoke_app_password(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
