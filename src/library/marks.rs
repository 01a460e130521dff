//! Stars, ratings and the saved play queue: what Subsonic apps keep for a listener.
//!
//! One "starred" in Subsonic, two lists in Ampli: a starred song is a favourite (the list a
//! listener keeps for themselves), not a like (the public appreciation songs are counted
//! by), so starring in an app and favouriting on the web are the same act. Albums and
//! artists have no favourites; their stars are kept on their own.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::error::invalid;
use super::store::collections::Collection;
use super::store::marks::{self, Target};
use super::store::play_queues;
use super::{Library, LibraryError};
use crate::catalog::{CatalogError, SongView};

pub use marks::Target as MarkTarget;

/// Most songs a saved play queue holds.
pub const MAX_QUEUE: usize = 5_000;

/// A saved play queue with its songs answered (those deleted since left out).
pub struct PlayQueue {
    pub songs: Vec<SongView>,
    pub current: Option<i32>,
    pub position_ms: i64,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
}

fn not_found(target: Target) -> LibraryError {
    match target {
        Target::Song(_) => CatalogError::SongNotFound,
        Target::Album(_) => CatalogError::AlbumNotFound,
        Target::Artist(_) => CatalogError::ArtistNotFound,
    }
    .into()
}

impl Library {
    pub async fn star(&self, user: Uuid, target: Target) -> Result<(), LibraryError> {
        match target {
            Target::Song(song) => self.collect(Collection::Favorites, user, song).await,
            _ if marks::star(&self.db, user, target).await? => Ok(()),
            _ => Err(not_found(target)),
        }
    }

    pub async fn unstar(&self, user: Uuid, target: Target) -> Result<(), LibraryError> {
        match target {
            Target::Song(song) => self.uncollect(Collection::Favorites, user, song).await,
            _ => Ok(marks::unstar(&self.db, user, target).await?),
        }
    }

    /// Rates 1 to 5; 0 takes the rating away.
    pub async fn rate(&self, user: Uuid, target: Target, rating: i64) -> Result<(), LibraryError> {
        let rating = match rating {
            0 => None,
            1..=5 => Some(rating as i16),
            _ => return Err(invalid("rating", "A rating is 0 (none) to 5.")),
        };
        if marks::rate(&self.db, user, target, rating).await? {
            Ok(())
        } else {
            Err(not_found(target))
        }
    }

    /// The albums, or artists, the user starred, most recent first, with when.
    pub async fn starred(
        &self,
        user: Uuid,
        artists: bool,
        limit: i64,
    ) -> Result<Vec<(Uuid, DateTime<Utc>)>, LibraryError> {
        Ok(marks::starred(&self.db, user, artists, limit).await?)
    }

    /// The user's star time and rating of each of some albums (or artists) they marked.
    pub async fn marks(
        &self,
        user: Uuid,
        artists: bool,
        ids: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, (Option<DateTime<Utc>>, Option<i16>)>, LibraryError>
    {
        Ok(marks::marks(&self.db, user, artists, ids).await?)
    }

    pub async fn top_rated_albums(
        &self,
        user: Uuid,
        limit: i64,
    ) -> Result<Vec<Uuid>, LibraryError> {
        Ok(marks::top_rated_albums(&self.db, user, limit).await?)
    }

    pub async fn play_queue(&self, user: Uuid) -> Result<Option<PlayQueue>, LibraryError> {
        let Some(row) = play_queues::find(&self.db, user).await? else {
            return Ok(None);
        };
        let songs = self.catalog.song_answers(&row.songids, Some(user)).await?;
        Ok(Some(PlayQueue {
            songs,
            current: row.currentindex,
            position_ms: row.positionms,
            changed_at: row.changedat,
            changed_by: row.changedby,
        }))
    }

    /// Saves the queue (no songs: forgets it). Songs that do not exist are refused.
    pub async fn save_play_queue(
        &self,
        user: Uuid,
        songs: &[Uuid],
        current: Option<i32>,
        position_ms: i64,
        changed_by: &str,
    ) -> Result<(), LibraryError> {
        if songs.len() > MAX_QUEUE {
            return Err(invalid(
                "id",
                format!("A play queue holds at most {MAX_QUEUE} songs."),
            ));
        }
        if current.is_some_and(|index| index < 0 || index as usize >= songs.len().max(1)) {
            return Err(invalid(
                "currentIndex",
                "The current index is outside the queue.",
            ));
        }
        if position_ms < 0 {
            return Err(invalid("position", "The position cannot be negative."));
        }
        let mut distinct = songs.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        let found = self.catalog.song_answers(&distinct, None).await?;
        if found.len() != distinct.len() {
            return Err(CatalogError::SongNotFound.into());
        }
        let changed_by: String = changed_by.chars().take(100).collect();
        Ok(play_queues::save(&self.db, user, songs, current, position_ms, &changed_by).await?)
    }
}
