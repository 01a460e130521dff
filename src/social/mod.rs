//! Social: following people, the pages of who follows whom, the feed of new songs from the
//! people I follow, and public profiles with their figures.
//!
//! Depends on accounts (whether a user exists, their public face, the caller), the catalog
//! (the feed's songs, answered through `Catalog::song_answers`) and the http toolkit.
//! Handlers are in `routes.rs`, the operations in `follows.rs`, `profile.rs` and below, the
//! SQL and the rows it answers (`PersonView`, `UserStats`) in `store.rs`, the errors in
//! `error.rs`.

mod error;
mod follows;
mod profile;
mod routes;
mod store;

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::PgPool;

use crate::db::replicas::Reads;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::accounts::Accounts;
use crate::catalog::{Catalog, SongCursor, SongFilter, SongView};
use crate::http::pagination::Page;
pub use error::SocialError;
pub use profile::{ProfileStats, PublicUserView};
pub use store::{PersonView, Side};

/// The social service: what its routes call.
pub struct Social {
    pub db: PgPool,
    /// Other people's profile figures are read from a replica when there is one.
    pub reads: Reads,
    pub catalog: Arc<Catalog>,
}

impl Social {
    pub fn new(db: PgPool, reads: Reads, catalog: Arc<Catalog>) -> Self {
        Self { db, reads, catalog }
    }

    /// One page of new songs from the people `caller` follows, newest first.
    pub async fn feed(
        &self,
        caller: Uuid,
        limit: i64,
        after: Option<SongCursor>,
    ) -> Result<Page<SongView>, SocialError> {
        let filter = SongFilter {
            followed_by: Some(caller),
            ..SongFilter::default()
        };
        Ok(self
            .catalog
            .song_page(&filter, after.as_ref(), limit, Some(caller))
            .await?)
    }
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Social>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(routes::follow, routes::unfollow))
        .routes(routes!(routes::followers))
        .routes(routes!(routes::following))
        .routes(routes!(routes::feed))
        .routes(routes!(routes::get_user_profile))
}
