//! POST /songs: a multipart upload streamed to a temporary file, checked by its content,
//! stored, and only then recorded. A refused or failed upload leaves no row and no file.

use std::path::{Path, PathBuf};

use axum::extract::Multipart;
use axum::extract::multipart::Field;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use super::audio_check::check_audio;
use super::store::{self, NewSong};
use crate::accounts::AuthUser;
use crate::catalog::categories::{self, DEFAULT_CATEGORY};
use crate::catalog::credits::{CreditInput, canonical_role};
use crate::catalog::error::{CatalogError, field};
use crate::catalog::{Catalog, posters};
use crate::media::audio::{self, AudioInfo};
use crate::media::decode::Ffmpeg;
use crate::media::images;

/// Longest title and description accepted.
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_ABOUT_CHARS: usize = 5000;
/// Text parts are read into memory only this far.
const MAX_TEXT_PART: usize = 64 * 1024;
const MAX_CREDITS: usize = 50;
/// file, poster and four text parts, with room for clients that send empty extras.
const MAX_PARTS: usize = 12;

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
}

#[derive(Default)]
struct Form {
    title: Option<String>,
    about: Option<String>,
    category: Option<String>,
    artists: Option<String>,
    audio: Option<(TempFile, u64)>,
    poster: Option<Vec<u8>>,
}

impl Catalog {
    pub async fn upload(
        &self,
        caller: &AuthUser,
        multipart: Multipart,
    ) -> Result<store::SongRow, CatalogError> {
        caller.require_verified()?;
        let upload = read_upload(
            multipart,
            &self.tmp_dir,
            self.max_upload_size,
            self.ffmpeg.as_ref(),
        )
        .await?;
        let poster_source = upload.poster.or(upload.info.picture.clone());
        let poster = match poster_source {
            Some(bytes) => Some(posters::renditions(bytes).await?),
            None => None,
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
    ) -> Result<store::SongRow, CatalogError> {
        let Prepared {
            id,
            key,
            size,
            info,
            title,
            about,
            category,
            credits,
        } = song;
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
            match store::set_credit(&mut *tx, id, *artist, role, &[owner]).await? {
                store::Credit::Done => {}
                store::Credit::NoSuchArtist => return Err(CatalogError::UnknownArtist),
                store::Credit::NotConsented => return Err(CatalogError::ArtistNotConsented),
            }
        }
        if let Some(prefix) = &poster_key {
            let url = posters::url(prefix);
            store::set_poster(&mut *tx, id, Some(&url), Some(prefix)).await?;
        }
        tx.commit().await?;
        self.enqueue_transcode(id).await;
        store::find(&self.db, id)
            .await?
            .ok_or(CatalogError::SongNotFound)
    }

    /// Adds a song from a local audio file on behalf of `owner`, as an upload would (used by
    /// `ampli demo`). The file is copied into the store.
    pub async fn add_song_from_file(
        &self,
        owner: Uuid,
        path: &Path,
        title: &str,
        category: &'static str,
        credits: &[(Uuid, &'static str)],
    ) -> Result<store::SongRow, CatalogError> {
        let info = self.check_audio(path).await?;
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
        };
        let result = self.record_song(owner, prepared, None).await;
        if result.is_err() {
            self.remove_song_files(id).await;
        }
        result
    }
}

/// An upload read and checked, its audio still in the temporary file: everything
/// [`Catalog::upload`] takes from the client before it stores anything.
pub(crate) struct Upload {
    pub audio: TempFile,
    pub info: AudioInfo,
    pub title: String,
    pub about: Option<String>,
    pub category: &'static str,
    pub credits: Vec<(Uuid, &'static str)>,
    /// The poster part, if one was sent.
    pub poster: Option<Vec<u8>>,
}

/// Reads the form (the audio spooled under `tmp_dir`), checks the audio (decoded in full by
/// `ffmpeg` when there is one) and the text parts. Kept apart from the storing so that the fuzz
/// targets run exactly this on hostile bodies.
pub(crate) async fn read_upload(
    multipart: Multipart,
    tmp_dir: &Path,
    max_upload_size: u64,
    ffmpeg: Option<&Ffmpeg>,
) -> Result<Upload, CatalogError> {
    let form = read_form(multipart, tmp_dir, max_upload_size).await?;
    let (audio_file, size) = form.audio.ok_or(CatalogError::MissingFile)?;
    if size == 0 {
        return Err(audio::AudioError::Invalid.into());
    }
    let info: AudioInfo = check_audio(&audio_file.0, ffmpeg).await?;

    let mut errors = Vec::new();
    let title = match form
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(title) => Some(title.to_owned()),
        None => info.title.clone(),
    };
    let title = title.unwrap_or_default();
    if title.is_empty() {
        errors.push(field("title", "Give a title (the file's tags have none)."));
    } else if title.chars().count() > MAX_TITLE_CHARS {
        errors.push(field("title", "A title has at most 200 characters."));
    }
    let about = form
        .about
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if about.is_some_and(|a| a.chars().count() > MAX_ABOUT_CHARS) {
        errors.push(field("about", "A description has at most 5000 characters."));
    }
    let category = match form.category.as_deref().filter(|c| !c.trim().is_empty()) {
        None => Some(DEFAULT_CATEGORY),
        Some(given) => categories::canonical(given),
    };
    if category.is_none() {
        errors.push(field(
            "category",
            "Unknown category; see GET /api/v1/categories.",
        ));
    }
    let credits = parse_credits(form.artists.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(CatalogError::Invalid(errors));
    }
    Ok(Upload {
        audio: audio_file,
        info,
        title,
        about: about.map(str::to_owned),
        category: category.unwrap_or(DEFAULT_CATEGORY),
        credits,
        poster: form.poster,
    })
}

async fn read_form(
    mut multipart: Multipart,
    tmp_dir: &Path,
    max_upload_size: u64,
) -> Result<Form, CatalogError> {
    let mut form = Form::default();
    let mut parts = 0;
    while let Some(part) = multipart.next_field().await.map_err(malformed)? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(CatalogError::MalformedUpload("Too many parts.".into()));
        }
        let name = part.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "title" => form.title = Some(read_text(part, &name).await?),
            "about" => form.about = Some(read_text(part, &name).await?),
            "category" => form.category = Some(read_text(part, &name).await?),
            "artists" => form.artists = Some(read_text(part, &name).await?),
            "file" if form.audio.is_none() => {
                form.audio = Some(spool(part, tmp_dir, max_upload_size).await?);
            }
            "poster" if form.poster.is_none() => {
                form.poster = Some(read_bytes(part, images::MAX_BYTES).await?)
            }
            other => {
                return Err(CatalogError::MalformedUpload(format!(
                    "Unexpected part {other:?}: send file, poster, title, about, category and artists."
                )));
            }
        }
    }
    Ok(form)
}

/// Writes the audio part to a temporary file as it arrives. The client's file name is
/// never used.
async fn spool(
    mut part: Field<'_>,
    tmp_dir: &Path,
    max_upload_size: u64,
) -> Result<(TempFile, u64), CatalogError> {
    let path = tmp_dir.join(format!("upload-{}", Uuid::new_v4()));
    let temp = TempFile(path);
    let mut file = tokio::fs::File::create(&temp.0)
        .await
        .map_err(anyhow::Error::from)?;
    let mut written = 0u64;
    while let Some(chunk) = part.chunk().await.map_err(malformed)? {
        written += chunk.len() as u64;
        if written > max_upload_size {
            return Err(CatalogError::UploadTooLarge);
        }
        file.write_all(&chunk).await.map_err(anyhow::Error::from)?;
    }
    file.flush().await.map_err(anyhow::Error::from)?;
    Ok((temp, written))
}

fn malformed(error: axum::extract::multipart::MultipartError) -> CatalogError {
    if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        CatalogError::UploadTooLarge
    } else {
        CatalogError::MalformedUpload(error.body_text())
    }
}

async fn read_bytes(mut part: Field<'_>, max: usize) -> Result<Vec<u8>, CatalogError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = part.chunk().await.map_err(malformed)? {
        if bytes.len() + chunk.len() > max {
            return Err(images::ImageError::TooLarge.into());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

async fn read_text(mut part: Field<'_>, name: &str) -> Result<String, CatalogError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = part.chunk().await.map_err(malformed)? {
        if bytes.len() + chunk.len() > MAX_TEXT_PART {
            return Err(CatalogError::Invalid(vec![field(
                name,
                "This field is far too long.",
            )]));
        }
        bytes.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| CatalogError::Invalid(vec![field(name, "Send text as UTF-8.")]))?;
    if crate::http::text::has_nul(&text) {
        return Err(CatalogError::Invalid(vec![crate::http::text::nul_error(
            name,
        )]));
    }
    Ok(text)
}

/// The `artists` part: JSON `[{"artistId", "role"}]`.
fn parse_credits(
    text: Option<&str>,
    errors: &mut Vec<crate::http::FieldError>,
) -> Vec<(Uuid, &'static str)> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Vec::new();
    };
    let Ok(inputs) = serde_json::from_str::<Vec<CreditInput>>(text) else {
        errors.push(field(
            "artists",
            "Send credits as JSON: [{\"artistId\": \"…\", \"role\": \"Primary\"}].",
        ));
        return Vec::new();
    };
    if inputs.len() > MAX_CREDITS {
        errors.push(field("artists", "At most 50 credits."));
        return Vec::new();
    }
    let mut credits: Vec<(Uuid, &'static str)> = Vec::new();
    for input in inputs {
        match canonical_role(input.role.as_deref().unwrap_or("Primary")) {
            Some(role) if !credits.iter().any(|(id, _)| *id == input.artist_id) => {
                credits.push((input.artist_id, role))
            }
            Some(_) => errors.push(field("artists", "An artist is credited twice.")),
            None => errors.push(field(
                "artists",
                "Unknown role; see the API documentation for the list.",
            )),
        }
    }
    credits
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
