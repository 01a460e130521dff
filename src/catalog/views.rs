//! How songs and artists appear in answers.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::store::artists::ArtistRow;
use super::store::songs::SongRow;
use crate::storage::media_url;

/// What the caller did with a song: for song answers.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ViewerState {
    pub liked: bool,
    pub favorited: bool,
    /// Seconds into the song where the caller stopped, if they played it.
    pub resume_at: Option<i32>,
    // For the Subsonic answers (`starred`, `played`, `userRating`); the REST API's answers
    // keep their shape.
    /// When the caller favourited it.
    #[serde(skip)]
    pub favorited_at: Option<DateTime<Utc>>,
    /// When the caller last played it.
    #[serde(skip)]
    pub last_played_at: Option<DateTime<Utc>>,
    /// The caller's rating, 1 to 5 (set from Subsonic apps).
    #[serde(skip)]
    pub rating: Option<i16>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditView {
    pub artist_id: Uuid,
    pub name: String,
    pub role: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerView {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PosterUrls {
    pub small: String,
    pub large: String,
}

impl PosterUrls {
    /// The sizes stored under a poster's prefix (`PosterPublicID`), songs' and albums' alike.
    pub fn under(prefix: &str) -> Self {
        Self {
            small: media_url(&format!("{prefix}/128.jpg")),
            large: media_url(&format!("{prefix}/512.jpg")),
        }
    }
}

/// Where a song's or album's artwork is, in both sizes, whether or not it has a poster: the
/// artwork route answers the poster (a redirect) or a picture generated from the id and title.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArtworkUrls {
    pub small: String,
    pub large: String,
}

impl ArtworkUrls {
    /// `kind` is the collection in the path: `songs` or `albums`.
    pub fn of(kind: &str, id: Uuid) -> Self {
        Self {
            small: format!("/api/v1/{kind}/{id}/artwork?size=small"),
            large: format!("/api/v1/{kind}/{id}/artwork?size=large"),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SongView {
    pub id: Uuid,
    pub title: String,
    pub about: Option<String>,
    /// Seconds.
    pub duration: Option<i32>,
    pub category: Option<String>,
    /// Streams the song (needs a bearer token; see POST /songs/{id}/stream-url for players).
    pub file_url: String,
    /// The uploaded original's format: mp3, flac, ogg-vorbis, ogg-opus, m4a or wav.
    pub format: Option<String>,
    /// The uploaded original's size in bytes and content type.
    pub size: Option<i64>,
    pub content_type: Option<String>,
    pub poster_url: Option<String>,
    pub poster_urls: Option<PosterUrls>,
    /// The poster, or generated artwork where there is none: always present.
    pub artwork_urls: ArtworkUrls,
    pub play_count: i64,
    pub like_count: i64,
    /// What the caller did with this song (when signed in).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub viewer: Option<ViewerState>,
    pub owner: OwnerView,
    pub artists: Vec<CreditView>,
    /// Qualities ready to stream besides `original`, best first.
    pub qualities: Vec<String>,
    /// The album the song is on; none for a single.
    pub album: Option<AlbumRef>,
    pub disc_number: Option<i16>,
    pub track_number: Option<i16>,
    pub year: Option<i32>,
    pub composer: Option<String>,
    pub genres: Vec<String>,
    /// ReplayGain values (dB, and linear peaks), from tags or measured: for volume levelling.
    pub loudness: Loudness,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An album as a song names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlbumRef {
    pub id: Uuid,
    pub title: String,
}

#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Loudness {
    pub track_gain: Option<f32>,
    pub track_peak: Option<f32>,
    pub album_gain: Option<f32>,
    pub album_peak: Option<f32>,
}

impl CreditView {
    /// Credits as the store aggregates them: `[{"ArtistID", "Name", "Role"}]`.
    pub fn list(credits: &serde_json::Value) -> Vec<Self> {
        credits
            .as_array()
            .map(|credits| {
                credits
                    .iter()
                    .filter_map(|credit| {
                        Some(CreditView {
                            artist_id: credit["ArtistID"].as_str()?.parse().ok()?,
                            name: credit["Name"].as_str()?.to_owned(),
                            role: credit["Role"].as_str().map(str::to_owned),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl From<SongRow> for SongView {
    fn from(row: SongRow) -> Self {
        let artists = CreditView::list(&row.artists);
        let poster_urls = row.posterpublicid.as_deref().map(PosterUrls::under);
        Self {
            id: row.songid,
            title: row.title,
            about: row.about,
            duration: row.duration,
            category: row.category,
            file_url: row.fileurl,
            format: row.fileformat,
            size: row.filesize,
            content_type: row.contenttype,
            poster_url: row.posterurl,
            poster_urls,
            artwork_urls: ArtworkUrls::of("songs", row.songid),
            play_count: row.playcount.unwrap_or(0),
            like_count: row.likecount,
            viewer: None,
            owner: OwnerView {
                id: row.ownerid,
                name: row.ownername,
            },
            artists,
            qualities: row.renditions,
            album: row
                .albumid
                .zip(row.albumtitle)
                .map(|(id, title)| AlbumRef { id, title }),
            disc_number: row.discnumber,
            track_number: row.tracknumber,
            year: row.releaseyear,
            composer: row.composer,
            genres: row.genres,
            loudness: Loudness {
                track_gain: row.trackgain,
                track_peak: row.trackpeak,
                album_gain: row.albumgain,
                album_peak: row.albumpeak,
            },
            created_at: row.createdat,
            updated_at: row.updatedat,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArtistView {
    id: Uuid,
    name: String,
    bio: Option<String>,
    country: Option<String>,
    genre: Option<String>,
    avatar_url: Option<String>,
    verified: bool,
    /// The user account this artist is, if linked.
    user_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<ArtistRow> for ArtistView {
    fn from(row: ArtistRow) -> Self {
        Self {
            id: row.artistid,
            name: row.name,
            bio: row.bio,
            country: row.country,
            genre: row.genre,
            avatar_url: row.avatarurl,
            verified: row.verified.unwrap_or(false),
            user_id: row.userid,
            created_at: row.createdat,
            updated_at: row.updatedat,
        }
    }
}
