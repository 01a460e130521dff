//! /api/v1/songs: upload, read, list, edit, delete, credits, poster, stream and plays.

pub mod answers;
mod audio_check;
mod edit;
pub mod store;
mod stream;
pub mod upload;
pub mod views;

use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use self::store::{SongCursor, SongFilter};
use self::views::SongView;
use super::CatalogError;
use super::categories;
use super::signing::LINK_LIFETIME_SECS;
use crate::accounts::{AuthUser, MaybeAuthUser};
use crate::app::AppState;
use crate::http::{ApiError, ApiJson, Problem, pagination};
pub use stream::QUALITIES;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(
            OpenApiRouter::new()
                .routes(routes!(upload_song))
                .routes(routes!(edit::put_poster))
                // Uploads stream to disk; their own limit replaces the JSON one, and the
                // connection's idle timeout the request's total one.
                .layer(DefaultBodyLimit::disable())
                .route_layer(axum::middleware::from_fn(
                    crate::http::timeout::streamed_body,
                )),
        )
        .routes(routes!(list_songs))
        .routes(routes!(get_song, edit::update_song, edit::delete_song))
        .routes(routes!(edit::put_credit, edit::delete_credit))
        .routes(routes!(stream_song))
        .routes(routes!(stream_url))
        .routes(routes!(record_play))
}

/// Uploads a song (multipart/form-data): the audio in `file`, an optional picture in
/// `poster`, and the text parts `title`, `about`, `category` and `artists`
/// (JSON `[{"artistId", "role"}]`). Tags fill what the form leaves out. Needs a verified email.
#[utoipa::path(post, path = "/api/v1/songs", tag = "songs", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "file, poster, title, about, category, artists"),
    responses((status = 201, body = SongView), (status = 403, body = Problem), (status = 413, body = Problem),
              (status = 415, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)))]
async fn upload_song(
    State(state): State<AppState>,
    caller: AuthUser,
    multipart: Multipart,
) -> Result<(StatusCode, ApiJson<SongView>), ApiError> {
    let song = state.catalog.upload(&caller, multipart).await?;
    Ok((StatusCode::CREATED, ApiJson(song.into())))
}

/// A song with its artists and roles.
#[utoipa::path(get, path = "/api/v1/songs/{id}", tag = "songs", security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The song")),
    responses((status = 200, body = SongView), (status = 404, body = Problem)))]
async fn get_song(
    State(state): State<AppState>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<SongView>, ApiError> {
    let song = store::find(&state.db, id)
        .await
        .map_err(CatalogError::from)?;
    let mut views = with_viewer(
        &state,
        viewer,
        vec![song.ok_or(CatalogError::SongNotFound)?],
    )
    .await?;
    Ok(ApiJson(views.remove(0)))
}

/// Song answers, with the caller's like, favourite and resume position when signed in.
pub async fn with_viewer(
    state: &AppState,
    viewer: MaybeAuthUser,
    rows: Vec<store::SongRow>,
) -> Result<Vec<SongView>, ApiError> {
    let Some(user) = viewer.user_id() else {
        return Ok(rows.into_iter().map(SongView::from).collect());
    };
    let ids: Vec<Uuid> = rows.iter().map(|row| row.songid).collect();
    let states = state
        .catalog
        .viewer
        .states(user, &ids)
        .await
        .map_err(CatalogError::from)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.songid;
            let mut view = SongView::from(row);
            view.viewer = Some(states.get(&id).copied().unwrap_or_default());
            view
        })
        .collect())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only this category.
    #[param(schema_with = category)]
    category: Option<String>,
    /// Only songs uploaded by this user.
    owner: Option<Uuid>,
    /// Only songs crediting this artist.
    artist: Option<Uuid>,
    /// `new` (default) or `popular`.
    #[param(schema_with = sort)]
    sort: Option<String>,
    /// 1 to 100, default 20.
    limit: Option<i64>,
    /// From the previous page's `nextCursor`.
    #[param(schema_with = crate::http::openapi::cursor)]
    cursor: Option<String>,
}

fn category() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::one_of(&crate::catalog::categories::CATEGORIES, true)
}

fn sort() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::one_of(&["new", "popular"], true)
}

fn quality() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::one_of(&stream::QUALITIES, true)
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SongPage {
    items: Vec<SongView>,
    next_cursor: Option<String>,
}

/// Songs, newest or most played first, in keyset pages.
#[utoipa::path(get, path = "/api/v1/songs", tag = "songs", security((), ("bearer" = [])), params(ListQuery),
    responses((status = 200, body = SongPage), (status = 400, body = Problem)))]
async fn list_songs(
    State(state): State<AppState>,
    viewer: MaybeAuthUser,
    Query(query): Query<ListQuery>,
) -> Result<ApiJson<SongPage>, ApiError> {
    let bad = |detail: &str| {
        ApiError::new(
            crate::http::ErrorKind::BadRequest,
            "invalid_query",
            detail.to_owned(),
        )
    };
    let popular = match query.sort.as_deref() {
        None | Some("new") => false,
        Some("popular") => true,
        Some(_) => return Err(bad("sort is new or popular.")),
    };
    let category = match query.category.as_deref() {
        None => None,
        Some(given) => Some(
            categories::canonical(given)
                .ok_or_else(|| bad("Unknown category."))?
                .to_owned(),
        ),
    };
    let limit = pagination::limit(query.limit);
    let cursor: Option<SongCursor> = pagination::decode_cursor(query.cursor.as_deref())?;
    let filter = SongFilter {
        category,
        owner: query.owner,
        artist: query.artist,
        followed_by: None,
        popular,
    };
    let rows = store::list(&state.db, &filter, cursor.as_ref(), limit + 1)
        .await
        .map_err(CatalogError::from)?;
    let (rows, next_cursor) = pagination::finish_page(rows, limit, |last| SongCursor {
        created: Some(last.createdat),
        plays: Some(last.playcount.unwrap_or(0)),
        id: last.songid,
    });
    Ok(ApiJson(SongPage {
        items: with_viewer(&state, viewer, rows).await?,
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StreamQuery {
    /// original (default), high, medium, low or mp3. A quality not yet transcoded serves the
    /// original.
    #[param(schema_with = quality)]
    quality: Option<String>,
    /// With `signature`: a signed link from POST /songs/{id}/stream-url.
    expires: Option<i64>,
    signature: Option<String>,
}

/// Streams a song with HTTP Range support. Authorised by a bearer token or a signed link.
#[utoipa::path(get, path = "/api/v1/songs/{id}/stream", tag = "songs", params(("id" = Uuid, Path), StreamQuery),
    responses((status = 200, description = "The whole file"), (status = 206, description = "A byte range"),
              (status = 401, body = Problem), (status = 404, body = Problem), (status = 416, body = Problem)))]
async fn stream_song(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(query): Query<StreamQuery>,
    caller: Result<AuthUser, ApiError>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let quality = query.quality.as_deref().unwrap_or("original");
    if !QUALITIES.contains(&quality) {
        return Err(CatalogError::UnknownQuality.into());
    }
    match (query.expires, query.signature.as_deref()) {
        (Some(expires), Some(signature)) => {
            if !state.catalog.signer.verify(id, quality, expires, signature) {
                return Err(CatalogError::InvalidStreamLink.into());
            }
        }
        _ => {
            caller?;
        }
    }
    Ok(state.catalog.stream(id, quality, &method, &headers).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StreamUrlRequest {
    /// original (default), high, medium, low or mp3.
    #[schema(schema_with = quality)]
    quality: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StreamUrl {
    url: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

/// A link that streams this song for ten minutes without a header, for `<audio src>`.
#[utoipa::path(post, path = "/api/v1/songs/{id}/stream-url", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = StreamUrlRequest,
    responses((status = 200, body = StreamUrl), (status = 404, body = Problem)))]
async fn stream_url(
    State(state): State<AppState>,
    _caller: AuthUser,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<StreamUrlRequest>,
) -> Result<ApiJson<StreamUrl>, ApiError> {
    let quality = body.quality.as_deref().unwrap_or("original");
    if !QUALITIES.contains(&quality) {
        return Err(CatalogError::UnknownQuality.into());
    }
    store::find(&state.db, id)
        .await
        .map_err(CatalogError::from)?
        .ok_or(CatalogError::SongNotFound)?;
    let expires = chrono::Utc::now().timestamp() + LINK_LIFETIME_SECS;
    let signature = state.catalog.signer.sign(id, quality, expires);
    Ok(ApiJson(StreamUrl {
        url: format!(
            "/api/v1/songs/{id}/stream?quality={quality}&expires={expires}&signature={signature}"
        ),
        expires_at: chrono::DateTime::from_timestamp(expires, 0).unwrap_or_default(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PlayRecorded {
    /// False when this listener reported this song moments ago (counted once).
    counted: bool,
}

/// Records that the caller played this song. Counts are written in batches every second.
#[utoipa::path(post, path = "/api/v1/songs/{id}/plays", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 202, body = PlayRecorded), (status = 404, body = Problem)))]
async fn record_play(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, ApiJson<PlayRecorded>), ApiError> {
    let exists: bool = sqlx::query_scalar("select exists (select 1 from songs where songid = $1)")
        .bind(id)
        .fetch_one(&state.db)
        .await
        .map_err(CatalogError::from)?;
    if !exists {
        return Err(CatalogError::SongNotFound.into());
    }
    let counted = state.catalog.plays.record(caller.user_id, id);
    Ok((StatusCode::ACCEPTED, ApiJson(PlayRecorded { counted })))
}
