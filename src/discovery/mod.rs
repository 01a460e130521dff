//! Discovery: the auto-generated playlists (Trending, New Releases, a top list per category
//! and per popular genre), rebuilt by a periodic job and by `ampli admin refresh-playlists`,
//! and refreshed within a minute of an upload; and the album lists (new, popular).
//!
//! Depends on the catalog (the lists' songs are answered through `Catalog::song_answers`, the
//! album lists are its pages; the categories; the upload hook it is handed through `app.rs`)
//! on accounts (the optional caller) and on the http toolkit. `rebuild.rs` is the jobs, `routes.rs` the handlers,
//! `store/` all the SQL (reading the lists, the rebuild's rankings, the stale marks).

mod error;
pub mod rebuild;
mod routes;
mod store;

use std::sync::Arc;

use axum::extract::FromRef;
use futures_util::future::BoxFuture;
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::accounts::Accounts;
use crate::catalog::{
    AddedSong, AlbumCursor, AlbumFilter, AlbumSort, AlbumView, Catalog, SongListener, SongView,
};
use crate::http::pagination::Page;
use crate::media::names::match_key;
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
    pub playlist: AutoPlaylistView,
    pub songs: Vec<SongView>,
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

    /// One page of albums, newest or most played first.
    pub async fn albums(
        &self,
        sort: AlbumSort,
        after: Option<&AlbumCursor>,
        limit: i64,
    ) -> Result<Page<AlbumView>, DiscoveryError> {
        let filter = AlbumFilter {
            sort,
            ..AlbumFilter::default()
        };
        Ok(self.catalog.album_page(&filter, after, limit).await?)
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

/// An upload marks the lists it changes stale, for the minute's refresh
/// (`rebuild::refresh_stale`) on whichever instance runs it.
impl SongListener for Discovery {
    fn song_added<'a>(&'a self, song: AddedSong<'a>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut kinds = vec![rebuild::STALE_NEW, rebuild::STALE_CATEGORY];
            let mut names = vec![String::new(), song.category.to_owned()];
            for genre in song.genres {
                kinds.push(rebuild::STALE_GENRE);
                names.push(match_key(genre));
            }
            if let Err(error) = store::stale::mark(&self.db, &kinds, &names).await {
                // The hourly rebuild still takes the song in.
                tracing::warn!(%error, song = %song.id, "marking discovery lists stale");
            }
        })
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
        .routes(routes!(routes::new_albums))
        .routes(routes!(routes::popular_albums))
}
