//! The credit handlers: crediting an artist on a song, and taking the credit off.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::accounts::AuthUser;
use crate::catalog::views::SongView;
use crate::catalog::{Catalog, credits};
use crate::http::{ApiError, ApiJson, Problem};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditRequest {
    /// Primary, Featured, Composer, Lyricist, Producer, Performer, Remixer, Arranger, Mixer,
    /// Engineer, Conductor or Orchestra.
    #[schema(schema_with = role)]
    role: String,
}

fn role() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::one_of(&credits::ROLES, false)
}

/// Credits an artist on a song with a role (or changes the role).
#[utoipa::path(put, path = "/api/v1/songs/{id}/artists/{artistId}", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("artistId" = Uuid, Path)), request_body = CreditRequest,
    responses((status = 200, body = SongView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_credit(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path((id, artist)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<CreditRequest>,
) -> Result<ApiJson<SongView>, ApiError> {
    let song = catalog.credit(&caller, id, artist, &body.role).await?;
    Ok(ApiJson(song.into()))
}

/// Removes an artist's credit from a song: the song's owner (or an administrator) may, and so
/// may the artist's own account (or, for an artist linked to none, whoever made it), so that
/// nobody can be left credited on a song they want no part of.
#[utoipa::path(delete, path = "/api/v1/songs/{id}/artists/{artistId}", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("artistId" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_credit(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path((id, artist)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    catalog.uncredit(&caller, id, artist).await?;
    Ok(StatusCode::NO_CONTENT)
}
