//! Shares: public links to a song, an album or a playlist that play without an account until
//! they expire or are deleted. Made (from Subsonic apps) by someone who can see what they
//! share, which includes their own private playlists: sharing one is their choice. Opening a
//! link (`GET /api/v1/shares/{token}`, the web app's `/share/{token}` page) counts a visit.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::error::invalid;
use super::store::items;
use super::store::shares::{self as store, ShareRow};
use super::{Library, LibraryError};
use crate::catalog::{CatalogError, SongView};
use crate::secrets::new_token;

pub use store::Shared;

/// Most shares one account holds, and songs one share plays.
pub const MAX_SHARES: i64 = 500;
const MAX_SHARED_SONGS: i64 = 10_000;
const MAX_DESCRIPTION: usize = 500;

/// A share with the songs it plays, in order.
pub struct ShareView {
    pub id: Uuid,
    pub token: String,
    pub owner: Uuid,
    pub shared: Shared,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_visited_at: Option<DateTime<Utc>>,
    pub visit_count: i64,
    pub songs: Vec<SongView>,
}

/// The web app's page a share's link opens.
pub fn share_path(token: &str) -> String {
    format!("/share/{token}")
}

fn check_description(description: Option<&str>) -> Result<Option<&str>, LibraryError> {
    let Some(text) = description.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_DESCRIPTION || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(
            "description",
            "A description has at most 500 characters and no control characters.",
        ));
    }
    Ok(Some(text))
}

fn check_expiry(expires: Option<DateTime<Utc>>) -> Result<(), LibraryError> {
    if expires.is_some_and(|at| at <= Utc::now()) {
        return Err(invalid("expires", "A share expires in the future."));
    }
    Ok(())
}

impl Library {
    pub async fn create_share(
        &self,
        owner: Uuid,
        shared: Shared,
        description: Option<&str>,
        expires: Option<DateTime<Utc>>,
    ) -> Result<ShareView, LibraryError> {
        let description = check_description(description)?;
        check_expiry(expires)?;
        // Only what the owner can see may be shared.
        match shared {
            Shared::Song(id) => self.catalog.require_song(id).await?,
            Shared::Album(id) => {
                if self.catalog.album_answers(&[id]).await?.is_empty() {
                    return Err(CatalogError::AlbumNotFound.into());
                }
            }
            Shared::Playlist(id) => {
                self.visible(id, Some(owner)).await?;
            }
        }
        let row = store::create(
            &self.db,
            owner,
            &new_token(),
            shared,
            description,
            expires,
            MAX_SHARES,
        )
        .await?
        .ok_or(LibraryError::TooManyShares)?;
        self.share_view(row).await
    }

    pub async fn shares(&self, owner: Uuid) -> Result<Vec<ShareView>, LibraryError> {
        let mut views = Vec::new();
        for row in store::list(&self.db, owner).await? {
            views.push(self.share_view(row).await?);
        }
        Ok(views)
    }

    /// Changes a share's description, or its expiry (`Some(None)`: never expires).
    pub async fn update_share(
        &self,
        owner: Uuid,
        id: Uuid,
        description: Option<&str>,
        expires: Option<Option<DateTime<Utc>>>,
    ) -> Result<(), LibraryError> {
        let description = check_description(description)?;
        check_expiry(expires.flatten())?;
        if store::update(&self.db, owner, id, description, expires).await? {
            Ok(())
        } else {
            Err(LibraryError::ShareNotFound)
        }
    }

    pub async fn delete_share(&self, owner: Uuid, id: Uuid) -> Result<(), LibraryError> {
        if store::delete(&self.db, owner, id).await? {
            Ok(())
        } else {
            Err(LibraryError::ShareNotFound)
        }
    }

    /// What a link shows to anyone holding it, counting the visit; not found once expired or
    /// deleted.
    pub async fn open_share(&self, token: &str) -> Result<ShareView, LibraryError> {
        let row = store::visit(&self.db, token)
            .await?
            .ok_or(LibraryError::ShareNotFound)?;
        self.share_view(row).await
    }

    async fn share_view(&self, row: ShareRow) -> Result<ShareView, LibraryError> {
        let shared = match (row.songid, row.albumid, row.playlistid) {
            (Some(id), _, _) => Shared::Song(id),
            (_, Some(id), _) => Shared::Album(id),
            (_, _, Some(id)) => Shared::Playlist(id),
            _ => return Err(LibraryError::ShareNotFound),
        };
        // Answered for nobody: a share shows what the songs are, not what anyone did.
        let songs = match shared {
            Shared::Song(id) => self.catalog.song_answers(&[id], None).await?,
            Shared::Album(id) => self.catalog.album_answer(id, None).await?.songs,
            Shared::Playlist(id) => {
                let rows = items::page(&self.db, id, 0, MAX_SHARED_SONGS).await?;
                let ids: Vec<Uuid> = rows.iter().map(|row| row.songid).collect();
                self.catalog.song_answers(&ids, None).await?
            }
        };
        Ok(ShareView {
            id: row.shareid,
            token: row.token,
            owner: row.userid,
            shared,
            description: row.description,
            created_at: row.createdat,
            expires_at: row.expiresat,
            last_visited_at: row.lastvisitedat,
            visit_count: row.visitcount,
            songs,
        })
    }
}
