//! Following people, their lists, the feed of new songs from the people I follow, and the
//! figures on a profile.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::accounts::{AuthUser, MaybeAuthUser};
use crate::app::AppState;
use crate::catalog::songs::store::{self as songs, SongCursor, SongFilter};
use crate::catalog::songs::views::SongView;
use crate::http::pagination::PageQuery;
use crate::http::{ApiError, ApiJson, ErrorKind, Problem, pagination};

/// The social service: what its routes call.
pub struct Social {
    pub db: sqlx::PgPool,
    pub catalog: std::sync::Arc<crate::catalog::Catalog>,
}

impl Social {
    pub fn new(db: sqlx::PgPool, catalog: std::sync::Arc<crate::catalog::Catalog>) -> Self {
        Self { db, catalog }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(follow, unfollow))
        .routes(routes!(followers))
        .routes(routes!(following))
        .routes(routes!(feed))
}

/// The figures on a profile (the UserStats view).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileStats {
    pub songs_uploaded: i64,
    /// Favourites are private: only the profile's owner sees their count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub favorites_count: Option<i64>,
    /// Everyone sees the public ones; the owner sees all.
    pub playlists_created: i64,
    pub followers_count: i64,
    pub following_count: i64,
}

/// The UserStats figures for `user` as `viewer` may see them, and whether `viewer` follows.
pub async fn profile_figures(
    db: &PgPool,
    user: Uuid,
    viewer: Option<Uuid>,
) -> sqlx::Result<(ProfileStats, Option<bool>)> {
    let (songs_uploaded, favorites_count, all_playlists, followers_count, following_count): (
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(
        "select songsuploaded, favoritescount, playlistscreated, followerscount, followingcount
               from userstats where userid = $1",
    )
    .bind(user)
    .fetch_one(db)
    .await?;
    let playlists_created = if viewer == Some(user) {
        all_playlists
    } else {
        sqlx::query_scalar(
            "select count(*) from playlists where ownerid = $1 and visibility = 'public'",
        )
        .bind(user)
        .fetch_one(db)
        .await?
    };
    let is_following = match viewer {
        Some(viewer) if viewer != user => Some(
            sqlx::query_scalar("select exists (select 1 from userfollowers where followerid = $1 and followingid = $2)")
                .bind(viewer)
                .bind(user)
                .fetch_one(db)
                .await?,
        ),
        _ => None,
    };
    Ok((
        ProfileStats {
            songs_uploaded,
            favorites_count: (viewer == Some(user)).then_some(favorites_count),
            playlists_created,
            followers_count,
            following_count,
        },
        is_following,
    ))
}

fn user_not_found() -> ApiError {
    ApiError::new(
        ErrorKind::NotFound,
        "user_not_found",
        "There is no such user.",
    )
}

async fn user_exists(db: &PgPool, user: Uuid) -> Result<(), ApiError> {
    let exists: bool = sqlx::query_scalar("select exists (select 1 from users where userid = $1)")
        .bind(user)
        .fetch_one(db)
        .await?;
    if exists {
        Ok(())
    } else {
        Err(user_not_found())
    }
}

/// Follows a user (again: no change). Following yourself is refused.
#[utoipa::path(put, path = "/api/v1/users/{id}/follow", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 400, body = Problem), (status = 404, body = Problem)))]
async fn follow(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    if id == caller.user_id {
        return Err(ApiError::new(
            ErrorKind::BadRequest,
            "cannot_follow_self",
            "You cannot follow yourself.",
        ));
    }
    user_exists(&state.db, id).await?;
    sqlx::query("insert into userfollowers (followerid, followingid) values ($1, $2) on conflict do nothing")
        .bind(caller.user_id)
        .bind(id)
        .execute(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops following a user.
#[utoipa::path(delete, path = "/api/v1/users/{id}/follow", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
async fn unfollow(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    user_exists(&state.db, id).await?;
    sqlx::query("delete from userfollowers where followerid = $1 and followingid = $2")
        .bind(caller.user_id)
        .bind(id)
        .execute(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersonView {
    id: Uuid,
    name: String,
    avatar_url: Option<String>,
    since: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PeoplePage {
    items: Vec<PersonView>,
    next_cursor: Option<String>,
}

/// One page of people on one side of UserFollowers.
async fn people(
    db: &PgPool,
    user: Uuid,
    followers_of: bool,
    query: PageQuery,
) -> Result<ApiJson<PeoplePage>, ApiError> {
    user_exists(db, user).await?;
    let limit = pagination::limit(query.limit);
    let after: Option<(DateTime<Utc>, Uuid)> = pagination::decode_cursor(query.cursor.as_deref())?;
    // Fixed SQL for each side; only values are bound.
    let (mine, theirs) = if followers_of {
        ("followingid", "followerid")
    } else {
        ("followerid", "followingid")
    };
    let rows: Vec<(Uuid, String, Option<String>, DateTime<Utc>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select u.userid, u.name, u.avatarurl, f.createdat
           from userfollowers f join users u on u.userid = f.{theirs}
          where f.{mine} = $1 and ($2::timestamptz is null or (f.createdat, f.{theirs}) < ($2, $3))
          order by f.createdat desc, f.{theirs} desc limit $4"
        )))
        .bind(user)
        .bind(after.map(|(at, _)| at))
        .bind(after.map(|(_, id)| id))
        .bind(limit + 1)
        .fetch_all(db)
        .await?;
    let (rows, next_cursor) = pagination::finish_page(rows, limit, |(id, _, _, at)| (*at, *id));
    Ok(ApiJson(PeoplePage {
        items: rows
            .into_iter()
            .map(|(id, name, avatar_url, since)| PersonView {
                id,
                name,
                avatar_url,
                since,
            })
            .collect(),
        next_cursor,
    }))
}

/// Who follows this user, most recent first.
#[utoipa::path(get, path = "/api/v1/users/{id}/followers", tag = "users", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = PeoplePage), (status = 404, body = Problem)))]
async fn followers(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<PeoplePage>, ApiError> {
    people(&state.db, id, true, query).await
}

/// Whom this user follows, most recent first.
#[utoipa::path(get, path = "/api/v1/users/{id}/following", tag = "users", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = PeoplePage), (status = 404, body = Problem)))]
async fn following(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<PeoplePage>, ApiError> {
    people(&state.db, id, false, query).await
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedPage {
    items: Vec<SongView>,
    next_cursor: Option<String>,
}

/// New songs from the people the caller follows, newest first.
#[utoipa::path(get, path = "/api/v1/me/feed", tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = FeedPage)))]
async fn feed(
    State(state): State<AppState>,
    caller: AuthUser,
    Query(query): Query<PageQuery>,
) -> Result<ApiJson<FeedPage>, ApiError> {
    let limit = pagination::limit(query.limit);
    let after: Option<SongCursor> = pagination::decode_cursor(query.cursor.as_deref())?;
    let filter = SongFilter {
        followed_by: Some(caller.user_id),
        ..SongFilter::default()
    };
    let rows = songs::list(&state.db, &filter, after.as_ref(), limit + 1).await?;
    let (rows, next_cursor) = pagination::finish_page(rows, limit, |last| SongCursor {
        created: Some(last.createdat),
        plays: Some(last.playcount.unwrap_or(0)),
        id: last.songid,
    });
    let items =
        crate::catalog::songs::with_viewer(&state, MaybeAuthUser(Some(caller)), rows).await?;
    Ok(ApiJson(FeedPage { items, next_cursor }))
}
