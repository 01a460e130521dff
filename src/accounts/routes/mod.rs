//! The accounts capability's HTTP routes and the shapes they answer with.

mod app_passwords;
mod auth;
mod me;
mod sessions;
mod web;

use std::sync::Arc;

use axum::extract::FromRef;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use super::Accounts;
use super::avatar::{AvatarUrls, avatar_urls};
use super::store::sessions::SessionRow;
use super::store::users::UserRow;

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .merge(auth::router())
        .merge(app_passwords::router())
        .merge(sessions::router())
        .merge(me::router())
        .merge(web::router())
}

/// The caller's own account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub verified: bool,
    pub is_admin: bool,
    pub avatar_url: Option<String>,
    pub avatar_urls: Option<AvatarUrls>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<UserRow> for AccountView {
    fn from(user: UserRow) -> Self {
        Self {
            id: user.userid,
            verified: user.is_verified(),
            name: user.name,
            email: user.email,
            is_admin: user.isadmin,
            avatar_url: user.avatarurl,
            avatar_urls: user.avatarpublicid.as_deref().map(avatar_urls),
            created_at: user.createdat,
            updated_at: user.updatedat,
        }
    }
}

/// One signed-in device.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub id: Uuid,
    pub device_name: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Whether this is the session making the request.
    pub current: bool,
}

impl SessionView {
    fn new(row: SessionRow, current: Uuid) -> Self {
        Self {
            current: row.tokenid == current,
            id: row.tokenid,
            device_name: row.devicename,
            user_agent: row.useragent,
            created_at: row.createdat,
            last_used_at: row.lastusedat,
            expires_at: row.expiresat,
        }
    }
}
