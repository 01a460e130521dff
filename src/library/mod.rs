//! The library: playlists, likes, favourites and listening history with resume.

mod history;
mod playlists;
pub mod playlists_store;
pub mod reactions;
mod viewer;

use std::sync::Arc;

use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;

use crate::app::AppState;
use crate::catalog::Catalog;
pub use viewer::ViewerStates;

/// The library's service: what its routes and jobs call.
pub struct Library {
    pub db: PgPool,
    pub catalog: Arc<Catalog>,
}

impl Library {
    pub fn new(db: PgPool, catalog: Arc<Catalog>) -> Self {
        Self { db, catalog }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(playlists::router())
        .merge(reactions::router())
        .merge(history::router())
}
