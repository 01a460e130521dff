//! Reading an upload's form: the parts of a multipart body, the audio spooled to a temporary
//! file as it arrives (never held in memory, never named by the client), the text parts
//! bounded and checked by the song rules, the credits parsed. Nothing is stored here, so that
//! the fuzz targets run exactly this on hostile bodies.

use std::path::Path;

use axum::extract::Multipart;
use axum::extract::multipart::Field;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use super::TempFile;
use super::audio_check::check_audio;
use super::tagged::{self, FormTags};
use crate::catalog::categories::DEFAULT_CATEGORY;
use crate::catalog::credits::{CreditInput, canonical_role};
use crate::catalog::error::{CatalogError, field};
use crate::catalog::metadata;
use crate::media::audio::{self, AudioInfo};
use crate::media::decode::Ffmpeg;
use crate::media::images;
use crate::media::lyrics::Lyrics;
use crate::media::tags::{self, Tags};

/// Text parts are read into memory only this far.
const MAX_TEXT_PART: usize = 64 * 1024;
const MAX_CREDITS: usize = 50;
/// file, poster and eleven text parts, with room for clients that send empty extras.
const MAX_PARTS: usize = 20;

#[derive(Default)]
struct Form {
    title: Option<String>,
    about: Option<String>,
    category: Option<String>,
    artists: Option<String>,
    album: Option<String>,
    album_artist: Option<String>,
    track_number: Option<String>,
    disc_number: Option<String>,
    year: Option<String>,
    genre: Option<String>,
    lyrics: Option<String>,
    audio: Option<(TempFile, u64)>,
    poster: Option<Vec<u8>>,
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
    /// The file's tags with the form's album, numbers, year, genres and lyrics over them.
    pub tags: Tags,
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
    let mut form = read_form(multipart, tmp_dir, max_upload_size).await?;
    let (audio_file, size) = form.audio.take().ok_or(CatalogError::MissingFile)?;
    if size == 0 {
        return Err(audio::AudioError::Invalid.into());
    }
    let info: AudioInfo = check_audio(&audio_file.0, ffmpeg).await?;

    let mut errors = Vec::new();
    // The form's title wins; the file's tags fill in when the form leaves it out.
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
    metadata::check_title(
        &title,
        "Give a title (the file's tags have none).",
        &mut errors,
    );
    let about = form
        .about
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if let Some(about) = about {
        metadata::check_about(about, &mut errors);
    }
    let category = match form.category.as_deref().filter(|c| !c.trim().is_empty()) {
        None => Some(DEFAULT_CATEGORY),
        Some(given) => metadata::check_category(given, &mut errors),
    };
    let credits = parse_credits(form.artists.as_deref(), &mut errors);
    let tags = form_tags(&form, &info, &mut errors);
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
        tags,
        poster: form.poster,
    })
}

/// The tags as they apply: the file's, with the form's values over them where it gave some.
fn form_tags(form: &Form, info: &AudioInfo, errors: &mut Vec<crate::http::FieldError>) -> Tags {
    let name = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| tags::clean(t, tags::MAX_NAME_CHARS))
    };
    let mut number = |text: &Option<String>, part: &str, max: u16| -> Option<u16> {
        let text = text.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
        match text.parse::<u16>() {
            Ok(n) if (1..=max).contains(&n) => Some(n),
            _ => {
                errors.push(field(part, &format!("A number from 1 to {max}.")));
                None
            }
        }
    };
    let track = number(&form.track_number, "trackNumber", tags::MAX_TRACK);
    let disc = number(&form.disc_number, "discNumber", tags::MAX_DISC);
    let year = number(&form.year, "year", *tags::YEARS.end() as u16)
        .map(i32::from)
        .filter(|y| {
            let valid = tags::YEARS.contains(y);
            if !valid {
                errors.push(field(
                    "year",
                    &format!(
                        "A year from {} to {}.",
                        tags::YEARS.start(),
                        tags::YEARS.end()
                    ),
                ));
            }
            valid
        });
    let genres = form
        .genre
        .as_deref()
        .map(|g| {
            g.split([',', ';'])
                .filter_map(|g| tags::clean(g, tags::MAX_GENRE_CHARS))
                .take(tags::MAX_GENRES)
                .collect()
        })
        .unwrap_or_default();
    let lyrics = match form.lyrics.as_deref().filter(|l| !l.trim().is_empty()) {
        Some(text) => match Lyrics::parse(text, None) {
            Ok(lyrics) => Some(lyrics),
            Err(error) => {
                errors.push(field("lyrics", &error.to_string()));
                None
            }
        },
        None => None,
    };
    tagged::merged(
        &info.tags,
        &FormTags {
            album: name(&form.album),
            album_artist: name(&form.album_artist),
            track,
            disc,
            year,
            genres,
            lyrics,
        },
    )
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
            "album" => form.album = Some(read_text(part, &name).await?),
            "albumArtist" => form.album_artist = Some(read_text(part, &name).await?),
            "trackNumber" => form.track_number = Some(read_text(part, &name).await?),
            "discNumber" => form.disc_number = Some(read_text(part, &name).await?),
            "year" => form.year = Some(read_text(part, &name).await?),
            "genre" => form.genre = Some(read_text(part, &name).await?),
            "lyrics" => form.lyrics = Some(read_text(part, &name).await?),
            "file" if form.audio.is_none() => {
                form.audio = Some(spool(part, tmp_dir, max_upload_size).await?);
            }
            "poster" if form.poster.is_none() => {
                form.poster = Some(read_bytes(part, images::MAX_BYTES).await?)
            }
            other => {
                return Err(CatalogError::MalformedUpload(format!(
                    "Unexpected part {other:?}: send file, poster, title, about, category, artists, \
                     album, albumArtist, trackNumber, discNumber, year, genre and lyrics."
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
        errors.push(field("artists", &format!("At most {MAX_CREDITS} credits.")));
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
