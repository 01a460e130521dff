//! Playlists with Ampli's visibility rules: a private playlist exists for its owner only, as
//! on the REST API. A Subsonic playlist is "public" when Ampli's is. Discovery's
//! auto-generated lists (Trending, New Releases, …) are listed too, owned by no one and
//! read-only: changing one is error 50. Subsonic's playlist comment has no place in Ampli and
//! is not kept.

use uuid::Uuid;

use crate::catalog::SongView;
use crate::library::PlaylistView;
use crate::subsonic::error::SubsonicError;
use crate::subsonic::ids::{self, Id};
use crate::subsonic::response::Node;
use crate::subsonic::songs::{self, time};
use crate::subsonic::{Call, Reply};

/// Most playlists `getPlaylists` lists, and songs a playlist answers.
const MAX_PLAYLISTS: i64 = 500;
const MAX_ITEMS: i64 = 10_000;
const AUTO_OWNER: &str = "Ampli";

fn playlist_node(playlist: &PlaylistView, owner: &str, duration: i64) -> Node {
    Node::new()
        .attr("id", ids::playlist(playlist.id))
        .attr("name", &playlist.title)
        .attr("comment", "")
        .attr("owner", owner)
        .attr("public", playlist.visibility == "public")
        .attr("songCount", playlist.item_count)
        .attr("duration", duration)
        .attr("created", time(playlist.created_at))
        .attr("changed", time(playlist.updated_at))
        .attr("readonly", false)
}

fn total_duration(songs: &[SongView]) -> i64 {
    songs
        .iter()
        .map(|s| i64::from(s.duration.unwrap_or(0)))
        .sum()
}

/// A playlist's songs in order, all of them (up to `MAX_ITEMS`).
async fn items(call: &Call<'_>, id: Uuid) -> Result<Vec<SongView>, SubsonicError> {
    let library = &call.subsonic.library;
    let mut songs = Vec::new();
    let mut from = 0;
    loop {
        let page = library
            .playlist_items(id, Some(call.user()), from, 500)
            .await?;
        let count = page.items.len();
        songs.extend(page.items.into_iter().map(|item| {
            from = item.position + 1;
            item.song
        }));
        if page.next_cursor.is_none() || count == 0 || songs.len() as i64 >= MAX_ITEMS {
            break;
        }
    }
    Ok(songs)
}

/// The owner's name as apps show it: the caller's email for their own playlists (their
/// Subsonic user name), else the owner's display name.
fn owner_label(call: &Call<'_>, playlist: &PlaylistView) -> String {
    if playlist.owner.id == call.user() {
        call.caller().email.clone()
    } else {
        playlist.owner.name.clone()
    }
}

pub async fn playlists(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    if let Some(asked) = call.params.get("username")
        && !asked.eq_ignore_ascii_case(&call.caller().email)
    {
        return Err(SubsonicError::not_authorized(
            "Only your own playlists are listed here.",
        ));
    }
    let user = call.user();
    let own = call
        .subsonic
        .library
        .playlists_of(user, Some(user), None, MAX_PLAYLISTS)
        .await?;
    let mut nodes = Vec::new();
    for playlist in &own.items {
        let songs = items(call, playlist.id).await?;
        nodes.push(playlist_node(
            playlist,
            &owner_label(call, playlist),
            total_duration(&songs),
        ));
    }
    for auto in call.subsonic.discovery.playlists().await? {
        nodes.push(
            Node::new()
                .attr("id", Id::AutoPlaylist(auto.id).to_string())
                .attr("name", &auto.title)
                .attr("comment", "Made by Ampli")
                .attr("owner", AUTO_OWNER)
                .attr("public", true)
                .attr("songCount", auto.item_count)
                .attr("duration", 0)
                .attr("created", time(auto.updated_at))
                .attr("changed", time(auto.updated_at))
                .attr("readonly", true),
        );
    }
    Ok(Reply::Body(
        Node::new().child("playlists", Node::new().list("playlist", nodes)),
    ))
}

pub async fn playlist(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let node = match Id::require(call.params.required("id")?)? {
        Id::Playlist(id) => playlist_with_songs(call, id).await?,
        Id::AutoPlaylist(id) => {
            let auto = call
                .subsonic
                .discovery
                .playlist(id, Some(call.user()))
                .await?;
            Node::new()
                .attr("id", Id::AutoPlaylist(id).to_string())
                .attr("name", &auto.playlist.title)
                .attr("comment", "Made by Ampli")
                .attr("owner", AUTO_OWNER)
                .attr("public", true)
                .attr("songCount", auto.songs.len())
                .attr("duration", total_duration(&auto.songs))
                .attr("created", time(auto.playlist.updated_at))
                .attr("changed", time(auto.playlist.updated_at))
                .attr("readonly", true)
                .list("entry", auto.songs.iter().map(songs::song).collect())
        }
        _ => return Err(SubsonicError::not_found("Playlist")),
    };
    Ok(Reply::Body(Node::new().child("playlist", node)))
}

async fn playlist_with_songs(call: &Call<'_>, id: Uuid) -> Result<Node, SubsonicError> {
    let view = call
        .subsonic
        .library
        .playlist(id, Some(call.user()))
        .await?;
    let songs = items(call, id).await?;
    Ok(
        playlist_node(&view, &owner_label(call, &view), total_duration(&songs))
            .list("entry", songs.iter().map(songs::song).collect()),
    )
}

/// The caller's playlist named by `name`, or error 50 for an auto-generated list.
fn own_playlist_id(call: &Call<'_>, name: &'static str) -> Result<Uuid, SubsonicError> {
    match Id::require(call.params.required(name)?)? {
        Id::Playlist(id) => Ok(id),
        Id::AutoPlaylist(_) => Err(SubsonicError::not_authorized(
            "Auto-generated playlists are read-only.",
        )),
        _ => Err(SubsonicError::not_found("Playlist")),
    }
}

/// The song ids of a repeated parameter, every one checked to exist before anything changes.
async fn song_ids(call: &Call<'_>, name: &str) -> Result<Vec<Uuid>, SubsonicError> {
    let mut ids = Vec::new();
    for raw in call.params.all(name) {
        match Id::parse(raw) {
            Some(Id::Song(id)) => ids.push(id),
            _ => return Err(SubsonicError::not_found("Song")),
        }
    }
    let mut distinct = ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if !distinct.is_empty() {
        let found = call.subsonic.catalog.song_answers(&distinct, None).await?;
        if found.len() != distinct.len() {
            return Err(SubsonicError::not_found("Song"));
        }
    }
    Ok(ids)
}

/// Adds songs at the end; one the playlist has already is left where it is.
async fn add_songs(call: &Call<'_>, playlist: Uuid, songs: &[Uuid]) -> Result<(), SubsonicError> {
    for song in songs {
        match call
            .subsonic
            .library
            .add_item(playlist, call.user(), *song, None)
            .await
        {
            Ok(_) | Err(crate::library::LibraryError::AlreadyInPlaylist) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}

/// `name` makes a new (private) playlist; `playlistId` replaces an existing one's songs.
pub async fn create(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let songs = song_ids(call, "songId").await?;
    let library = &call.subsonic.library;
    let user = call.user();
    let id = if call.params.has("playlistId") {
        let id = own_playlist_id(call, "playlistId")?;
        if let Some(name) = call.params.get("name") {
            library.change_playlist(id, user, Some(name), None).await?;
        }
        for song in items(call, id).await? {
            library.remove_item(id, user, song.id).await?;
        }
        id
    } else {
        let name = call.params.required("name")?;
        library
            .create_playlist(user, name, Some("private"))
            .await?
            .id
    };
    add_songs(call, id, &songs).await?;
    let node = playlist_with_songs(call, id).await?;
    Ok(Reply::Body(Node::new().child("playlist", node)))
}

pub async fn update(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = own_playlist_id(call, "playlistId")?;
    let library = &call.subsonic.library;
    let user = call.user();
    let add = song_ids(call, "songIdToAdd").await?;
    let mut remove = Vec::new();
    for raw in call.params.all("songIndexToRemove") {
        let index: usize = raw
            .trim()
            .parse()
            .map_err(|_| SubsonicError::invalid("songIndexToRemove must be a number."))?;
        remove.push(index);
    }
    let visibility = call
        .params
        .flag("public")
        .map(|public| if public { "public" } else { "private" });
    // Renaming also checks that the caller owns it before anything else changes.
    library
        .change_playlist(id, user, call.params.get("name"), visibility)
        .await?;
    if !remove.is_empty() {
        let current = items(call, id).await?;
        if remove.iter().any(|&index| index >= current.len()) {
            return Err(SubsonicError::invalid("songIndexToRemove is past the end."));
        }
        remove.sort_unstable();
        remove.dedup();
        for index in remove {
            library.remove_item(id, user, current[index].id).await?;
        }
    }
    add_songs(call, id, &add).await?;
    Ok(Reply::Empty)
}

pub async fn delete(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = own_playlist_id(call, "id")?;
    call.subsonic
        .library
        .delete_playlist(id, call.user())
        .await?;
    Ok(Reply::Empty)
}
