//! What a new song's tags (or the form fields that override them) add to it, written in the
//! song's own transaction so that a failure leaves none of it: its place on an album (joined
//! or made), its artists credited by name, its genres, lyrics, year, composers and gains.
//!
//! The rules, as the README states them:
//! - An album is named by the album tag. Uploads by one owner whose album title and album
//!   artists (or, without an album-artist tag, first artist) match as people mean them (case,
//!   accents, spacing: `media::names`) join one album; a song without an album tag stays a
//!   single.
//! - An artist named by a tag is credited as the existing artist when exactly one artist of
//!   that name may be credited by the uploader (not linked to someone else's account);
//!   otherwise a new artist of that name is made, owned by the uploader. Credits from the form
//!   replace the tags' artists altogether.

use sqlx::PgConnection;
use uuid::Uuid;

use super::super::store::albums::{self, AlbumClaim};
use super::super::store::credits::{self, Credit};
use super::super::store::{artists, genres, lyrics, songs};
use crate::media::lyrics::Lyrics;
use crate::media::names::match_key;
use crate::media::tags::Tags;

/// What the form said about the album and numbers, over the tags.
#[derive(Debug, Default, Clone)]
pub struct FormTags {
    pub album: Option<String>,
    pub album_artist: Option<String>,
    pub track: Option<u16>,
    pub disc: Option<u16>,
    pub year: Option<i32>,
    pub genres: Vec<String>,
    pub lyrics: Option<Lyrics>,
}

/// The tags as they apply: the form's values where it gave them.
pub fn merged(file: &Tags, form: &FormTags) -> Tags {
    let mut tags = file.clone();
    if form.album.is_some() {
        tags.album = form.album.clone();
    }
    if let Some(artist) = &form.album_artist {
        tags.album_artists = vec![artist.clone()];
    }
    if form.track.is_some() {
        tags.track.number = form.track;
        tags.track.total = tags.track.total.filter(|t| Some(*t) >= form.track);
    }
    if form.disc.is_some() {
        tags.disc.number = form.disc;
        tags.disc.total = tags.disc.total.filter(|t| Some(*t) >= form.disc);
    }
    if form.year.is_some() {
        tags.year = form.year;
        tags.date = tags
            .date
            .filter(|d| Some(chrono::Datelike::year(d)) == form.year);
    }
    if !form.genres.is_empty() {
        tags.genres = form.genres.clone();
    }
    if form.lyrics.is_some() {
        tags.lyrics = form.lyrics.clone();
    }
    tags
}

/// The album key: title and album artists together, so two "Greatest Hits" by different
/// artists stay two albums.
pub fn album_key(title: &str, album_artists: &[String]) -> String {
    let artists: Vec<String> = album_artists.iter().map(|a| match_key(a)).collect();
    format!("{}\u{1f}{}", match_key(title), artists.join("\u{1f}"))
}

/// Writes what `tags` add to song `song` of `owner`. `credit_artists` is false when the form
/// credited artists itself. Answers the album the song joined, if any.
pub async fn apply(
    db: &mut PgConnection,
    owner: Uuid,
    song: Uuid,
    tags: &Tags,
    credit_artists: bool,
) -> sqlx::Result<Result<Option<Uuid>, Credit>> {
    let album_artists: Vec<String> = if tags.album_artists.is_empty() {
        tags.artists.iter().take(1).cloned().collect()
    } else {
        tags.album_artists.clone()
    };
    let album = match &tags.album {
        Some(title) => {
            let key = album_key(title, &album_artists);
            let (album, created) = albums::find_or_create(
                &mut *db,
                owner,
                &AlbumClaim {
                    title,
                    match_key: &key,
                    year: tags.year,
                    date: tags.date,
                    album_gain: tags.gain.album_gain,
                    album_peak: tags.gain.album_peak,
                },
            )
            .await?;
            if created {
                for (position, name) in album_artists.iter().enumerate() {
                    let artist = artist_by_name(&mut *db, owner, name).await?;
                    albums::add_artist(&mut *db, album, artist, "Primary", position as i16).await?;
                }
            }
            Some(album)
        }
        None => None,
    };
    songs::set_tagged(
        &mut *db,
        song,
        &songs::TaggedFacts {
            album,
            disc: tags.disc.number.map(|n| n as i16),
            disc_total: tags.disc.total.map(|n| n as i16),
            track: tags.track.number.map(|n| n as i16),
            track_total: tags.track.total.map(|n| n as i16),
            year: tags.year,
            composer: (!tags.composers.is_empty()).then(|| tags.composers.join("; ")),
            track_gain: tags.gain.track_gain,
            track_peak: tags.gain.track_peak,
        },
    )
    .await?;
    if credit_artists {
        let named = tags
            .artists
            .iter()
            .map(|name| (name, "Primary"))
            .chain(tags.featured.iter().map(|name| (name, "Featured")))
            .chain(tags.composers.iter().map(|name| (name, "Composer")));
        for (name, role) in named {
            let artist = artist_by_name(&mut *db, owner, name).await?;
            // A credit already made (the same artist as Primary and Composer) keeps its
            // first role: a song credits an artist once.
            if !credits::is_credited(&mut *db, song, artist).await? {
                match credits::set_credit(&mut *db, song, artist, role, &[owner]).await? {
                    Credit::Done => {}
                    refused => return Ok(Err(refused)),
                }
            }
        }
    }
    genres::set_song_genres(&mut *db, song, &tags.genres).await?;
    if let Some(lyrics) = &tags.lyrics {
        lyrics::put(&mut *db, song, lyrics).await?;
    }
    Ok(Ok(album))
}

/// The artist a tag names: the one existing artist of that name the owner may credit, else a
/// new one made by the owner.
async fn artist_by_name(db: &mut PgConnection, owner: Uuid, name: &str) -> sqlx::Result<Uuid> {
    let key = match_key(name);
    let candidates = artists::creditable_by_key(&mut *db, &key, owner).await?;
    match candidates.as_slice() {
        [only] => Ok(*only),
        _ => artists::create_named(&mut *db, name, &key, owner).await,
    }
}
