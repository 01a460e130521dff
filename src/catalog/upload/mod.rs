//! Adding a song: an upload (read and checked by `form.rs`, the audio by `audio_check.rs`) or a
//! local file is stored, then recorded in one transaction. A refused or failed upload leaves
//! no row and no file.

mod audio_check;
pub(crate) mod form;
mod tagged;

use std::path::{Path, PathBuf};

use axum::extract::Multipart;
use uuid::Uuid;

use super::store::credits::{self as credits, Credit};
use super::store::songs::{self as store, NewSong, SongRow};
use super::{Catalog, CatalogError, posters};
use crate::accounts::AuthUser;
use crate::media::audio::AudioInfo;
use crate::media::images;
use crate::media::tags::Tags;

/// A temporary file removed when dropped, whatever happened.
pub(crate) struct TempFile(pub(crate) PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A checked upload whose audio is already in the store.
struct Prepared<'a> {
    id: Uuid,
    key: &'a str,
    size: u64,
    info: &'a AudioInfo,
    title: &'a str,
    about: Option<&'a str>,
    category: &'static str,
    credits: &'a [(Uuid, &'static str)],
    /// What the tags (with the form over them) add: album, numbers, genres, lyrics, ….
    tags: &'a Tags,
}

impl Catalog {
    pub async fn upload(
        &self,
        caller: &AuthUser,
        multipart: Multipart,
    ) -> Result<SongRow, CatalogError> {
        caller.require_verified()?;
        let upload = form::read_upload(
            multipart,
            &self.tmp_dir,
            self.max_upload_size,
            self.ffmpeg.as_ref(),
        )
        .await?;
        // A poster sent in the form must be a picture Ampli takes; one embedded in the file
        // is only a tag, and a file is never refused for its tags: a cover too large or not
        // decodable is left out.
        let poster = match (upload.poster, upload.info.picture.clone()) {
            (Some(sent), _) => Some(posters::renditions(sent).await?),
            (None, Some(embedded)) => match posters::renditions(embedded).await {
                Ok(renditions) => Some(renditions),
                Err(CatalogError::Image(error)) => {
                    tracing::info!(error = %error, "an upload's embedded cover is left out");
                    None
                }
                Err(error) => return Err(error),
            },
            (None, None) => None,
        };

        let id = Uuid::new_v4();
        let key = format!("songs/{id}/original.{}", upload.info.format.extension());
        let stored_size = self.storage.put_file(&key, &upload.audio.0).await?;
        let prepared = Prepared {
            id,
            key: &key,
            size: stored_size,
            info: &upload.info,
            title: &upload.title,
            about: upload.about.as_deref(),
            category: upload.category,
            credits: &upload.credits,
            tags: &upload.tags,
        };
        let result = self.record_song(caller.user_id, prepared, poster).await;
        if result.is_err() {
            self.remove_song_files(id).await;
        }
        result
    }

    /// Stores the poster, then writes the row and its credits in one transaction.
    async fn record_song(
        &self,
        owner: Uuid,
        song: Prepared<'_>,
        poster: Option<Vec<images::Rendition>>,
    ) -> Result<SongRow, CatalogError> {
        let Prepared {
            id,
            key,
            size,
            info,
            title,
            about,
            category,
            credits,
            tags,
        } = song;
        // Kept for the album too, should the song be the first of its album with a picture.
        let album_poster = poster.clone();
        let poster_key = match poster {
            Some(renditions) => Some(self.store_poster(id, renditions).await?),
            None => None,
        };
        let file_url = format!("/api/v1/songs/{id}/stream");
        let mut tx = self.db.begin().await?;
        store::insert(
            &mut *tx,
            &NewSong {
                id,
                title,
                about,
                duration: info.duration_seconds,
                category,
                file_url: &file_url,
                file_key: key,
                file_format: info.format.as_str(),
                file_size: i64::try_from(size).unwrap_or(i64::MAX),
                content_type: info.format.content_type(),
                owner,
            },
        )
        .await?;
        for (artist, role) in credits {
            match credits::set_credit(&mut *tx, id, *artist, role, &[owner]).await? {
                Credit::Done => {}
                Credit::NoSuchArtist => return Err(CatalogError::UnknownArtist),
                Credit::NotConsented => return Err(CatalogError::ArtistNotConsented),
            }
        }
        // Artists named by tags are credited only when the form credited none.
        let album = match tagged::apply(&mut tx, owner, id, tags, credits.is_empty()).await? {
            Ok(album) => album,
            Err(Credit::NotConsented) => return Err(CatalogError::ArtistNotConsented),
            Err(_) => return Err(CatalogError::UnknownArtist),
        };
        if let Some(prefix) = &poster_key {
            let url = posters::url(prefix);
            store::set_poster(&mut *tx, id, Some(&url), Some(prefix)).await?;
        }
        tx.commit().await?;
        if let (Some(album), Some(renditions)) = (album, album_poster) {
            self.adopt_album_poster(album, renditions).await;
        }
        self.enqueue_transcode(id).await;
        self.tell_song_added(crate::catalog::AddedSong {
            id,
            category,
            genres: &tags.genres,
        })
        .await;
        self.reread(id).await
    }

    /// Adds a song from a local audio file on behalf of `owner`, as an upload would (used by
    /// `ampli demo`), with `tags` in place of the file's own and an optional poster picture.
    /// The file is copied into the store.
    pub async fn add_song_from_file(
        &self,
        owner: Uuid,
        path: &Path,
        song: LocalSong<'_>,
    ) -> Result<SongRow, CatalogError> {
        let LocalSong {
            title,
            category,
            credits,
            tags,
            poster,
        } = song;
        let info = self.check_audio(path).await?;
        let poster = match poster {
            Some(bytes) => Some(posters::renditions(bytes).await?),
            None => None,
        };
        let id = Uuid::new_v4();
        let key = format!("songs/{id}/original.{}", info.format.extension());
        let size = self.storage.put_file(&key, path).await?;
        let prepared = Prepared {
            id,
            key: &key,
            size,
            info: &info,
            title,
            about: None,
            category,
            credits,
            tags,
        };
        let result = self.record_song(owner, prepared, poster).await;
        if result.is_err() {
            self.remove_song_files(id).await;
        }
        result
    }
}

/// A song added from a local file: what an upload's form and tags would give.
pub struct LocalSong<'a> {
    pub title: &'a str,
    pub category: &'static str,
    pub credits: &'a [(Uuid, &'static str)],
    pub tags: &'a Tags,
    /// A picture (PNG, JPEG or WebP) for the song and, if it has none yet, its album.
    pub poster: Option<Vec<u8>>,
}

/// Removes temporary uploads left by a crash (called at start).
pub fn clear_stale_uploads(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with("upload-") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}
