//! How albums, genres and lyrics appear in answers.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::store::albums::AlbumRow;
use super::store::genres::GenreRow;
use super::views::{ArtworkUrls, CreditView, OwnerView, PosterUrls, SongView};
use crate::media::lyrics::Lyrics;

/// An album in lists and as the head of its page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlbumView {
    pub id: Uuid,
    pub title: String,
    pub about: Option<String>,
    pub year: Option<i32>,
    pub release_date: Option<NaiveDate>,
    pub poster_urls: Option<PosterUrls>,
    /// The cover, or generated artwork where there is none: always present.
    pub artwork_urls: ArtworkUrls,
    pub artists: Vec<CreditView>,
    pub owner: OwnerView,
    pub song_count: i64,
    /// Seconds, over every song.
    pub duration: i64,
    /// Its songs' genres, the most common first.
    pub genres: Vec<String>,
    pub play_count: i64,
    /// ReplayGain album gain in dB, when known.
    pub album_gain: Option<f32>,
    pub album_peak: Option<f32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An album with its songs in disc and track order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlbumDetail {
    #[serde(flatten)]
    pub album: AlbumView,
    pub songs: Vec<SongView>,
}

impl From<AlbumRow> for AlbumView {
    fn from(row: AlbumRow) -> Self {
        Self {
            id: row.albumid,
            title: row.title,
            about: row.about,
            year: row.releaseyear,
            release_date: row.releasedate,
            poster_urls: row.posterpublicid.as_deref().map(PosterUrls::under),
            artwork_urls: ArtworkUrls::of("albums", row.albumid),
            artists: CreditView::list(&row.artists),
            owner: OwnerView {
                id: row.ownerid,
                name: row.ownername,
            },
            song_count: row.songcount,
            duration: row.duration,
            genres: row.genres,
            play_count: row.playcount,
            album_gain: row.albumgain,
            album_peak: row.albumpeak,
            created_at: row.createdat,
            updated_at: row.updatedat,
        }
    }
}

/// A genre with how much carries it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GenreView {
    pub name: String,
    pub song_count: i64,
    pub album_count: i64,
}

impl From<GenreRow> for GenreView {
    fn from(row: GenreRow) -> Self {
        Self {
            name: row.name,
            song_count: row.songcount,
            album_count: row.albumcount,
        }
    }
}

/// A song's lyrics: plain lines, or lines with the millisecond each is sung at.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LyricsView {
    pub song_id: Uuid,
    /// ISO 639 code, when known.
    pub language: Option<String>,
    /// Whether every line has `startMs`.
    pub synced: bool,
    pub lines: Vec<LyricLineView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LyricLineView {
    pub start_ms: Option<u32>,
    pub text: String,
}

impl LyricsView {
    pub fn new(song_id: Uuid, lyrics: Lyrics) -> Self {
        Self {
            song_id,
            language: lyrics.language,
            synced: lyrics.synced,
            lines: lyrics
                .lines
                .into_iter()
                .map(|line| LyricLineView {
                    start_ms: line.start_ms,
                    text: line.text,
                })
                .collect(),
        }
    }
}
