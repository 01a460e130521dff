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
use crate::db::replicas::Reads;
use crate::http::pagination::Page;
use crate::media::names::match_key;
use crate::shared::{Cache, Invalidations, Shared};
pub use error::DiscoveryError;
pub use store::AutoPlaylistView;

/// The discovery service: what its routes call.
pub struct Discovery {
    pub db: PgPool,
    /// The lists are read from a replica when there is one: they change hourly.
    reads: Reads,
    /// The lists and each list's song ids (the songs themselves are answered fresh, with
    /// their current figures), dropped on every instance when a rebuild changes them.
    lists: Cache<(), Vec<AutoPlaylistView>>,
    list_songs: Cache<ListKey, Option<(AutoPlaylistView, Vec<Uuid>)>>,
    invalidations: Invalidations,
    pub catalog: Arc<Catalog>,
}

/// The cache topic of the lists.
pub const LISTS_TOPIC: &str = "discovery";

/// How a list is asked for.
#[derive(Clone, PartialEq, Eq, Hash)]
enum ListKey {
    Id(Uuid),
    Title(String),
}

/// A list with its songs in order.
#[derive(Serialize, ToSchema)]
pub struct AutoPlaylistWithSongs {
    #[serde(flatten)]
    pub playlist: AutoPlaylistView,
    pub songs: Vec<SongView>,
}

impl Discovery {
    pub fn new(db: PgPool, reads: Reads, shared: &Shared, catalog: Arc<Catalog>) -> Self {
        let invalidations = shared.invalidations.clone();
        Self {
            db,
            reads,
            lists: invalidations.cache(LISTS_TOPIC),
            list_songs: invalidations.cache(LISTS_TOPIC),
            invalidations,
            catalog,
        }
    }

    /// The lists were rebuilt: every instance reads them again.
    pub async fn lists_changed(&self) {
        self.invalidations.invalidate(LISTS_TOPIC).await;
    }

    pub async fn playlists(&self) -> Result<Vec<AutoPlaylistView>, DiscoveryError> {
        let read = self.reads.run(|db| async move { store::list(&db).await });
        Ok(self.lists.get_or_read((), read).await?)
    }

    pub async fn playlist(
        &self,
        id: Uuid,
        viewer: Option<Uuid>,
    ) -> Result<AutoPlaylistWithSongs, DiscoveryError> {
        self.with_songs(ListKey::Id(id), viewer).await
    }

    /// The list named `title` (Trending, New Releases), once it has been built.
    pub async fn playlist_titled(
        &self,
        title: &str,
        viewer: Option<Uuid>,
    ) -> Result<AutoPlaylistWithSongs, DiscoveryError> {
        self.with_songs(ListKey::Title(title.to_owned()), viewer)
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
        key: ListKey,
        viewer: Option<Uuid>,
    ) -> Result<AutoPlaylistWithSongs, DiscoveryError> {
        let read = self.reads.run(|db| {
            let key = key.clone();
            async move {
                let playlist = match &key {
                    ListKey::Id(id) => store::find(&db, *id).await?,
                    ListKey::Title(title) => store::find_by_title(&db, title).await?,
                };
                let Some(playlist) = playlist else {
                    return Ok(None);
                };
                let ids = store::song_ids(&db, playlist.id).await?;
                Ok(Some((playlist, ids)))
            }
        });
        let (playlist, ids) = self
            .list_songs
            .get_or_read(key.clone(), read)
            .await?
            .ok_or(DiscoveryError::PlaylistNotFound)?;
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
