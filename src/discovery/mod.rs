//! Discovery: the auto-generated playlists (Trending, New Releases, a top list per category),
//! rebuilt by a periodic job and by `ampli admin refresh-playlists`.
//!
//! Depends on the catalog (the lists' songs are answered through `Catalog::song_answers`; the
//! categories), on accounts (the optional caller) and on the http toolkit. `rebuild.rs` is the
//! job, `routes.rs` the handlers, `store/` all the SQL (reading the lists in `mod.rs`, the
//! rebuild's rankings in `rebuild.rs`), `error.rs` the errors.

mod error;
pub mod rebuild;
mod routes;
mod store;

use std::sync::Arc;

use axum::extract::FromRef;
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::accounts::Accounts;
use crate::catalog::Catalog;
use crate::catalog::SongView;
pub use error::DiscoveryError;
pub use store::AutoPlaylistView;

/// The discovery service: what its routes call.
pub struct Discovery {
    pub db: PgPool,
    pub catalog: Arc<Catalog>,
}

/// A list with its songs in order.
#[derive(Serialize, ToSchema)]
pub struct AutoPlaylistWithSongs {
    #[serde(flatten)]
    playlist: AutoPlaylistView,
    songs: Vec<SongView>,
}

impl Discovery {
    pub fn new(db: PgPool, catalog: Arc<Catalog>) -> Self {
        Self { db, catalog }
    }

    pub async fn playlists(&self) -> Result<Vec<AutoPlaylistView>, DiscoveryError> {
        Ok(store::list(&self.db).await?)
    }

    pub async fn playlist(
        &self,
        id: Uuid,
        viewer: Option<Uuid>,
    ) -> Result<AutoPlaylistWithSongs, DiscoveryError> {
        self.with_songs(store::find(&self.db, id).await?, viewer)
            .await
    }

    /// The list named `title` (Trending, New Releases), once it has been built.
    pub async fn playlist_titled(
        &self,
        title: &str,
        viewer: Option<Uuid>,
    ) -> Result<AutoPlaylistWithSongs, DiscoveryError> {
        self.with_songs(store::find_by_title(&self.db, title).await?, viewer)
            .await
    }

    async fn with_songs(
        &self,
        playlist: Option<AutoPlaylistView>,
        viewer: Option<Uuid>,
    ) -> Result<AutoPlaylistWithSongs, DiscoveryError> {
        let playlist = playlist.ok_or(DiscoveryError::PlaylistNotFound)?;
        let ids = store::song_ids(&self.db, playlist.id).await?;
        let songs = self.catalog.song_answers(&ids, viewer).await?;
        Ok(AutoPlaylistWithSongs { playlist, songs })
    }
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Discovery>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(routes::list_playlists))
        .routes(routes!(routes::get_playlist))
        .routes(routes!(routes::trending))
        .routes(routes!(routes::new_releases))
}
