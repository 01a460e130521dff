//! Media: `stream` (a rendition of the bitrate ladder picked from `format` and `maxBitRate`,
//! or the original), `download` (the original), pictures (`getCoverArt`, `getAvatar`) and
//! lyrics. Bytes come through the same object-store answer as the REST API's (ranges,
//! validators, streamed bodies).

use axum::http::{Method, header};
use axum::response::IntoResponse;
use uuid::Uuid;

use crate::catalog::SongView;
use crate::catalog::artwork::{Artwork, ArtworkSize};
use crate::storage::serve::Object;
use crate::storage::{MEDIA_PREFIX, media_url};
use crate::subsonic::error::SubsonicError;
use crate::subsonic::ids::Id;
use crate::subsonic::response::Node;
use crate::subsonic::routes::browsing::song_id;
use crate::subsonic::songs::bit_rate;
use crate::subsonic::{Call, Reply};

/// Which of Ampli's qualities answers a Subsonic stream request. `raw` (or nothing asked)
/// is the original; `mp3` the MP3 rendition; otherwise the Opus rung at or under
/// `maxBitRate` (kbit/s), or the original when it is already under the cap, which only the
/// song's own bit rate tells.
enum Choice {
    Quality(&'static str),
    UnderCap(i64),
}

fn choice(format: Option<&str>, max_bit_rate: Option<i64>) -> Choice {
    let cap = max_bit_rate.filter(|&rate| rate > 0);
    match format {
        Some("raw") => Choice::Quality("original"),
        Some("mp3") => Choice::Quality("mp3"),
        Some("opus" | "ogg") => Choice::Quality(rung_under(cap.unwrap_or(i64::MAX))),
        _ => cap.map_or(Choice::Quality("original"), Choice::UnderCap),
    }
}

fn quality_under(song: &SongView, cap: i64) -> &'static str {
    if bit_rate(song).is_some_and(|rate| rate <= cap) {
        "original"
    } else {
        rung_under(cap)
    }
}

/// The best Opus rung at or under `cap` kbit/s (the lowest when even that is over).
fn rung_under(cap: i64) -> &'static str {
    match cap {
        160.. => "high",
        96.. => "medium",
        _ => "low",
    }
}

/// Subsonic apps send GET or POST; the store answers GET and HEAD.
fn read_method(call: &Call<'_>) -> Method {
    if call.method == Method::HEAD {
        Method::HEAD
    } else {
        Method::GET
    }
}

pub async fn stream(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = song_id(call, "id")?;
    let max = call.params.number::<i64>("maxBitRate")?;
    // The song is read only when its bit rate decides: most requests stream at once.
    let quality = match choice(call.params.get("format"), max) {
        Choice::Quality(quality) => quality,
        Choice::UnderCap(cap) => {
            let song = call.subsonic.catalog.song_answer(id, None).await?;
            quality_under(&song, cap)
        }
    };
    let response = call
        .subsonic
        .catalog
        .stream(id, quality, &read_method(call), call.headers)
        .await?;
    Ok(Reply::Raw(response))
}

pub async fn download(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = song_id(call, "id")?;
    let response = call
        .subsonic
        .catalog
        .stream(id, "original", &read_method(call), call.headers)
        .await?;
    Ok(Reply::Raw(response))
}

/// A stored picture by its public URL, as the answer.
async fn picture(call: &Call<'_>, url: Option<String>) -> Result<Reply, SubsonicError> {
    let url = url.ok_or(SubsonicError::not_found("Cover art"))?;
    let key = url
        .strip_prefix(MEDIA_PREFIX)
        .ok_or(SubsonicError::not_found("Cover art"))?;
    let object = Object {
        key,
        content_type: "image/jpeg",
        cache_control: "private, max-age=86400",
    };
    let response = call
        .subsonic
        .catalog
        .storage
        .respond(object, &read_method(call), call.headers)
        .await
        .map_err(|error| SubsonicError::from(crate::http::ApiError::internal(error)))?;
    Ok(Reply::Raw(
        response.ok_or(SubsonicError::not_found("Cover art"))?,
    ))
}

/// The poster of a song in the asked size (128 or 512 pixels).
fn song_poster(song: &SongView, small: bool) -> Option<String> {
    let urls = song.poster_urls.as_ref()?;
    Some(if small {
        urls.small.clone()
    } else {
        urls.large.clone()
    })
}

pub async fn cover_art(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let size = call.params.number::<i64>("size")?;
    let small = size.is_some_and(|size| size <= 128);
    let catalog = &call.subsonic.catalog;
    let first_poster = |songs: &[SongView]| songs.iter().find_map(|s| song_poster(s, small));
    let url = match Id::require(call.params.required("id")?)? {
        Id::Song(id) | Id::Single(id) => {
            let artwork = catalog
                .song_artwork(id, ArtworkSize::covering(size))
                .await?;
            return artwork_reply(call, artwork).await;
        }
        Id::Album(id) => {
            let detail = catalog.album_answer(id, None).await?;
            match &detail.album.poster_urls {
                Some(urls) => Some(if small {
                    urls.small.clone()
                } else {
                    urls.large.clone()
                }),
                None => match first_poster(&detail.songs) {
                    Some(url) => Some(url),
                    None => {
                        let artwork = catalog.album_artwork(id, ArtworkSize::covering(size));
                        return artwork_reply(call, artwork.await?).await;
                    }
                },
            }
        }
        Id::Artist(id) => {
            let artist = catalog.artist(id).await?;
            let pixels = match size {
                Some(size) if size <= 64 => 64,
                Some(size) if size <= 256 => 256,
                _ => 512,
            };
            artist
                .avatarpublicid
                .map(|prefix| media_url(&format!("{prefix}/{pixels}.jpg")))
        }
        Id::Playlist(id) => {
            let page = call
                .subsonic
                .library
                .playlist_items(id, Some(call.user()), 0, 20)
                .await?;
            let songs: Vec<SongView> = page.items.into_iter().map(|item| item.song).collect();
            first_poster(&songs)
        }
        Id::AutoPlaylist(id) => {
            let auto = call.subsonic.discovery.playlist(id, None).await?;
            first_poster(&auto.songs)
        }
        Id::Share(_) => None,
    };
    picture(call, url).await
}

/// A poster by its URL, or a generated picture (for what has no poster) as a PNG.
async fn artwork_reply(call: &Call<'_>, artwork: Artwork) -> Result<Reply, SubsonicError> {
    match artwork {
        Artwork::Poster(url) => picture(call, Some(url)).await,
        Artwork::Generated { png, etag } => Ok(Reply::Raw(
            (
                [
                    (header::CONTENT_TYPE, "image/png".to_owned()),
                    (header::ETAG, etag),
                    (header::CACHE_CONTROL, "public, max-age=86400".to_owned()),
                ],
                png,
            )
                .into_response(),
        )),
    }
}

/// The caller's own avatar.
pub async fn avatar(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let asked = call.params.required("username")?;
    let caller = call.caller();
    if !asked.eq_ignore_ascii_case(&caller.email) {
        return Err(SubsonicError::not_found("Avatar"));
    }
    let url = caller
        .avatar_prefix
        .as_deref()
        .map(|prefix| media_url(&format!("{prefix}/256.jpg")));
    picture(call, url).await
}

/// Lyrics by artist and title (the first song of that title, by that artist when named);
/// an empty `lyrics` element when there are none.
pub async fn lyrics(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let title = call.params.get("title").unwrap_or("").trim();
    let artist = call
        .params
        .get("artist")
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let mut node = Node::new();
    if !title.is_empty() {
        let query = crate::search::SearchQuery::parse(Some(title), Some("songs"), Some(20))?;
        let found = call.subsonic.search.search(&query, None).await?;
        let song = found.songs.unwrap_or_default().into_iter().find(|song| {
            song.title.eq_ignore_ascii_case(title)
                && artist.is_none_or(|artist| {
                    song.artists
                        .iter()
                        .any(|c| c.name.eq_ignore_ascii_case(artist))
                })
        });
        if let Some(song) = song
            && let Some(text) = lyrics_text(call, song.id).await?
        {
            let artist_line = song
                .artists
                .first()
                .map(|c| c.name.clone())
                .unwrap_or_default();
            node = node
                .attr("artist", artist_line)
                .attr("title", &song.title)
                .text(text);
        }
    }
    Ok(Reply::Body(Node::new().child("lyrics", node)))
}

async fn lyrics_text(call: &Call<'_>, song: Uuid) -> Result<Option<String>, SubsonicError> {
    match call.subsonic.catalog.lyrics(song).await {
        Ok(lyrics) => Ok(Some(
            lyrics
                .lines
                .iter()
                .map(|line| line.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        )),
        Err(crate::catalog::CatalogError::LyricsNotFound) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// The songLyrics extension: the song's lyrics as lines, with start times when synced.
pub async fn lyrics_by_song_id(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = song_id(call, "id")?;
    let catalog = &call.subsonic.catalog;
    let song = catalog.song_answer(id, None).await?;
    let structured = match catalog.lyrics(id).await {
        Ok(lyrics) => {
            let lines = lyrics
                .lines
                .iter()
                .map(|line| {
                    Node::new()
                        .opt("start", line.start_ms.filter(|_| lyrics.synced))
                        .text(&line.text)
                })
                .collect();
            vec![
                Node::new()
                    .attr(
                        "displayArtist",
                        song.artists.first().map_or("", |c| c.name.as_str()),
                    )
                    .attr("displayTitle", &song.title)
                    .attr("lang", lyrics.language.as_deref().unwrap_or("xxx"))
                    .attr("synced", lyrics.synced)
                    .attr("offset", 0)
                    .list("line", lines),
            ]
        }
        Err(crate::catalog::CatalogError::LyricsNotFound) => Vec::new(),
        Err(error) => return Err(error.into()),
    };
    Ok(Reply::Body(Node::new().child(
        "lyricsList",
        Node::new().list("structuredLyrics", structured),
    )))
}

#[cfg(test)]
mod tests {
    use super::rung_under;

    #[test]
    fn a_cap_picks_the_best_rung_under_it() {
        assert_eq!(rung_under(320), "high");
        assert_eq!(rung_under(160), "high");
        assert_eq!(rung_under(128), "medium");
        assert_eq!(rung_under(96), "medium");
        assert_eq!(rung_under(64), "low");
        assert_eq!(rung_under(8), "low");
    }
}
