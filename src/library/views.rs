//! What the library answers: playlists, and songs in a list with what the list adds to each.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::store::playlists::PlaylistRow;
use crate::catalog::{OwnerView, SongView};

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistView {
    pub id: Uuid,
    pub title: String,
    /// public or private.
    pub visibility: String,
    pub owner: OwnerView,
    pub item_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PlaylistRow> for PlaylistView {
    fn from(row: PlaylistRow) -> Self {
        Self {
            id: row.playlistid,
            visibility: row.visibility.clone().unwrap_or_else(|| "public".into()),
            title: row.title,
            owner: OwnerView {
                id: row.ownerid,
                name: row.ownername,
            },
            item_count: row.itemcount,
            created_at: row.createdat,
            updated_at: row.updatedat,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistItem {
    pub position: i32,
    pub added_at: DateTime<Utc>,
    pub song: SongView,
}

/// A song in the caller's likes or favourites.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollectedSong {
    pub added_at: DateTime<Utc>,
    pub song: SongView,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub progress: i32,
    pub last_played_at: DateTime<Utc>,
    pub song: SongView,
}
