//! The waveform handler.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::catalog::Catalog;
use crate::http::{ApiError, ApiJson, Problem};

/// A song's waveform: the loudest moment of each of 512 equal slices, 0 (silence) to 255
/// (full scale).
#[derive(Debug, Serialize, ToSchema)]
pub struct PeaksView {
    #[schema(min_items = 512, max_items = 512)]
    pub peaks: Vec<u8>,
}

/// A song's waveform, measured once when the song is transcoded (404 `peaks_not_ready`
/// before). It never changes, so it may be cached for a day.
#[utoipa::path(get, path = "/api/v1/songs/{id}/peaks", tag = "songs",
    params(("id" = Uuid, Path, description = "The song")),
    responses((status = 200, body = PeaksView), (status = 404, body = Problem)))]
pub async fn get_peaks(
    State(catalog): State<Arc<Catalog>>,
    Path(id): Path<Uuid>,
) -> Result<impl IntoResponse, ApiError> {
    let peaks = catalog.peaks(id).await?;
    Ok((
        [(header::CACHE_CONTROL, "public, max-age=86400")],
        ApiJson(PeaksView { peaks }),
    ))
}
