//! /api/v1/me: the caller's account.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AccountView;
use crate::accounts::{Accounts, AuthUser};
use crate::http::{ApiError, ApiJson, Problem};
use crate::media::images;

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(get_me, update_me, delete_me))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(put_avatar, delete_avatar))
                .layer(DefaultBodyLimit::max(images::MAX_BYTES + 1024)),
        )
}

/// The caller's account.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = AccountView), (status = 401, body = Problem)))]
async fn get_me(
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
) -> Result<ApiJson<AccountView>, ApiError> {
    Ok(ApiJson(accounts.me(&caller).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[schema(schema_with = crate::accounts::fields::schema::optional_name)]
    name: Option<String>,
}

/// Changes the caller's name.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", security(("bearer" = [])), request_body = UpdateMe,
    responses((status = 200, body = AccountView), (status = 422, body = Problem)))]
async fn update_me(
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
    ApiJson(body): ApiJson<UpdateMe>,
) -> Result<ApiJson<AccountView>, ApiError> {
    let user = match body.name {
        Some(name) => accounts.rename(&caller, &name).await?,
        None => accounts.me(&caller).await?,
    };
    Ok(ApiJson(user.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMe {
    /// The current password, to confirm.
    password: String,
}

/// Deletes the caller's account, everything it owns, and its files.
#[utoipa::path(delete, path = "/api/v1/me", tag = "me", security(("bearer" = [])), request_body = DeleteMe,
    responses((status = 204), (status = 403, body = Problem)))]
async fn delete_me(
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
    ApiJson(body): ApiJson<DeleteMe>,
) -> Result<StatusCode, ApiError> {
    accounts.delete_account(&caller, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the caller's avatar. The body is the picture itself (JPEG, PNG or WebP, recognised by
/// its content; at most 15 MB and 4096 × 4096 pixels); it is stored re-encoded in three sizes.
#[utoipa::path(put, path = "/api/v1/me/avatar", tag = "me", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/*"),
    responses((status = 200, body = AccountView), (status = 413, body = Problem),
              (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn put_avatar(
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
    body: Bytes,
) -> Result<ApiJson<AccountView>, ApiError> {
    let user = accounts.set_avatar(&caller, Vec::from(body)).await?;
    Ok(ApiJson(user.into()))
}

/// Removes the caller's avatar and its files.
#[utoipa::path(delete, path = "/api/v1/me/avatar", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = AccountView)))]
async fn delete_avatar(
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
) -> Result<ApiJson<AccountView>, ApiError> {
    Ok(ApiJson(accounts.remove_avatar(&caller).await?.into()))
}
