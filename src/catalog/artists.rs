//! Artists: the people credited on songs, optionally linked to a user account. Who may change
//! one, and every operation on them.

use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::{field, invalid};
use super::store::artists::{self as store, ArtistFields, ArtistRow};
use super::store::songs::SongFilter;
use super::views::SongView;
use super::{Catalog, CatalogError};
use crate::accounts::AuthUser;
use crate::accounts::avatar::AVATAR_SIZES;
use crate::http::FieldError;
use crate::http::pagination::{self, Page};
use crate::media::images::{self, Rendition};
use crate::storage::media_url;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ArtistInput {
    name: Option<String>,
    bio: Option<String>,
    country: Option<String>,
    genre: Option<String>,
    /// On create: link this artist to the caller's own account (only your own).
    user_id: Option<Uuid>,
    /// Administrators only.
    verified: Option<bool>,
}

impl ArtistInput {
    fn check(&self, creating: bool) -> Result<(), CatalogError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let limits = [
            ("name", &self.name, 200),
            ("bio", &self.bio, 5000),
            ("country", &self.country, 100),
            ("genre", &self.genre, 100),
        ];
        for (name, value, max) in limits {
            if let Some(value) = value
                && value.chars().count() > max
            {
                errors.push(field(name, &format!("At most {max} characters.")));
            }
        }
        match self.name.as_deref().map(str::trim) {
            Some("") => errors.push(field("name", "Give a name.")),
            None if creating => errors.push(field("name", "Give a name.")),
            _ => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(CatalogError::Invalid(errors))
        }
    }

    fn fields(&self) -> ArtistFields<'_> {
        fn text(value: &Option<String>) -> Option<&str> {
            value.as_deref().map(str::trim)
        }
        ArtistFields {
            name: text(&self.name),
            bio: text(&self.bio),
            country: text(&self.country),
            genre: text(&self.genre),
            verified: self.verified,
        }
    }

    /// Only an administrator verifies an artist.
    fn check_verified(&self, caller: &AuthUser) -> Result<(), CatalogError> {
        if self.verified.is_some() && !caller.is_admin {
            return Err(CatalogError::AdminOnly);
        }
        Ok(())
    }
}

/// Whether `caller` may change `artist`: the linked user, the creator of an unlinked artist,
/// or an administrator.
fn may_edit(caller: &AuthUser, artist: &ArtistRow) -> bool {
    caller.is_admin
        || artist.userid == Some(caller.user_id)
        || (artist.userid.is_none() && artist.createdby == Some(caller.user_id))
}

/// Artists keyed a batch at a time at start.
const KEY_BATCH: i64 = 1000;

/// Gives artists made before names had match keys (migration 11, the MongoDB import) theirs,
/// so that tags naming them find them. Cheap when every artist has one.
pub(super) async fn key_unkeyed_artists(db: &sqlx::PgPool) -> sqlx::Result<()> {
    loop {
        let batch = store::without_key(db, KEY_BATCH).await?;
        if batch.is_empty() {
            return Ok(());
        }
        let (ids, keys): (Vec<Uuid>, Vec<String>) = batch
            .into_iter()
            .map(|(id, name)| (id, crate::media::names::match_key(&name)))
            .unzip();
        store::set_keys(db, &ids, &keys).await?;
    }
}

impl Catalog {
    pub async fn artist(&self, id: Uuid) -> Result<ArtistRow, CatalogError> {
        store::find(&self.db, id)
            .await?
            .ok_or(CatalogError::ArtistNotFound)
    }

    /// The artist, if `caller` may change it. Asked before a picture's body is read.
    pub async fn artist_editable(
        &self,
        caller: &AuthUser,
        id: Uuid,
    ) -> Result<ArtistRow, CatalogError> {
        let artist = self.artist(id).await?;
        if !may_edit(caller, &artist) {
            return Err(CatalogError::NotOwner);
        }
        Ok(artist)
    }

    /// Creates an artist. Needs a verified email.
    pub async fn create_artist(
        &self,
        caller: &AuthUser,
        input: &ArtistInput,
    ) -> Result<ArtistRow, CatalogError> {
        caller.require_verified()?;
        input.check(true)?;
        input.check_verified(caller)?;
        if input.user_id.is_some_and(|id| id != caller.user_id) && !caller.is_admin {
            return Err(CatalogError::NotYourAccount);
        }
        let row = store::create(&self.db, &input.fields(), input.user_id, caller.user_id).await?;
        if input.verified.is_none() {
            return Ok(row);
        }
        store::update(&self.db, row.artistid, &input.fields())
            .await?
            .ok_or(CatalogError::ArtistNotFound)
    }

    /// Artists by name, after `(name, id)` of the previous page's last.
    pub async fn artists(
        &self,
        after: Option<(String, Uuid)>,
        limit: i64,
    ) -> Result<Page<ArtistRow>, CatalogError> {
        let after = after.as_ref().map(|(name, id)| (name.as_str(), *id));
        let rows = self
            .reads
            .run(|db| async move { store::list(&db, after, limit + 1).await })
            .await?;
        let (items, next_cursor) =
            pagination::finish_page(rows, limit, |last| (last.name.clone(), last.artistid));
        Ok(Page { items, next_cursor })
    }

    /// Changes an artist. `verified` is for administrators only; the account link is set
    /// once, when the artist is made.
    pub async fn update_artist(
        &self,
        caller: &AuthUser,
        id: Uuid,
        input: &ArtistInput,
    ) -> Result<ArtistRow, CatalogError> {
        self.artist_editable(caller, id).await?;
        input.check_verified(caller)?;
        if input.user_id.is_some() {
            return Err(invalid(
                "userId",
                "An artist's account link is set when it is created.",
            ));
        }
        input.check(false)?;
        store::update(&self.db, id, &input.fields())
            .await?
            .ok_or(CatalogError::ArtistNotFound)
    }

    /// Deletes an artist (its credits go with it; the songs stay).
    pub async fn delete_artist(&self, caller: &AuthUser, id: Uuid) -> Result<(), CatalogError> {
        self.artist_editable(caller, id).await?;
        store::delete(&self.db, id).await?;
        // The delete queued the artist's folder (migration 10): its files go now.
        self.storage.remove_deleted_now(&self.db).await;
        Ok(())
    }

    /// Sets the picture of `artist` (from [`Catalog::artist_editable`]): re-encoded square in
    /// the avatar sizes under a fresh prefix; the old files go once the new ones are recorded.
    pub async fn set_artist_avatar(
        &self,
        artist: ArtistRow,
        bytes: Vec<u8>,
    ) -> Result<ArtistRow, CatalogError> {
        let id = artist.artistid;
        let renditions = images::square_renditions(bytes, &AVATAR_SIZES).await?;
        let prefix = format!("artists/{id}/{}", Uuid::new_v4());
        self.storage
            .put_all(&prefix, renditions.into_iter().map(Rendition::into_file))
            .await?;
        let url = media_url(&format!("{prefix}/256.jpg"));
        let updated = match store::set_avatar(&self.db, id, &url, &prefix).await {
            Ok(Some(row)) => row,
            other => {
                let _ = self.storage.delete_prefix(&prefix).await;
                other?;
                return Err(CatalogError::ArtistNotFound);
            }
        };
        if let Some(old) = artist.avatarpublicid {
            let _ = self.storage.delete_prefix(&old).await;
        }
        Ok(updated)
    }

    /// The one artist named `name` (matched regardless of case, accents and spacing); none
    /// when no artist or several have that name.
    pub async fn artist_named(&self, name: &str) -> Result<Option<Uuid>, CatalogError> {
        let key = crate::media::names::match_key(name);
        let ids = store::ids_matching(&self.db, &key).await?;
        Ok(match ids.as_slice() {
            [one] => Some(*one),
            _ => None,
        })
    }

    /// Artists like this one, from Ampli's own data: collaborators first, then artists
    /// whose songs share its genres.
    pub async fn similar_artists(
        &self,
        id: Uuid,
        limit: i64,
    ) -> Result<Vec<ArtistRow>, CatalogError> {
        let mut similar = Vec::new();
        for other in store::similar_ids(&self.db, id, limit).await? {
            if let Some(row) = store::find(&self.db, other).await? {
                similar.push(row);
            }
        }
        Ok(similar)
    }

    /// The newest `limit` songs crediting this artist (clamped to 1..=100), answered for
    /// `viewer`.
    pub async fn artist_songs(
        &self,
        id: Uuid,
        limit: i64,
        viewer: Option<Uuid>,
    ) -> Result<Vec<SongView>, CatalogError> {
        self.artist(id).await?;
        let filter = SongFilter {
            artist: Some(id),
            ..SongFilter::default()
        };
        let limit = limit.clamp(1, pagination::MAX_LIMIT);
        let page = self.song_page(&filter, None, limit, viewer).await?;
        Ok(page.items)
    }
}
