//! Lists: albums by kind (`getAlbumList`, `getAlbumList2`), random songs, songs of a genre,
//! and what the caller starred.

use uuid::Uuid;

use crate::catalog::{AlbumCursor, AlbumFilter, AlbumSort, AlbumView, SongFilter};
use crate::http::pagination::decode_cursor;
use crate::library::Collection;
use crate::subsonic::error::SubsonicError;
use crate::subsonic::response::Node;
use crate::subsonic::routes::browsing::album_entry;
use crate::subsonic::songs::{self, Marks};
use crate::subsonic::{Call, Reply};

/// Most items one list answers.
const MAX_SIZE: i64 = 500;
/// Most starred items of each kind `getStarred` answers.
const MAX_STARRED: i64 = 1_000;

/// The albums a `getAlbumList` type asks for, from `offset`.
async fn albums(call: &Call<'_>) -> Result<Vec<AlbumView>, SubsonicError> {
    let params = call.params;
    let kind = params.required("type")?;
    let size = params.count("size", 10, MAX_SIZE)?;
    let offset = params.count("offset", 0, i64::MAX)?;
    let catalog = &call.subsonic.catalog;
    let library = &call.subsonic.library;
    let user = call.user();
    let by_ids = |ids: Vec<Uuid>| async move {
        let ids: Vec<Uuid> = ids
            .into_iter()
            .skip(offset as usize)
            .take(size as usize)
            .collect();
        catalog.album_answers(&ids).await
    };
    let mut filter = AlbumFilter::default();
    match kind {
        "random" => return Ok(catalog.random_albums(size).await?),
        "newest" => filter.sort = AlbumSort::Newest,
        "frequent" => filter.sort = AlbumSort::Popular,
        "alphabeticalByName" => filter.sort = AlbumSort::Title,
        "alphabeticalByArtist" => filter.sort = AlbumSort::Artist,
        "byYear" => {
            let from = params
                .number::<i32>("fromYear")?
                .ok_or(SubsonicError::missing("fromYear"))?;
            let to = params
                .number::<i32>("toYear")?
                .ok_or(SubsonicError::missing("toYear"))?;
            filter.sort = AlbumSort::Year;
            filter.years = Some((from.min(to), from.max(to)));
        }
        "byGenre" => {
            filter.genre = Some(crate::media::names::match_key(params.required("genre")?));
            filter.sort = AlbumSort::Title;
        }
        "starred" => {
            let starred = library.starred(user, false, offset + size).await?;
            return Ok(by_ids(starred.into_iter().map(|(id, _)| id).collect()).await?);
        }
        "highest" => {
            let rated = library.top_rated_albums(user, offset + size).await?;
            return Ok(by_ids(rated).await?);
        }
        "recent" => {
            // Albums of the songs the caller played last, most recent first.
            let history = library.history(user, None, (offset + size) * 4).await?;
            let mut seen = Vec::new();
            for entry in history.items {
                if let Some(album) = entry.song.album
                    && !seen.contains(&album.id)
                {
                    seen.push(album.id);
                }
            }
            return Ok(by_ids(seen).await?);
        }
        _ => return Err(SubsonicError::invalid("Unknown list type.")),
    }
    let list = format!("albums:{kind}:{:?}:{:?}", filter.years, filter.genre);
    let filter = &filter;
    call.subsonic
        .positions
        .page(&list, offset, size, |cursor, limit| async move {
            let after: Option<AlbumCursor> = decode_cursor(cursor.as_deref())?;
            Ok::<_, SubsonicError>(catalog.album_page(filter, after.as_ref(), limit).await?)
        })
        .await
}

async fn marks_of(call: &Call<'_>, albums: &[AlbumView]) -> Result<Marks, SubsonicError> {
    let ids: Vec<Uuid> = albums.iter().map(|a| a.id).collect();
    Ok(call
        .subsonic
        .library
        .marks(call.user(), false, &ids)
        .await?)
}

pub async fn album_list2(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let albums = albums(call).await?;
    let marks = marks_of(call, &albums).await?;
    let nodes = albums.iter().map(|a| songs::album(a, &marks)).collect();
    Ok(Reply::Body(
        Node::new().child("albumList2", Node::new().list("album", nodes)),
    ))
}

pub async fn album_list(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let albums = albums(call).await?;
    let marks = marks_of(call, &albums).await?;
    let nodes = albums
        .iter()
        .map(|album| album_entry(album, &marks, true))
        .collect();
    Ok(Reply::Body(
        Node::new().child("albumList", Node::new().list("album", nodes)),
    ))
}

pub async fn random_songs(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let params = call.params;
    let size = params.count("size", 10, MAX_SIZE)?;
    let from = params.number::<i32>("fromYear")?;
    let to = params.number::<i32>("toYear")?;
    let years = match (from, to) {
        (None, None) => None,
        (from, to) => Some((from.unwrap_or(0), to.unwrap_or(9999))),
    };
    let tracks = call
        .subsonic
        .catalog
        .random_songs(size, params.get("genre"), years, Some(call.user()))
        .await?;
    Ok(Reply::Body(Node::new().child(
        "randomSongs",
        Node::new().list("song", tracks.iter().map(songs::song).collect()),
    )))
}

pub async fn songs_by_genre(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let params = call.params;
    let genre = crate::media::names::match_key(params.required("genre")?);
    let count = params.count("count", 10, MAX_SIZE)?;
    let offset = params.count("offset", 0, i64::MAX)?;
    let filter = SongFilter {
        genre: Some(genre.clone()),
        ..SongFilter::default()
    };
    let tracks = super::song_window(
        call,
        &format!("songs:genre:{genre}"),
        &filter,
        offset,
        count,
    )
    .await?;
    Ok(Reply::Body(Node::new().child(
        "songsByGenre",
        Node::new().list("song", tracks.iter().map(songs::song).collect()),
    )))
}

/// What the caller starred: artists, albums, and songs (their favourites).
async fn starred_nodes(call: &Call<'_>, folders: bool) -> Result<Node, SubsonicError> {
    let user = call.user();
    let library = &call.subsonic.library;
    let catalog = &call.subsonic.catalog;
    let artist_ids: Vec<Uuid> = library
        .starred(user, true, MAX_STARRED)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let artist_marks = library.marks(user, true, &artist_ids).await?;
    let mut artists = Vec::new();
    for id in &artist_ids {
        if let Ok(row) = catalog.artist(*id).await {
            artists.push(songs::artist(&row, None, &artist_marks));
        }
    }
    let album_ids: Vec<Uuid> = library
        .starred(user, false, MAX_STARRED)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let albums = catalog.album_answers(&album_ids).await?;
    let album_marks = library.marks(user, false, &album_ids).await?;
    let albums = albums
        .iter()
        .map(|album| album_entry(album, &album_marks, folders))
        .collect();
    let favourites = library
        .collection(Collection::Favorites, user, None, MAX_STARRED)
        .await?;
    let tracks = favourites
        .items
        .iter()
        .map(|item| songs::song(&item.song))
        .collect();
    Ok(Node::new()
        .list("artist", artists)
        .list("album", albums)
        .list("song", tracks))
}

pub async fn starred(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let node = starred_nodes(call, true).await?;
    Ok(Reply::Body(Node::new().child("starred", node)))
}

pub async fn starred2(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let node = starred_nodes(call, false).await?;
    Ok(Reply::Body(Node::new().child("starred2", node)))
}
