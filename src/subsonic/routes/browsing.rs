//! Browsing by tags (`getArtists` → `getArtist` → `getAlbum` → `getSong`) and by folders
//! (`getIndexes` → `getMusicDirectory`), which apps use alike. Ampli has one music folder
//! holding everything; its "directories" are artists, then albums, then songs.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::catalog::{AlbumFilter, AlbumSort, ArtistRow, SongView};
use crate::http::pagination::{self, decode_cursor};
use crate::subsonic::error::SubsonicError;
use crate::subsonic::ids::{self, Id};
use crate::subsonic::response::Node;
use crate::subsonic::songs::{self, Marks};
use crate::subsonic::{Call, Reply};

/// Most artists an index lists, and albums an artist page lists.
const MAX_ARTISTS: usize = 20_000;
const MAX_ARTIST_ALBUMS: i64 = 500;
const IGNORED_ARTICLES: &str = "The El La Los Las Le Les";

pub async fn music_folders(_call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let folder = Node::new().attr("id", 1).attr("name", "Ampli");
    Ok(Reply::Body(Node::new().child(
        "musicFolders",
        Node::new().list("musicFolder", vec![folder]),
    )))
}

/// Every artist by name, up to `MAX_ARTISTS`.
async fn every_artist(call: &Call<'_>) -> Result<Vec<ArtistRow>, SubsonicError> {
    let catalog = &call.subsonic.catalog;
    let mut artists = Vec::new();
    let mut after: Option<(String, Uuid)> = None;
    loop {
        let page = catalog.artists(after.take(), 500).await?;
        artists.extend(page.items);
        match page.next_cursor {
            Some(cursor) if artists.len() < MAX_ARTISTS => {
                after = decode_cursor(Some(&cursor)).map_err(SubsonicError::from)?;
            }
            _ => break,
        }
    }
    Ok(artists)
}

/// Artists grouped by the first letter of their name without a leading article.
fn index(artists: &[ArtistRow], marks: &Marks) -> Vec<Node> {
    let mut groups: BTreeMap<String, Vec<Node>> = BTreeMap::new();
    for artist in artists {
        let name = artist.name.trim();
        let sortable = IGNORED_ARTICLES
            .split(' ')
            .find_map(|article| {
                name.strip_prefix(article)
                    .and_then(|rest| rest.strip_prefix(' '))
            })
            .unwrap_or(name);
        let letter = sortable
            .chars()
            .next()
            .filter(|c| c.is_alphabetic())
            .map_or_else(|| "#".to_owned(), |c| c.to_uppercase().collect());
        groups
            .entry(letter)
            .or_default()
            .push(songs::artist(artist, None, marks));
    }
    groups
        .into_iter()
        .map(|(letter, artists)| Node::new().attr("name", letter).list("artist", artists))
        .collect()
}

pub(super) async fn artist_marks(call: &Call<'_>, ids: &[Uuid]) -> Result<Marks, SubsonicError> {
    Ok(call.subsonic.library.marks(call.user(), true, ids).await?)
}

pub(super) async fn album_marks(call: &Call<'_>, ids: &[Uuid]) -> Result<Marks, SubsonicError> {
    Ok(call.subsonic.library.marks(call.user(), false, ids).await?)
}

pub async fn artists(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let artists = every_artist(call).await?;
    let ids: Vec<Uuid> = artists.iter().map(|a| a.artistid).collect();
    let marks = artist_marks(call, &ids).await?;
    Ok(Reply::Body(
        Node::new().child(
            "artists",
            Node::new()
                .attr("ignoredArticles", IGNORED_ARTICLES)
                .list("index", index(&artists, &marks)),
        ),
    ))
}

pub async fn indexes(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let artists = every_artist(call).await?;
    let last_modified = artists
        .iter()
        .map(|a| a.updatedat.timestamp_millis())
        .max()
        .unwrap_or(0);
    let ids: Vec<Uuid> = artists.iter().map(|a| a.artistid).collect();
    let marks = artist_marks(call, &ids).await?;
    Ok(Reply::Body(
        Node::new().child(
            "indexes",
            Node::new()
                .attr("lastModified", last_modified)
                .attr("ignoredArticles", IGNORED_ARTICLES)
                .list("index", index(&artists, &marks)),
        ),
    ))
}

/// An artist's albums (year order) and the singles of their album-less songs.
async fn artist_albums(call: &Call<'_>, artist: Uuid) -> Result<Vec<Node>, SubsonicError> {
    let catalog = &call.subsonic.catalog;
    let filter = AlbumFilter {
        artist: Some(artist),
        sort: AlbumSort::Year,
        ..AlbumFilter::default()
    };
    let albums = catalog
        .album_page(&filter, None, MAX_ARTIST_ALBUMS)
        .await?
        .items;
    let ids: Vec<Uuid> = albums.iter().map(|a| a.id).collect();
    let marks = album_marks(call, &ids).await?;
    let mut nodes: Vec<Node> = albums.iter().map(|a| songs::album(a, &marks)).collect();
    let singles = catalog
        .artist_songs(artist, pagination::MAX_LIMIT, Some(call.user()))
        .await?;
    nodes.extend(
        singles
            .iter()
            .filter(|song| song.album.is_none())
            .map(songs::single),
    );
    Ok(nodes)
}

pub(super) fn artist_id(call: &Call<'_>) -> Result<Uuid, SubsonicError> {
    match Id::require(call.params.required("id")?)? {
        Id::Artist(id) => Ok(id),
        _ => Err(SubsonicError::not_found("Artist")),
    }
}

pub async fn artist(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = artist_id(call)?;
    let row = call.subsonic.catalog.artist(id).await?;
    let albums = artist_albums(call, id).await?;
    let marks = artist_marks(call, &[id]).await?;
    let node = songs::artist(&row, Some(albums.len() as i64), &marks).list("album", albums);
    Ok(Reply::Body(Node::new().child("artist", node)))
}

/// An album (or a single) with its songs in order, as `getAlbum` and the folder view need.
pub async fn album_with_songs(
    call: &Call<'_>,
    id: Id,
) -> Result<(Node, Vec<SongView>), SubsonicError> {
    let viewer = Some(call.user());
    match id {
        Id::Album(album) => {
            let detail = call.subsonic.catalog.album_answer(album, viewer).await?;
            let marks = album_marks(call, &[album]).await?;
            Ok((songs::album(&detail.album, &marks), detail.songs))
        }
        Id::Single(song) => {
            let song = call.subsonic.catalog.song_answer(song, viewer).await?;
            if song.album.is_some() {
                return Err(SubsonicError::not_found("Album"));
            }
            Ok((songs::single(&song), vec![song]))
        }
        _ => Err(SubsonicError::not_found("Album")),
    }
}

pub async fn album(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = Id::require(call.params.required("id")?)?;
    let (album, tracks) = album_with_songs(call, id).await?;
    let node = album.list("song", tracks.iter().map(songs::song).collect());
    Ok(Reply::Body(Node::new().child("album", node)))
}

pub fn song_id(call: &Call<'_>, name: &'static str) -> Result<Uuid, SubsonicError> {
    match Id::require(call.params.required(name)?)? {
        Id::Song(id) => Ok(id),
        _ => Err(SubsonicError::not_found("Song")),
    }
}

pub async fn song(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = song_id(call, "id")?;
    let song = call
        .subsonic
        .catalog
        .song_answer(id, Some(call.user()))
        .await?;
    Ok(Reply::Body(Node::new().child("song", songs::song(&song))))
}

pub async fn genres(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let genres = call.subsonic.catalog.genres().await?;
    let nodes = genres
        .into_iter()
        .map(|genre| {
            Node::new()
                .attr("songCount", genre.song_count)
                .attr("albumCount", genre.album_count)
                .text(genre.name)
        })
        .collect();
    Ok(Reply::Body(
        Node::new().child("genres", Node::new().list("genre", nodes)),
    ))
}

/// A folder: the music folder's artists are `getIndexes`; an artist holds albums; an album
/// holds songs.
pub async fn music_directory(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let raw = call.params.required("id")?;
    let id = Id::require(raw)?;
    let directory = match id {
        Id::Artist(artist) => {
            let row = call.subsonic.catalog.artist(artist).await?;
            let albums = artist_albums(call, artist).await?;
            let children = albums
                .into_iter()
                .map(|album| as_folder(album, &ids::artist(artist)))
                .collect();
            Node::new()
                .attr("id", raw)
                .attr("name", &row.name)
                .list("child", children)
        }
        Id::Album(_) | Id::Single(_) => {
            let (album, tracks) = album_with_songs(call, id).await?;
            Node::new()
                .attr("id", raw)
                .attr("name", album.text_attr("name").unwrap_or_default())
                .list("child", tracks.iter().map(songs::song).collect())
        }
        _ => return Err(SubsonicError::not_found("Directory")),
    };
    Ok(Reply::Body(Node::new().child("directory", directory)))
}

/// An album as lists answer it: an `AlbumID3` element, or for the folder-style methods
/// (`getAlbumList`, `getStarred`, `search2`) a folder entry under its first artist.
pub fn album_entry(album: &crate::catalog::AlbumView, marks: &Marks, folder: bool) -> Node {
    let node = songs::album(album, marks);
    if !folder {
        return node;
    }
    let parent = album
        .artists
        .first()
        .map_or_else(|| "1".to_owned(), |a| ids::artist(a.artist_id));
    as_folder(node, &parent)
}

/// An album element as a folder entry (`Child` with `isDir`).
pub fn as_folder(album: Node, parent: &str) -> Node {
    let title = album.text_attr("name").unwrap_or_default();
    album
        .attr("isDir", true)
        .attr("title", title)
        .attr("parent", parent)
}
