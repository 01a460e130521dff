//! The library: playlists, likes, favourites and listening history with resume.

mod history;
mod playlists;
pub mod playlists_store;
pub mod reactions;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(playlists::router())
        .merge(reactions::router())
        .merge(history::router())
}
