//! The rows a plan writes, one struct per target table, each field already as the column
//! holds it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub struct UserRow {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub password: String,
    pub verified: bool,
    pub avatar_url: Option<String>,
    pub avatar_public_id: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

pub struct ArtistRow {
    pub id: Uuid,
    pub name: String,
    pub user: Uuid,
    pub created: DateTime<Utc>,
}

pub struct SongRow {
    pub id: Uuid,
    pub title: String,
    pub about: Option<String>,
    pub category: &'static str,
    pub file_url: String,
    pub file_public_id: String,
    pub poster_url: Option<String>,
    pub poster_public_id: Option<String>,
    pub owner: Uuid,
    pub artist: Uuid,
    /// The artist's name, for the song's search text.
    pub artist_name: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

pub struct PlaylistRow {
    pub id: Uuid,
    pub title: String,
    /// `None` for an auto-generated playlist.
    pub visibility: Option<&'static str>,
    pub owner: Option<Uuid>,
    pub category: Option<&'static str>,
    pub songs: Vec<Uuid>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// A like or a favourite.
pub struct PairRow {
    pub id: Uuid,
    pub user: Uuid,
    pub song: Uuid,
    pub at: DateTime<Utc>,
}

pub struct HistoryRow {
    pub id: Uuid,
    pub user: Uuid,
    pub song: Uuid,
    pub progress: i32,
    pub at: DateTime<Utc>,
}

pub struct FollowRow {
    pub follower: Uuid,
    pub following: Uuid,
    pub at: DateTime<Utc>,
}

pub struct SessionRow {
    pub id: Uuid,
    pub user: Uuid,
    pub token_hash: String,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
}
