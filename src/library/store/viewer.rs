//! What one listener did with each of some songs, read from the three tables that hold it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::catalog::ViewerState;

type Row = (
    Uuid,
    bool,
    Option<DateTime<Utc>>,
    Option<i32>,
    Option<DateTime<Utc>>,
    Option<i16>,
);

/// The user's state for each of `songs`, in four indexed lookups.
pub async fn states(
    db: &PgPool,
    user: Uuid,
    songs: &[Uuid],
) -> sqlx::Result<HashMap<Uuid, ViewerState>> {
    let rows: Vec<Row> = sqlx::query_as(
        "select s.id,
                exists (select 1 from likes l where l.userid = $1 and l.songid = s.id),
                f.createdat, h.progress, h.lastplayedat, r.rating
           from unnest($2::uuid[]) as s(id)
           left join favorites f on f.userid = $1 and f.songid = s.id
           left join history h on h.userid = $1 and h.songid = s.id
           left join ratings r on r.userid = $1 and r.songid = s.id",
    )
    .bind(user)
    .bind(songs)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, liked, favorited_at, resume_at, last_played_at, rating)| {
                (
                    id,
                    ViewerState {
                        liked,
                        favorited: favorited_at.is_some(),
                        resume_at,
                        favorited_at,
                        last_played_at,
                        rating,
                    },
                )
            },
        )
        .collect())
}
