//! Albums: read one with its songs in play order, list them, edit, delete (keeping or
//! deleting the songs), set the poster, and move songs onto, between or off albums. Changing
//! an album is for its owner or an administrator.

use uuid::Uuid;

use super::album_views::{AlbumDetail, AlbumView};
use super::error::{field, invalid};
use super::metadata;
use super::store::albums::{self as store, AlbumChanges, AlbumCursor, AlbumFilter, AlbumRow};
use super::store::songs::SongRow;
use super::{Catalog, CatalogError, posters};
use crate::accounts::AuthUser;
use crate::http::pagination::{self, Page};
use crate::media::images::Rendition;
use crate::media::names::match_key;
use crate::media::tags::{MAX_DISC, MAX_TRACK, YEARS};

/// An album edit as a client sends it; absent fields stay as they are.
#[derive(Debug, Default)]
pub struct AlbumEdit<'a> {
    pub title: Option<&'a str>,
    /// `Some("")` clears it.
    pub about: Option<&'a str>,
    /// `Some(None)` clears it.
    pub year: Option<Option<i64>>,
}

/// A song's move in a PATCH: each field left out stays, null clears it.
#[derive(Debug, Default)]
pub struct PlacementEdit {
    /// Onto this album (the caller's own, or any for an administrator), or off any album.
    pub album: Option<Option<Uuid>>,
    pub disc: Option<Option<i64>>,
    pub track: Option<Option<i64>>,
}

impl PlacementEdit {
    pub fn is_empty(&self) -> bool {
        self.album.is_none() && self.disc.is_none() && self.track.is_none()
    }
}

impl Catalog {
    /// One album with its songs in disc and track order, answered for `viewer`.
    pub async fn album_answer(
        &self,
        id: Uuid,
        viewer: Option<Uuid>,
    ) -> Result<AlbumDetail, CatalogError> {
        let row = store::find(&self.db, id)
            .await?
            .ok_or(CatalogError::AlbumNotFound)?;
        let ids = store::song_ids(&self.db, id).await?;
        let songs = self.song_answers(&ids, viewer).await?;
        Ok(AlbumDetail {
            album: AlbumView::from(row),
            songs,
        })
    }

    /// Answers for the albums `ids`, in their order; an album deleted meanwhile is left out.
    /// What the capabilities above (search) answer albums with.
    pub async fn album_answers(&self, ids: &[Uuid]) -> Result<Vec<AlbumView>, CatalogError> {
        let mut rows: std::collections::HashMap<Uuid, AlbumRow> = store::find_many(&self.db, ids)
            .await?
            .into_iter()
            .map(|row| (row.albumid, row))
            .collect();
        Ok(ids
            .iter()
            .filter_map(|id| rows.remove(id).map(AlbumView::from))
            .collect())
    }

    /// One page of albums as `filter` picks and orders them.
    pub async fn album_page(
        &self,
        filter: &AlbumFilter,
        after: Option<&AlbumCursor>,
        limit: i64,
    ) -> Result<Page<AlbumView>, CatalogError> {
        let rows = self
            .reads
            .run(|db| async move { store::list(&db, filter, after, limit + 1).await })
            .await?;
        let sort = filter.sort;
        let (rows, next_cursor) =
            pagination::finish_page(rows, limit, |last| AlbumCursor::after(last, sort));
        Ok(Page {
            items: rows.into_iter().map(AlbumView::from).collect(),
            next_cursor,
        })
    }

    /// The album, if the caller may change it.
    async fn editable_album(&self, caller: &AuthUser, id: Uuid) -> Result<AlbumRow, CatalogError> {
        let album = store::find(&self.db, id)
            .await?
            .ok_or(CatalogError::AlbumNotFound)?;
        if album.ownerid != caller.user_id && !caller.is_admin {
            return Err(CatalogError::NotOwner);
        }
        Ok(album)
    }

    pub async fn update_album(
        &self,
        caller: &AuthUser,
        id: Uuid,
        edit: AlbumEdit<'_>,
    ) -> Result<AlbumView, CatalogError> {
        let album = self.editable_album(caller, id).await?;
        let mut errors = Vec::new();
        // The song rules: a title of 1 to 200 characters once trimmed, a description of up to
        // 5,000.
        let title = edit.title.map(str::trim);
        if let Some(title) = title {
            metadata::check_title(title, "Give the album a title.", &mut errors);
        }
        if let Some(about) = edit.about {
            metadata::check_about(about.trim(), &mut errors);
        }
        let year = edit
            .year
            .map(|year| year.map(|y| i32::try_from(y).unwrap_or(i32::MAX)));
        if let Some(Some(year)) = year
            && !YEARS.contains(&year)
        {
            errors.push(field(
                "year",
                &format!("A year from {} to {}.", YEARS.start(), YEARS.end()),
            ));
        }
        if !errors.is_empty() {
            return Err(CatalogError::Invalid(errors));
        }
        // The key keeps its album artists' part: a renamed album is still theirs.
        let key = title.map(|title| {
            let artists = album.matchkey.split_once('\u{1f}').map_or("", |(_, a)| a);
            format!("{}\u{1f}{artists}", match_key(title))
        });
        let changes = AlbumChanges {
            title,
            match_key: key.as_deref(),
            about: edit
                .about
                .map(|about| Some(about.trim()).filter(|a| !a.is_empty())),
            year,
        };
        match store::update(&self.db, id, &changes).await {
            Ok(true) => {}
            Ok(false) => return Err(CatalogError::AlbumNotFound),
            Err(error) if is_unique_violation(&error) => return Err(CatalogError::AlbumTaken),
            Err(error) => return Err(error.into()),
        }
        let row = store::find(&self.db, id)
            .await?
            .ok_or(CatalogError::AlbumNotFound)?;
        Ok(AlbumView::from(row))
    }

    /// Deletes the album; its songs go too when `with_songs`, else they stay as singles. The
    /// files of whatever went are removed at once.
    pub async fn delete_album(
        &self,
        caller: &AuthUser,
        id: Uuid,
        with_songs: bool,
    ) -> Result<(), CatalogError> {
        self.editable_album(caller, id).await?;
        if !store::delete(&self.db, id, with_songs).await? {
            return Err(CatalogError::AlbumNotFound);
        }
        self.streams_changed();
        // The delete queued the album's and songs' folders (migrations 10, 11).
        self.storage.remove_deleted_now(&self.db).await;
        Ok(())
    }

    /// The album whose poster the caller may replace. Asked before the picture is read, so
    /// that nobody else makes the server read and decode one.
    pub async fn album_poster_editable(
        &self,
        caller: &AuthUser,
        id: Uuid,
    ) -> Result<AlbumRow, CatalogError> {
        caller.require_verified()?;
        self.editable_album(caller, id).await
    }

    /// Replaces the album's poster.
    pub async fn set_album_poster(
        &self,
        album: AlbumRow,
        bytes: Vec<u8>,
    ) -> Result<AlbumView, CatalogError> {
        let id = album.albumid;
        let renditions = posters::renditions(bytes).await?;
        let prefix = self
            .store_poster_under(&format!("albums/{id}"), renditions)
            .await?;
        let url = posters::url(&prefix);
        if !store::set_poster(&self.db, id, Some(&url), Some(&prefix)).await? {
            let _ = self.storage.delete_prefix(&prefix).await;
            return Err(CatalogError::AlbumNotFound);
        }
        if let Some(old) = &album.posterpublicid {
            let _ = self.storage.delete_prefix(old).await;
        }
        let row = store::find(&self.db, id)
            .await?
            .ok_or(CatalogError::AlbumNotFound)?;
        Ok(AlbumView::from(row))
    }

    /// Gives an album without a poster a copy of a new song's picture (its own files, so that
    /// deleting the song leaves the album's). Best effort: the upload has succeeded already,
    /// and a copy that loses a race to another is removed again.
    pub(super) async fn adopt_album_poster(&self, album: Uuid, renditions: Vec<Rendition>) {
        let adopt = async {
            if store::has_poster(&self.db, album).await? {
                return Ok(());
            }
            let prefix = self
                .store_poster_under(&format!("albums/{album}"), renditions)
                .await?;
            let url = posters::url(&prefix);
            if !store::set_poster_if_none(&self.db, album, &url, &prefix).await? {
                let _ = self.storage.delete_prefix(&prefix).await;
            }
            Ok::<(), CatalogError>(())
        };
        if let Err(error) = adopt.await {
            tracing::warn!(error = format!("{error:#}"), %album, "giving an album its poster");
        }
    }

    /// Moves `song` (already checked editable by the caller) as `edit` says. A song taken
    /// off its album keeps no disc or track number unless the edit gives new ones.
    pub(super) async fn place_song(
        &self,
        caller: &AuthUser,
        song: &SongRow,
        edit: &PlacementEdit,
    ) -> Result<(), CatalogError> {
        let mut errors = Vec::new();
        let number = |value: Option<Option<i64>>, current: Option<i16>, max: u16| match value {
            None => Ok(current),
            Some(None) => Ok(None),
            Some(Some(n)) if (1..=i64::from(max)).contains(&n) => Ok(Some(n as i16)),
            Some(Some(_)) => Err(format!("A number from 1 to {max}.")),
        };
        let track = number(edit.track, song.tracknumber, MAX_TRACK)
            .map_err(|message| errors.push(field("trackNumber", &message)));
        let disc = number(edit.disc, song.discnumber, MAX_DISC)
            .map_err(|message| errors.push(field("discNumber", &message)));
        let (Ok(mut track), Ok(mut disc)) = (track, disc) else {
            return Err(CatalogError::Invalid(errors));
        };
        let album = edit.album.unwrap_or(song.albumid);
        if let Some(album) = album.filter(|a| Some(*a) != song.albumid) {
            match store::owner(&self.db, album).await? {
                None => return Err(invalid("albumId", "There is no such album.")),
                Some(owner) if owner != caller.user_id && !caller.is_admin => {
                    return Err(invalid("albumId", "Songs go only onto your own albums."));
                }
                Some(_) => {}
            }
        }
        if album.is_none() && edit.album.is_some() {
            track = edit.track.flatten().map(|n| n as i16);
            disc = edit.disc.flatten().map(|n| n as i16);
        }
        store::place_song(&self.db, song.songid, album, disc, track).await?;
        Ok(())
    }
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}
