//! /api/v1/artists: the people credited on songs, optionally linked to a user account.

mod store;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use self::store::{ArtistFields, ArtistRow};
use super::CatalogError;
use super::error::field;
use super::songs::store as songs_store;
use super::songs::views::SongView;
use crate::accounts::AuthUser;
use crate::accounts::avatar::AVATAR_SIZES;
use crate::app::AppState;
use crate::http::body::read_limited;
use crate::http::{ApiError, ApiJson, ErrorKind, FieldError, Problem, pagination};
use crate::media::images;
use crate::storage::media_url;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_artists, create_artist))
        .routes(routes!(get_artist, update_artist, delete_artist))
        .routes(routes!(artist_songs))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(put_artist_avatar))
                .layer(DefaultBodyLimit::max(images::MAX_BYTES + 1024)),
        )
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArtistView {
    id: Uuid,
    name: String,
    bio: Option<String>,
    country: Option<String>,
    genre: Option<String>,
    avatar_url: Option<String>,
    verified: bool,
    /// The user account this artist is, if linked.
    user_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<ArtistRow> for ArtistView {
    fn from(row: ArtistRow) -> Self {
        Self {
            id: row.artistid,
            name: row.name,
            bio: row.bio,
            country: row.country,
            genre: row.genre,
            avatar_url: row.avatarurl,
            verified: row.verified.unwrap_or(false),
            user_id: row.userid,
            created_at: row.createdat,
            updated_at: row.updatedat,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ArtistInput {
    name: Option<String>,
    bio: Option<String>,
    country: Option<String>,
    genre: Option<String>,
    /// On create: link this artist to the caller's own account (only your own).
    user_id: Option<Uuid>,
    /// Administrators only.
    verified: Option<bool>,
}

fn check(input: &ArtistInput, creating: bool) -> Result<(), CatalogError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let limits = [
        ("name", &input.name, 200),
        ("bio", &input.bio, 5000),
        ("country", &input.country, 100),
        ("genre", &input.genre, 100),
    ];
    for (name, value, max) in limits {
        if let Some(value) = value
            && value.chars().count() > max
        {
            errors.push(field(name, &format!("At most {max} characters.")));
        }
    }
    match input.name.as_deref().map(str::trim) {
        Some("") => errors.push(field("name", "Give a name.")),
        None if creating => errors.push(field("name", "Give a name.")),
        _ => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CatalogError::Invalid(errors))
    }
}

fn fields(input: &ArtistInput) -> ArtistFields<'_> {
    fn text(value: &Option<String>) -> Option<&str> {
        value.as_deref().map(str::trim)
    }
    ArtistFields {
        name: text(&input.name),
        bio: text(&input.bio),
        country: text(&input.country),
        genre: text(&input.genre),
        verified: input.verified,
    }
}

/// The artist, if `caller` may change it.
async fn editable(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
) -> Result<ArtistRow, CatalogError> {
    let artist = store::find(&state.db, id)
        .await?
        .ok_or(CatalogError::ArtistNotFound)?;
    if !may_edit(caller, &artist) {
        return Err(CatalogError::NotOwner);
    }
    Ok(artist)
}

/// Whether `caller` may change `artist`: the linked user, the creator of an unlinked artist,
/// or an administrator.
fn may_edit(caller: &AuthUser, artist: &ArtistRow) -> bool {
    caller.is_admin
        || artist.userid == Some(caller.user_id)
        || (artist.userid.is_none() && artist.createdby == Some(caller.user_id))
}

/// Creates an artist. Needs a verified email.
#[utoipa::path(post, path = "/api/v1/artists", tag = "artists", security(("bearer" = [])), request_body = ArtistInput,
    responses((status = 201, body = ArtistView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_artist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(input): ApiJson<ArtistInput>,
) -> Result<(StatusCode, ApiJson<ArtistView>), ApiError> {
    caller.require_verified().map_err(CatalogError::from)?;
    check(&input, true)?;
    if input.verified.is_some() && !caller.is_admin {
        return Err(ApiError::new(
            ErrorKind::Forbidden,
            "admin_only",
            "Only an administrator may verify an artist.",
        ));
    }
    if input.user_id.is_some_and(|id| id != caller.user_id) && !caller.is_admin {
        return Err(ApiError::new(
            ErrorKind::Forbidden,
            "not_owner",
            "You may link an artist to your own account only.",
        ));
    }
    let mut row = store::create(&state.db, &fields(&input), input.user_id, caller.user_id)
        .await
        .map_err(CatalogError::from)?;
    if input.verified.is_some() {
        row = store::update(&state.db, row.artistid, &fields(&input))
            .await
            .map_err(CatalogError::from)?
            .ok_or(CatalogError::ArtistNotFound)?;
    }
    Ok((StatusCode::CREATED, ApiJson(row.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ArtistListQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArtistPage {
    items: Vec<ArtistView>,
    next_cursor: Option<String>,
}

/// Artists by name, in keyset pages.
#[utoipa::path(get, path = "/api/v1/artists", tag = "artists", params(ArtistListQuery),
    responses((status = 200, body = ArtistPage), (status = 400, body = Problem)))]
async fn list_artists(
    State(state): State<AppState>,
    Query(query): Query<ArtistListQuery>,
) -> Result<ApiJson<ArtistPage>, ApiError> {
    let limit = pagination::limit(query.limit);
    let after: Option<(String, Uuid)> = pagination::decode_cursor(query.cursor.as_deref())?;
    let rows = store::list(
        &state.db,
        after.as_ref().map(|(n, id)| (n.as_str(), *id)),
        limit + 1,
    )
    .await
    .map_err(CatalogError::from)?;
    let (rows, next_cursor) =
        pagination::finish_page(rows, limit, |last| (last.name.clone(), last.artistid));
    Ok(ApiJson(ArtistPage {
        items: rows.into_iter().map(ArtistView::from).collect(),
        next_cursor,
    }))
}

/// One artist.
#[utoipa::path(get, path = "/api/v1/artists/{id}", tag = "artists", params(("id" = Uuid, Path)),
    responses((status = 200, body = ArtistView), (status = 404, body = Problem)))]
async fn get_artist(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<ArtistView>, ApiError> {
    let row = store::find(&state.db, id)
        .await
        .map_err(CatalogError::from)?;
    Ok(ApiJson(row.ok_or(CatalogError::ArtistNotFound)?.into()))
}

/// Changes an artist. `verified` is for administrators only.
#[utoipa::path(patch, path = "/api/v1/artists/{id}", tag = "artists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ArtistInput,
    responses((status = 200, body = ArtistView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn update_artist(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ArtistInput>,
) -> Result<ApiJson<ArtistView>, ApiError> {
    editable(&state, &caller, id).await?;
    if input.verified.is_some() && !caller.is_admin {
        return Err(ApiError::new(
            ErrorKind::Forbidden,
            "admin_only",
            "Only an administrator may verify an artist.",
        ));
    }
    if input.user_id.is_some() {
        return Err(CatalogError::Invalid(vec![field(
            "userId",
            "An artist's account link is set when it is created.",
        )])
        .into());
    }
    check(&input, false)?;
    let row = store::update(&state.db, id, &fields(&input))
        .await
        .map_err(CatalogError::from)?;
    Ok(ApiJson(row.ok_or(CatalogError::ArtistNotFound)?.into()))
}

/// Deletes an artist (its credits go with it; the songs stay).
#[utoipa::path(delete, path = "/api/v1/artists/{id}", tag = "artists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_artist(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    editable(&state, &caller, id).await?;
    store::delete(&state.db, id)
        .await
        .map_err(CatalogError::from)?;
    // The delete queued the artist's folder (migration 10): its files go now.
    state.storage.remove_deleted_now(&state.db).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets an artist's picture (JPEG, PNG or WebP by content; re-encoded square in three sizes).
#[utoipa::path(put, path = "/api/v1/artists/{id}/avatar", tag = "artists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body(content = Vec<u8>, content_type = "image/*"),
    responses((status = 200, body = ArtistView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem)))]
async fn put_artist_avatar(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    body: Body,
) -> Result<ApiJson<ArtistView>, ApiError> {
    // Who may change the artist is settled before a byte of the body is read.
    let artist = editable(&state, &caller, id).await?;
    let bytes = read_limited(body, images::MAX_BYTES).await?;
    let renditions = images::square_renditions(Vec::from(bytes), &AVATAR_SIZES)
        .await
        .map_err(CatalogError::from)?;
    let prefix = format!("artists/{id}/{}", Uuid::new_v4());
    for rendition in renditions {
        if let Err(error) = state
            .storage
            .put(&format!("{prefix}/{}.jpg", rendition.size), rendition.jpeg)
            .await
        {
            let _ = state.storage.delete_prefix(&prefix).await;
            return Err(ApiError::internal(error));
        }
    }
    let url = media_url(&format!("{prefix}/256.jpg"));
    let updated = store::set_avatar(&state.db, id, &url, &prefix).await;
    let updated = match updated {
        Ok(Some(row)) => row,
        other => {
            let _ = state.storage.delete_prefix(&prefix).await;
            other.map_err(CatalogError::from)?;
            return Err(CatalogError::ArtistNotFound.into());
        }
    };
    if let Some(old) = artist.avatarpublicid {
        let _ = state.storage.delete_prefix(&old).await;
    }
    Ok(ApiJson(updated.into()))
}

/// The songs crediting this artist, newest first, each with every credit and role.
#[utoipa::path(get, path = "/api/v1/artists/{id}/songs", tag = "artists", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<SongView>), (status = 404, body = Problem)))]
async fn artist_songs(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<Vec<SongView>>, ApiError> {
    store::find(&state.db, id)
        .await
        .map_err(CatalogError::from)?
        .ok_or(CatalogError::ArtistNotFound)?;
    let filter = songs_store::SongFilter {
        artist: Some(id),
        ..Default::default()
    };
    let rows = songs_store::list(&state.db, &filter, None, 100)
        .await
        .map_err(CatalogError::from)?;
    Ok(ApiJson(rows.into_iter().map(SongView::from).collect()))
}
