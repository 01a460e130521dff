//! What a listener did with songs (liked, favourited, where they stopped), as the catalog's
//! song answers show it: the library's side of `catalog::ViewerLookup`.

use std::collections::HashMap;

use futures_util::future::BoxFuture;
use sqlx::PgPool;
use uuid::Uuid;

use super::store;
use crate::catalog::ViewerLookup;
use crate::catalog::ViewerState;

pub struct ViewerStates {
    db: PgPool,
}

impl ViewerStates {
    pub fn new(db: PgPool) -> Self {
        Self { db }
    }
}

impl ViewerLookup for ViewerStates {
    fn states<'a>(
        &'a self,
        user: Uuid,
        songs: &'a [Uuid],
    ) -> BoxFuture<'a, sqlx::Result<HashMap<Uuid, ViewerState>>> {
        Box::pin(store::viewer::states(&self.db, user, songs))
    }
}
