//! How Ampli's songs, albums and artists appear to Subsonic apps: the `Child`, `AlbumID3` and
//! `ArtistID3` elements with the OpenSubsonic fields filled from what Ampli knows.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

use super::ids;
use super::response::{Node, Value};
use crate::catalog::{AlbumView, ArtistRow, CreditView, SongView};

/// A time as Subsonic writes it: ISO 8601 with milliseconds, in UTC.
pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The file suffix and the content type a song's original has.
pub fn suffix(song: &SongView) -> &'static str {
    match song.format.as_deref() {
        Some("mp3") => "mp3",
        Some("flac") => "flac",
        Some("ogg-vorbis") => "ogg",
        Some("ogg-opus") => "opus",
        Some("m4a") => "m4a",
        Some("wav") => "wav",
        _ => "bin",
    }
}

/// kbit/s of the original, worked out from its size and length.
pub fn bit_rate(song: &SongView) -> Option<i64> {
    let seconds = i64::from(song.duration?);
    let bytes = song.size?;
    (seconds > 0).then(|| bytes * 8 / seconds / 1000)
}

/// The names of the credited artists as one line: "A, B feat. C" is what the tags said;
/// here the credits in order, joined.
fn display(credits: &[CreditView]) -> String {
    credits
        .iter()
        .map(|credit| credit.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Performing artists: every credit but those for composing or producing.
fn performers(credits: &[CreditView]) -> Vec<&CreditView> {
    let behind = |role: &str| matches!(role, "composer" | "lyricist" | "producer" | "arranger");
    let performing: Vec<&CreditView> = credits
        .iter()
        .filter(|credit| !credit.role.as_deref().is_some_and(behind))
        .collect();
    if performing.is_empty() {
        credits.iter().collect()
    } else {
        performing
    }
}

fn artist_ref(credit: &CreditView) -> Node {
    Node::new()
        .attr("id", ids::artist(credit.artist_id))
        .attr("name", &credit.name)
}

fn genres(names: &[String]) -> Vec<Node> {
    names
        .iter()
        .map(|name| Node::new().attr("name", name))
        .collect()
}

/// The album a song is on, as its `parent`/`albumId`: its own single when on none.
pub fn album_id_of(song: &SongView) -> String {
    match &song.album {
        Some(album) => ids::album(album.id),
        None => ids::single(song.id),
    }
}

/// The picture to show for a song: its own poster, else its album's.
fn cover_of(song: &SongView) -> Option<String> {
    if song.poster_urls.is_some() {
        Some(ids::song(song.id))
    } else {
        song.album.as_ref().map(|album| ids::album(album.id))
    }
}

/// A song as a `Child` element.
pub fn song(song: &SongView) -> Node {
    let viewer = song.viewer.unwrap_or_default();
    let performers = performers(&song.artists);
    let first_artist = performers.first();
    let artist_line = display(&song.artists);
    let album_title = song
        .album
        .as_ref()
        .map_or(song.title.as_str(), |album| album.title.as_str());
    let suffix = suffix(song);
    let path = format!(
        "{}/{}/{}{}.{suffix}",
        path_part(if artist_line.is_empty() {
            "Unknown artist"
        } else {
            &artist_line
        }),
        path_part(album_title),
        song.track_number
            .map_or(String::new(), |n| format!("{n:02} - ")),
        path_part(&song.title),
    );
    let loudness = &song.loudness;
    let has_gain = loudness.track_gain.is_some() || loudness.album_gain.is_some();
    let contributors: Vec<Node> = song
        .artists
        .iter()
        .filter_map(|credit| {
            let role = credit.role.as_deref()?;
            Some(
                Node::new()
                    .attr("role", role)
                    .child("artist", artist_ref(credit)),
            )
        })
        .collect();
    Node::new()
        .attr("id", ids::song(song.id))
        .attr("parent", album_id_of(song))
        .attr("isDir", false)
        .attr("title", &song.title)
        .attr("album", album_title)
        .attr("artist", &artist_line)
        .opt("track", song.track_number)
        .opt("year", song.year)
        .opt("genre", song.genres.first())
        .opt("coverArt", cover_of(song))
        .opt("size", song.size)
        .attr(
            "contentType",
            song.content_type
                .as_deref()
                .unwrap_or("application/octet-stream"),
        )
        .attr("suffix", suffix)
        .opt("duration", song.duration)
        .opt("bitRate", bit_rate(song))
        .attr("path", path)
        .attr("playCount", song.play_count)
        .opt("played", viewer.last_played_at.map(time))
        .opt("discNumber", song.disc_number)
        .attr("created", time(song.created_at))
        .attr("albumId", album_id_of(song))
        .opt(
            "artistId",
            first_artist.map(|credit| ids::artist(credit.artist_id)),
        )
        .attr("type", "music")
        .attr("mediaType", "song")
        .attr("isVideo", false)
        .opt("userRating", viewer.rating)
        .opt("starred", viewer.favorited_at.map(time))
        .attr("bpm", 0)
        .attr("comment", song.about.as_deref().unwrap_or(""))
        .attr("sortName", &song.title)
        .attr("musicBrainzId", "")
        .attr("displayArtist", &artist_line)
        .attr("displayAlbumArtist", &artist_line)
        .attr("displayComposer", song.composer.as_deref().unwrap_or(""))
        .attr("explicitStatus", "")
        .list("genres", genres(&song.genres))
        .list(
            "artists",
            performers.iter().map(|c| artist_ref(c)).collect(),
        )
        .list(
            "albumArtists",
            performers.iter().map(|c| artist_ref(c)).collect(),
        )
        .list("contributors", contributors)
        .values("moods", Vec::<Value>::new())
        .opt_child(
            "replayGain",
            has_gain.then(|| {
                Node::new()
                    .opt("trackGain", loudness.track_gain)
                    .opt("trackPeak", loudness.track_peak)
                    .opt("albumGain", loudness.album_gain)
                    .opt("albumPeak", loudness.album_peak)
            }),
        )
}

/// Slashes would make a false folder in a path: they become dashes.
fn path_part(text: &str) -> String {
    text.replace('/', "-")
}

/// What the caller did with an album or artist: starred when, and their rating.
pub type Marks = HashMap<Uuid, (Option<DateTime<Utc>>, Option<i16>)>;

/// An album as an `AlbumID3` element (the songs are added by `getAlbum`).
pub fn album(album: &AlbumView, marks: &Marks) -> Node {
    let (starred, rating) = marks.get(&album.id).copied().unwrap_or_default();
    let artist_line = display(&album.artists);
    let performers = performers(&album.artists);
    let release = album.release_date.map(|date| {
        use chrono::Datelike;
        Node::new()
            .attr("year", date.year())
            .attr("month", date.month())
            .attr("day", date.day())
    });
    Node::new()
        .attr("id", ids::album(album.id))
        .attr("name", &album.title)
        .attr("artist", &artist_line)
        .opt(
            "artistId",
            performers
                .first()
                .map(|credit| ids::artist(credit.artist_id)),
        )
        .attr("coverArt", ids::album(album.id))
        .attr("songCount", album.song_count)
        .attr("duration", album.duration)
        .attr("playCount", album.play_count)
        .attr("created", time(album.created_at))
        .opt("year", album.year)
        .opt("genre", album.genres.first())
        .opt("starred", starred.map(time))
        .opt("userRating", rating)
        .attr("musicBrainzId", "")
        .attr("isCompilation", false)
        .attr("sortName", &album.title)
        .attr("displayArtist", &artist_line)
        .list("genres", genres(&album.genres))
        .list(
            "artists",
            performers.iter().map(|c| artist_ref(c)).collect(),
        )
        .values("releaseTypes", vec![Value::from("album")])
        .values("moods", Vec::<Value>::new())
        .list("recordLabels", Vec::new())
        .list("discTitles", Vec::new())
        .opt_child("releaseDate", release.clone())
        .opt_child("originalReleaseDate", release)
}

/// The single an album-less song stands as: an album of that one song.
pub fn single(song: &SongView) -> Node {
    let artist_line = display(&song.artists);
    let performers = performers(&song.artists);
    Node::new()
        .attr("id", ids::single(song.id))
        .attr("name", &song.title)
        .attr("artist", &artist_line)
        .opt(
            "artistId",
            performers
                .first()
                .map(|credit| ids::artist(credit.artist_id)),
        )
        .opt("coverArt", cover_of(song))
        .attr("songCount", 1)
        .attr("duration", song.duration.unwrap_or(0))
        .attr("playCount", song.play_count)
        .attr("created", time(song.created_at))
        .opt("year", song.year)
        .opt("genre", song.genres.first())
        .attr("musicBrainzId", "")
        .attr("isCompilation", false)
        .attr("sortName", &song.title)
        .attr("displayArtist", &artist_line)
        .list("genres", genres(&song.genres))
        .list(
            "artists",
            performers.iter().map(|c| artist_ref(c)).collect(),
        )
        .values("releaseTypes", vec![Value::from("single")])
}

/// An artist as an `ArtistID3` element.
pub fn artist(artist: &ArtistRow, album_count: Option<i64>, marks: &Marks) -> Node {
    let (starred, rating) = marks.get(&artist.artistid).copied().unwrap_or_default();
    Node::new()
        .attr("id", ids::artist(artist.artistid))
        .attr("name", &artist.name)
        .attr("coverArt", ids::artist(artist.artistid))
        .opt("albumCount", album_count)
        .opt("starred", starred.map(time))
        .opt("userRating", rating)
        .attr("musicBrainzId", "")
        .attr("sortName", &artist.name)
        .values("roles", vec![Value::from("artist")])
}
