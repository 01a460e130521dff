//! What a listener did with songs (liked, favourited, where they stopped), as the catalog's
//! song answers show it: the library's side of `catalog::songs::answers::ViewerLookup`.

use std::collections::HashMap;

use futures_util::future::BoxFuture;
use sqlx::PgPool;
use uuid::Uuid;

use crate::catalog::songs::answers::ViewerLookup;
use crate::catalog::songs::views::ViewerState;

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
        Box::pin(viewer_states(&self.db, user, songs))
    }
}

/// The caller's state for each of `songs`, in three indexed lookups.
async fn viewer_states(
    db: &PgPool,
    user: Uuid,
    songs: &[Uuid],
) -> sqlx::Result<HashMap<Uuid, ViewerState>> {
    let rows: Vec<(Uuid, bool, bool, Option<i32>)> = sqlx::query_as(
        "select s.id,
                exists (select 1 from likes l where l.userid = $1 and l.songid = s.id),
                exists (select 1 from favorites f where f.userid = $1 and f.songid = s.id),
                (select h.progress from history h where h.userid = $1 and h.songid = s.id)
           from unnest($2::uuid[]) as s(id)",
    )
    .bind(user)
    .bind(songs)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, liked, favorited, resume_at)| {
            (
                id,
                ViewerState {
                    liked,
                    favorited,
                    resume_at,
                },
            )
        })
        .collect())
}
