//! Search (GET /api/v1/search): typo-tolerant, accent- and case-insensitive, as you type,
//! ranked by text similarity blended with popularity. Every branch is served by a trigram or
//! full-text index on normalised text (migrations 7 and 9).
//!
//! Depends on the catalog (found songs and albums are answered through
//! `Catalog::song_answers` and `Catalog::album_answers`) on
//! accounts (the optional caller) and on the http toolkit. `query.rs` checks a request before any SQL runs, `routes.rs`
//! holds the handler, `store/` all the SQL (named statements, songs by words).

mod error;
pub mod query;
mod routes;
pub mod store;

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
use crate::catalog::{AlbumView, SongView};
pub use error::SearchError;
pub use query::{Kinds, SearchQuery};
use store::{NamedResult, PlaylistResult};

/// The search service: what its routes call.
pub struct Search {
    pub db: PgPool,
    pub catalog: Arc<Catalog>,
}

/// What one search found, each kind asked for ranked and limited.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct SearchResults {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub songs: Option<Vec<SongView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub albums: Option<Vec<AlbumView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artists: Option<Vec<NamedResult>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    users: Option<Vec<NamedResult>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    playlists: Option<Vec<PlaylistResult>>,
}

impl Search {
    pub fn new(db: PgPool, catalog: Arc<Catalog>) -> Self {
        Self { db, catalog }
    }

    /// Every kind `query` asks for; playlists include `viewer`'s private ones.
    pub async fn search(
        &self,
        query: &SearchQuery,
        viewer: Option<Uuid>,
    ) -> Result<SearchResults, SearchError> {
        // One transaction, so that the thresholds hold for every statement and no other.
        let mut tx = self.db.begin().await?;
        store::set_thresholds(&mut tx).await?;
        let mut results = SearchResults::default();
        if query.kinds.songs {
            let ids = store::song_ids(&mut tx, query).await?;
            results.songs = Some(self.catalog.song_answers(&ids, viewer).await?);
        }
        if query.kinds.albums {
            let ids = store::album_ids(&mut tx, query).await?;
            results.albums = Some(self.catalog.album_answers(&ids).await?);
        }
        if query.kinds.artists {
            results.artists = Some(store::named(&mut tx, "artists", "artistid", query).await?);
        }
        if query.kinds.users {
            results.users = Some(store::named(&mut tx, "users", "userid", query).await?);
        }
        if query.kinds.playlists {
            results.playlists = Some(store::playlists(&mut tx, query, viewer).await?);
        }
        tx.commit().await?;
        Ok(results)
    }
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Search>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(routes::search))
}
