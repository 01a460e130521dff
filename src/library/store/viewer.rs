//! What one listener did with each of some songs, read from the three tables that hold it.

use std::collections::HashMap;

use sqlx::PgPool;
use uuid::Uuid;

use crate::catalog::ViewerState;

/// The user's state for each of `songs`, in three indexed lookups.
pub async fn states(
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
