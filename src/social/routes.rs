//! The social routes: follow and unfollow, followers and following, the feed, profiles.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use uuid::Uuid;

use super::{PersonView, PublicUserView, Side, Social};
use crate::accounts::{Accounts, AuthUser, MaybeAuthUser};
use crate::catalog::SongView;
use crate::http::pagination::{self, Page, PageQuery};
use crate::http::{ApiError, ApiJson, Problem};

/// Follows a user (again: no change). Following yourself is refused.
#[utoipa::path(put, path = "/api/v1/users/{id}/follow", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn follow(
    State(social): State<Arc<Social>>,
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    social.follow(&accounts, caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops following a user.
#[utoipa::path(delete, path = "/api/v1/users/{id}/follow", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
pub async fn unfollow(
    State(social): State<Arc<Social>>,
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    social.unfollow(&accounts, caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn people(
    social: &Social,
    accounts: &Accounts,
    user: Uuid,
    side: Side,
    query: PageQuery,
) -> Result<ApiJson<Page<PersonView>>, ApiError> {
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let limit = pagination::limit(query.limit);
    Ok(ApiJson(
        social.people(accounts, user, side, limit, after).await?,
    ))
}

/// Who follows this user, most recent first.
#[utoipa::path(get, path = "/api/v1/users/{id}/followers", tag = "users", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<PersonView>), (status = 404, body = Problem)))]
pub async fn followers(
    State(social): State<Arc<Social>>,
    State(accounts): State<Arc<Accounts>>,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<Page<PersonView>>, ApiError> {
    people(&social, &accounts, id, Side::Followers, query).await
}

/// Whom this user follows, most recent first.
#[utoipa::path(get, path = "/api/v1/users/{id}/following", tag = "users", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<PersonView>), (status = 404, body = Problem)))]
pub async fn following(
    State(social): State<Arc<Social>>,
    State(accounts): State<Arc<Accounts>>,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<Page<PersonView>>, ApiError> {
    people(&social, &accounts, id, Side::Following, query).await
}

/// New songs from the people the caller follows, newest first.
#[utoipa::path(get, path = "/api/v1/me/feed", tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<SongView>)))]
pub async fn feed(
    State(social): State<Arc<Social>>,
    caller: AuthUser,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<Page<SongView>>, ApiError> {
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let limit = pagination::limit(query.limit);
    Ok(ApiJson(social.feed(caller.user_id, limit, after).await?))
}

/// Someone's public profile.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user")),
    responses((status = 200, body = PublicUserView), (status = 404, body = Problem)))]
pub async fn get_user_profile(
    State(social): State<Arc<Social>>,
    State(accounts): State<Arc<Accounts>>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<PublicUserView>, ApiError> {
    Ok(ApiJson(
        social.profile(&accounts, id, viewer.user_id()).await?,
    ))
}
