//! Search (GET /api/v1/search): typo-tolerant, accent- and case-insensitive, as you type,
//! ranked by text similarity blended with popularity. Every kind is found by the words of
//! its text through a full-text index on normalised text (migrations 9, 12 and 20), with typo
//! spellings from the catalog's vocabulary.
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
use crate::db::replicas::Reads;
pub use error::SearchError;
pub use query::{Kinds, SearchQuery};
use store::{NamedResult, PlaylistResult};

/// The search service: what its routes call.
pub struct Search {
    /// Searches run on a replica when there is a healthy one.
    pub reads: Reads,
    pub catalog: Arc<Catalog>,
}

/// What the search statements found, before the answers are made.
#[derive(Default)]
struct Found {
    songs: Option<Vec<Uuid>>,
    albums: Option<Vec<Uuid>>,
    artists: Option<Vec<NamedResult>>,
    users: Option<Vec<NamedResult>>,
    playlists: Option<Vec<PlaylistResult>>,
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
    pub fn new(reads: Reads, catalog: Arc<Catalog>) -> Self {
        Self { reads, catalog }
    }

    /// Every kind `query` asks for; playlists include `viewer`'s private ones.
    pub async fn search(
        &self,
        query: &SearchQuery,
        viewer: Option<Uuid>,
    ) -> Result<SearchResults, SearchError> {
        let found = self
            .reads
            .run(|db| async move { find(&db, query, viewer).await })
            .await?;
        let songs = match found.songs {
            Some(ids) => Some(self.catalog.song_answers(&ids, viewer).await?),
            None => None,
        };
        let albums = match found.albums {
            Some(ids) => Some(self.catalog.album_answers(&ids).await?),
            None => None,
        };
        Ok(SearchResults {
            songs,
            albums,
            artists: found.artists,
            users: found.users,
            playlists: found.playlists,
        })
    }
}

/// Runs every statement `query` asks for in one transaction, so that the thresholds hold for
/// every statement and no other.
async fn find(db: &PgPool, query: &SearchQuery, viewer: Option<Uuid>) -> sqlx::Result<Found> {
    let mut tx = db.begin().await?;
    store::set_thresholds(&mut tx).await?;
    // Every kind is found by the same words: their spellings and counts are looked up once.
    let tsqueries = store::songs::tsqueries(&mut tx, &query.text).await?;
    let kinds = &query.kinds;
    let mut found = Found::default();
    if kinds.songs {
        found.songs = Some(store::song_ids(&mut tx, query, &tsqueries).await?);
    }
    if kinds.albums {
        found.albums = Some(store::album_ids(&mut tx, query, &tsqueries).await?);
    }
    if kinds.artists {
        found.artists =
            Some(store::named(&mut tx, "artists", "artistid", query, &tsqueries).await?);
    }
    if kinds.users {
        found.users = Some(store::named(&mut tx, "users", "userid", query, &tsqueries).await?);
    }
    if kinds.playlists {
        found.playlists = Some(store::playlists(&mut tx, query, &tsqueries, viewer).await?);
    }
    tx.commit().await?;
    Ok(found)
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Search>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(routes::search))
}
