//! The library: playlists (and, to come, likes, favourites and listening history).

mod playlists;
pub mod playlists_store;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(playlists::router())
}
