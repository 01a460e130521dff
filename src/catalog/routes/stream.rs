//! The listening handlers: the stream itself (by bearer token or signed link), the signed
//! link for players that cannot send a header, and play reports.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::accounts::AuthUser;
use crate::catalog::stream::{self, QUALITIES};
use crate::catalog::{Catalog, CatalogError};
use crate::http::{ApiError, ApiJson, Problem};

fn quality() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::one_of(&QUALITIES, true)
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
pub async fn stream_song(
    State(catalog): State<Arc<Catalog>>,
    Path(id): Path<Uuid>,
    Query(query): Query<StreamQuery>,
    caller: Result<AuthUser, ApiError>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let quality = stream::quality(query.quality.as_deref())?;
    // A signed link stands in for the bearer token; without one, the token must be good.
    match (query.expires, query.signature.as_deref()) {
        (Some(expires), Some(signature)) => {
            if !catalog.stream_link_valid(id, quality, expires, signature) {
                return Err(CatalogError::InvalidStreamLink.into());
            }
        }
        _ => {
            caller?;
        }
    }
    Ok(catalog.stream(id, quality, &method, &headers).await?)
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
pub async fn stream_url(
    State(catalog): State<Arc<Catalog>>,
    _caller: AuthUser,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<StreamUrlRequest>,
) -> Result<ApiJson<StreamUrl>, ApiError> {
    let quality = stream::quality(body.quality.as_deref())?;
    let link = catalog.stream_link(id, quality).await?;
    Ok(ApiJson(StreamUrl {
        url: link.url,
        expires_at: link.expires_at,
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
pub async fn record_play(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, ApiJson<PlayRecorded>), ApiError> {
    let counted = catalog.record_play(caller.user_id, id).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(PlayRecorded { counted })))
}
