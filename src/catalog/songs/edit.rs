//! Changing a song: metadata, poster, credits, deletion. Its owner or an administrator only.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::store::{self, SongRow};
use super::upload::{MAX_ABOUT_CHARS, MAX_TITLE_CHARS};
use super::views::SongView;
use crate::accounts::AuthUser;
use crate::app::AppState;
use crate::catalog::credits::canonical_role;
use crate::catalog::error::field;
use crate::catalog::{Catalog, CatalogError, categories, posters};
use crate::http::body::read_limited;
use crate::http::{ApiError, ApiJson, Problem};
use crate::media::images;

impl Catalog {
    /// The song, if the caller may change it.
    async fn editable(&self, caller: &AuthUser, id: Uuid) -> Result<SongRow, CatalogError> {
        let song = store::find(&self.db, id)
            .await?
            .ok_or(CatalogError::SongNotFound)?;
        if song.ownerid != caller.user_id && !caller.is_admin {
            return Err(CatalogError::NotOwner);
        }
        Ok(song)
    }

    pub async fn delete_song(&self, caller: &AuthUser, id: Uuid) -> Result<(), CatalogError> {
        self.editable(caller, id).await?;
        store::delete(&self.db, id).await?;
        // The delete queued the song's folder (migration 10): its files go now.
        self.storage.remove_deleted_now(&self.db).await;
        Ok(())
    }

    /// Whether `artist` is the caller's: linked to their account, or made by them and linked
    /// to none.
    async fn owns_artist(&self, caller: &AuthUser, artist: Uuid) -> Result<bool, CatalogError> {
        Ok(match store::artist_owners(&self.db, artist).await? {
            Some((Some(linked), _)) => linked == caller.user_id,
            Some((None, creator)) => creator == Some(caller.user_id),
            None => false,
        })
    }

    /// The song whose poster the caller may replace.
    pub async fn poster_editable(
        &self,
        caller: &AuthUser,
        id: Uuid,
    ) -> Result<SongRow, CatalogError> {
        caller.require_verified()?;
        self.editable(caller, id).await
    }

    pub async fn replace_poster(
        &self,
        song: SongRow,
        bytes: Vec<u8>,
    ) -> Result<SongRow, CatalogError> {
        let id = song.songid;
        let renditions = posters::renditions(bytes).await?;
        let prefix = self.store_poster(id, renditions).await?;
        let url = posters::url(&prefix);
        if !store::set_poster(&self.db, id, Some(&url), Some(&prefix)).await? {
            let _ = self.storage.delete_prefix(&prefix).await;
            return Err(CatalogError::SongNotFound);
        }
        if let Some(old) = song.posterpublicid {
            let _ = self.storage.delete_prefix(&old).await;
        }
        store::find(&self.db, id)
            .await?
            .ok_or(CatalogError::SongNotFound)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSong {
    title: Option<String>,
    /// An empty text clears the description.
    about: Option<String>,
    category: Option<String>,
}

/// Changes a song's title, description or category.
#[utoipa::path(patch, path = "/api/v1/songs/{id}", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = UpdateSong,
    responses((status = 200, body = SongView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_song(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<UpdateSong>,
) -> Result<ApiJson<SongView>, ApiError> {
    let catalog = &state.catalog;
    catalog.editable(&caller, id).await?;
    let mut errors = Vec::new();
    let title = body.title.as_deref().map(str::trim);
    match title {
        Some("") => errors.push(field("title", "Give a title.")),
        Some(t) if t.chars().count() > MAX_TITLE_CHARS => {
            errors.push(field("title", "A title has at most 200 characters."))
        }
        _ => {}
    }
    let about = body.about.as_deref().map(str::trim);
    if about.is_some_and(|a| a.chars().count() > MAX_ABOUT_CHARS) {
        errors.push(field("about", "A description has at most 5000 characters."));
    }
    let category = match body.category.as_deref() {
        None => None,
        Some(given) => {
            let known = categories::canonical(given);
            if known.is_none() {
                errors.push(field(
                    "category",
                    "Unknown category; see GET /api/v1/categories.",
                ));
            }
            known
        }
    };
    if !errors.is_empty() {
        return Err(CatalogError::Invalid(errors).into());
    }
    let about = about.map(|a| Some(a).filter(|a| !a.is_empty()));
    store::update(&catalog.db, id, title, about, category)
        .await
        .map_err(CatalogError::from)?;
    let song = store::find(&catalog.db, id)
        .await
        .map_err(CatalogError::from)?;
    Ok(ApiJson(song.ok_or(CatalogError::SongNotFound)?.into()))
}

/// Deletes a song and its files.
#[utoipa::path(delete, path = "/api/v1/songs/{id}", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_song(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    state.catalog.delete_song(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces a song's poster. The body is the picture (JPEG, PNG or WebP).
#[utoipa::path(put, path = "/api/v1/songs/{id}/poster", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body(content = Vec<u8>, content_type = "image/*"),
    responses((status = 200, body = SongView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem)))]
pub async fn put_poster(
    State(state): State<AppState>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    body: Body,
) -> Result<ApiJson<SongView>, ApiError> {
    // Who may change the song is settled before a byte of the body is read.
    let song = state.catalog.poster_editable(&caller, id).await?;
    let bytes = read_limited(body, images::MAX_BYTES).await?;
    let song = state.catalog.replace_poster(song, Vec::from(bytes)).await?;
    Ok(ApiJson(song.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditRequest {
    /// Primary, Featured, Composer, Lyricist, Producer, Performer, Remixer, Arranger, Mixer,
    /// Engineer, Conductor or Orchestra.
    #[schema(schema_with = role)]
    role: String,
}

/// Credits an artist on a song with a role (or changes the role).
#[utoipa::path(put, path = "/api/v1/songs/{id}/artists/{artistId}", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("artistId" = Uuid, Path)), request_body = CreditRequest,
    responses((status = 200, body = SongView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_credit(
    State(state): State<AppState>,
    caller: AuthUser,
    Path((id, artist)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<CreditRequest>,
) -> Result<ApiJson<SongView>, ApiError> {
    let catalog = &state.catalog;
    let song = catalog.editable(&caller, id).await?;
    let role = canonical_role(&body.role).ok_or_else(|| {
        CatalogError::Invalid(vec![field(
            "role",
            "Unknown role; see the API documentation.",
        )])
    })?;
    let consenting = [caller.user_id, song.ownerid];
    match store::set_credit(&catalog.db, id, artist, role, &consenting)
        .await
        .map_err(CatalogError::from)?
    {
        store::Credit::Done => {}
        store::Credit::NoSuchArtist => return Err(CatalogError::ArtistNotFound.into()),
        store::Credit::NotConsented => return Err(CatalogError::ArtistNotConsented.into()),
    }
    let song = store::find(&catalog.db, id)
        .await
        .map_err(CatalogError::from)?;
    Ok(ApiJson(song.ok_or(CatalogError::SongNotFound)?.into()))
}

/// Removes an artist's credit from a song: the song's owner (or an administrator) may, and so
/// may the artist's own account (or, for an artist linked to none, whoever made it), so that
/// nobody can be left credited on a song they want no part of.
#[utoipa::path(delete, path = "/api/v1/songs/{id}/artists/{artistId}", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("artistId" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_credit(
    State(state): State<AppState>,
    caller: AuthUser,
    Path((id, artist)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    let catalog = &state.catalog;
    match catalog.editable(&caller, id).await {
        Ok(_) => {}
        Err(CatalogError::NotOwner) if catalog.owns_artist(&caller, artist).await? => {}
        Err(error) => return Err(error.into()),
    }
    if !store::remove_credit(&catalog.db, id, artist)
        .await
        .map_err(CatalogError::from)?
    {
        return Err(CatalogError::ArtistNotFound.into());
    }
    Ok(StatusCode::NO_CONTENT)
}

fn role() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::one_of(&crate::catalog::credits::ROLES, false)
}
