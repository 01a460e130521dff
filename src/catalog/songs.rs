//! Changing a song: who may (its owner or an administrator), its text, its credits, and
//! deleting it with its files. Nobody credits someone else's artist on their songs, and an
//! artist's own account may always take its credit off a song. Posters are in `posters.rs`.

use uuid::Uuid;

use super::albums::PlacementEdit;
use super::credits::canonical_role;
use super::error::invalid;
use super::metadata;
use super::store::credits::{self as credits, Credit};
use super::store::songs::{self as store, SongRow};
use super::{Catalog, CatalogError};
use crate::accounts::AuthUser;

impl Catalog {
    /// The song, if the caller may change it.
    pub(super) async fn editable(
        &self,
        caller: &AuthUser,
        id: Uuid,
    ) -> Result<SongRow, CatalogError> {
        let song = store::find(&self.db, id)
            .await?
            .ok_or(CatalogError::SongNotFound)?;
        if song.ownerid != caller.user_id && !caller.is_admin {
            return Err(CatalogError::NotOwner);
        }
        Ok(song)
    }

    /// The song as it is now, after a change.
    pub(super) async fn reread(&self, id: Uuid) -> Result<SongRow, CatalogError> {
        store::find(&self.db, id)
            .await?
            .ok_or(CatalogError::SongNotFound)
    }

    /// Changes a song's title, description or category (each left as is when `None`; an
    /// empty description clears it) and its place on an album.
    pub async fn update_song(
        &self,
        caller: &AuthUser,
        id: Uuid,
        title: Option<&str>,
        about: Option<&str>,
        category: Option<&str>,
        placement: &PlacementEdit,
    ) -> Result<SongRow, CatalogError> {
        let song = self.editable(caller, id).await?;
        let changes =
            metadata::check_changes(title, about, category).map_err(CatalogError::Invalid)?;
        if !placement.is_empty() {
            self.place_song(caller, &song, placement).await?;
        }
        store::update(&self.db, id, changes.title, changes.about, changes.category).await?;
        self.reread(id).await
    }

    pub async fn delete_song(&self, caller: &AuthUser, id: Uuid) -> Result<(), CatalogError> {
        self.editable(caller, id).await?;
        store::delete(&self.db, id).await?;
        self.streams_changed();
        // The delete queued the song's folder (migration 10): its files go now.
        self.storage.remove_deleted_now(&self.db).await;
        Ok(())
    }

    /// Credits `artist` on the song with `role` (or changes the role). An artist linked to an
    /// account is credited only with the consent of that account: the caller's or the song
    /// owner's.
    pub async fn credit(
        &self,
        caller: &AuthUser,
        song: Uuid,
        artist: Uuid,
        role: &str,
    ) -> Result<SongRow, CatalogError> {
        let row = self.editable(caller, song).await?;
        let role = canonical_role(role)
            .ok_or_else(|| invalid("role", "Unknown role; see the API documentation."))?;
        let consenting = [caller.user_id, row.ownerid];
        match credits::set_credit(&self.db, song, artist, role, &consenting).await? {
            Credit::Done => {}
            Credit::NoSuchArtist => return Err(CatalogError::ArtistNotFound),
            Credit::NotConsented => return Err(CatalogError::ArtistNotConsented),
        }
        self.reread(song).await
    }

    /// Takes `artist`'s credit off the song: the song's owner (or an administrator) may, and
    /// so may the artist's own account (or, for an artist linked to none, whoever made it),
    /// so that nobody can be left credited on a song they want no part of.
    pub async fn uncredit(
        &self,
        caller: &AuthUser,
        song: Uuid,
        artist: Uuid,
    ) -> Result<(), CatalogError> {
        match self.editable(caller, song).await {
            Ok(_) => {}
            Err(CatalogError::NotOwner) if self.owns_artist(caller, artist).await? => {}
            Err(error) => return Err(error),
        }
        if !credits::remove_credit(&self.db, song, artist).await? {
            return Err(CatalogError::ArtistNotFound);
        }
        Ok(())
    }

    /// Whether `artist` is the caller's: linked to their account, or made by them and linked
    /// to none.
    async fn owns_artist(&self, caller: &AuthUser, artist: Uuid) -> Result<bool, CatalogError> {
        Ok(match credits::artist_owners(&self.db, artist).await? {
            Some((Some(linked), _)) => linked == caller.user_id,
            Some((None, creator)) => creator == Some(caller.user_id),
            None => false,
        })
    }
}
