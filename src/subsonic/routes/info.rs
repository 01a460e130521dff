//! What apps show beside an artist or album page: information (`getArtistInfo`,
//! `getAlbumInfo`), an artist's top songs, and songs like a given one, all from Ampli's own
//! data (no outside service is asked).

use uuid::Uuid;

use crate::catalog::SongView;
use crate::http::pagination;
use crate::subsonic::error::SubsonicError;
use crate::subsonic::ids::Id;
use crate::subsonic::response::Node;
use crate::subsonic::routes::browsing::{album_with_songs, artist_id, artist_marks};
use crate::subsonic::songs;
use crate::subsonic::{Call, Reply};

pub async fn artist_info(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let node = artist_info_node(call).await?;
    Ok(Reply::Body(Node::new().child("artistInfo", node)))
}

pub async fn artist_info2(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let node = artist_info_node(call).await?;
    Ok(Reply::Body(Node::new().child("artistInfo2", node)))
}

/// What Ampli knows of an artist: the biography and picture from its page, and similar
/// artists from its own data (collaborators, then artists of the same genres).
async fn artist_info_node(call: &Call<'_>) -> Result<Node, SubsonicError> {
    let id = artist_id(call)?;
    let count = call.params.count("count", 20, 100)?;
    let row = call.subsonic.catalog.artist(id).await?;
    let similar = call.subsonic.catalog.similar_artists(id, count).await?;
    let ids: Vec<Uuid> = similar.iter().map(|a| a.artistid).collect();
    let marks = artist_marks(call, &ids).await?;
    let picture = |size: &str| {
        row.avatarpublicid
            .as_deref()
            .map(|prefix| crate::storage::media_url(&format!("{prefix}/{size}.jpg")))
    };
    Ok(Node::new()
        .opt("biography", row.bio.as_deref())
        .attr("musicBrainzId", "")
        .opt("smallImageUrl", picture("64"))
        .opt("mediumImageUrl", picture("256"))
        .opt("largeImageUrl", picture("512"))
        .list(
            "similarArtist",
            similar
                .iter()
                .map(|artist| songs::artist(artist, None, &marks))
                .collect(),
        ))
}

pub async fn album_info(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = Id::require(call.params.required("id")?)?;
    let (_, tracks) = album_with_songs(call, id).await?;
    let notes = match id {
        Id::Album(album) => call
            .subsonic
            .catalog
            .album_answers(&[album])
            .await?
            .pop()
            .and_then(|album| album.about),
        _ => tracks.first().and_then(|song| song.about.clone()),
    };
    let poster = tracks.first().and_then(|song| song.poster_urls.as_ref());
    let node = Node::new()
        .opt("notes", notes)
        .attr("musicBrainzId", "")
        .opt("smallImageUrl", poster.map(|p| p.small.clone()))
        .opt("largeImageUrl", poster.map(|p| p.large.clone()));
    Ok(Reply::Body(Node::new().child("albumInfo", node)))
}

/// The most played songs of the artist named `artist` (the one artist of that name; none
/// when no artist or several have it).
pub async fn top_songs(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let name = call.params.required("artist")?;
    let count = call.params.count("count", 50, 500)? as usize;
    let artist = call.subsonic.catalog.artist_named(name).await?;
    let mut tracks = match artist {
        Some(artist) => {
            call.subsonic
                .catalog
                .artist_songs(artist, pagination::MAX_LIMIT, Some(call.user()))
                .await?
        }
        None => Vec::new(),
    };
    tracks.sort_by_key(|song| std::cmp::Reverse(song.play_count));
    tracks.truncate(count);
    Ok(Reply::Body(Node::new().child(
        "topSongs",
        Node::new().list("song", tracks.iter().map(songs::song).collect()),
    )))
}

/// Songs like a song (or an artist's or album's): others by the same artists, then songs of
/// the same genre at random.
async fn similar(call: &Call<'_>) -> Result<Vec<SongView>, SubsonicError> {
    let count = call.params.count("count", 50, 500)?;
    let viewer = Some(call.user());
    let catalog = &call.subsonic.catalog;
    let (artists, genre, exclude): (Vec<Uuid>, Option<String>, Vec<Uuid>) =
        match Id::require(call.params.required("id")?)? {
            Id::Song(id) | Id::Single(id) => {
                let song = catalog.song_answer(id, viewer).await?;
                (
                    song.artists.iter().map(|c| c.artist_id).collect(),
                    song.genres.first().cloned(),
                    vec![id],
                )
            }
            Id::Album(id) => {
                let detail = catalog.album_answer(id, viewer).await?;
                (
                    detail.album.artists.iter().map(|c| c.artist_id).collect(),
                    detail.album.genres.first().cloned(),
                    detail.songs.iter().map(|s| s.id).collect(),
                )
            }
            Id::Artist(id) => {
                catalog.artist(id).await?;
                (vec![id], None, Vec::new())
            }
            _ => return Err(SubsonicError::not_found("Item")),
        };
    let mut found: Vec<SongView> = Vec::new();
    for artist in artists.iter().take(5) {
        for song in catalog
            .artist_songs(*artist, pagination::MAX_LIMIT, viewer)
            .await?
        {
            if !exclude.contains(&song.id) && !found.iter().any(|s| s.id == song.id) {
                found.push(song);
            }
        }
    }
    if let Some(genre) = genre {
        for song in catalog
            .random_songs(count, Some(&genre), None, viewer)
            .await?
        {
            if !exclude.contains(&song.id) && !found.iter().any(|s| s.id == song.id) {
                found.push(song);
            }
        }
    }
    found.truncate(count as usize);
    Ok(found)
}

pub async fn similar_songs(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let tracks = similar(call).await?;
    Ok(Reply::Body(Node::new().child(
        "similarSongs",
        Node::new().list("song", tracks.iter().map(songs::song).collect()),
    )))
}

pub async fn similar_songs2(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let tracks = similar(call).await?;
    Ok(Reply::Body(Node::new().child(
        "similarSongs2",
        Node::new().list("song", tracks.iter().map(songs::song).collect()),
    )))
}
