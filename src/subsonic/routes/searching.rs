//! `search2` and `search3` through Ampli's typo-tolerant search. An empty query (`""`, which
//! Symfonium and Feishin send to sync a library) lists everything in a stable order, paged
//! by offset over keyset pages (see `positions.rs`), so the last page costs what the first
//! does.

use uuid::Uuid;

use crate::catalog::{
    AlbumCursor, AlbumFilter, AlbumSort, AlbumView, ArtistRow, SongFilter, SongView,
};
use crate::http::pagination::{Page, decode_cursor};
use crate::search::SearchQuery;
use crate::search::query::MAX_LIMIT;
use crate::subsonic::error::SubsonicError;
use crate::subsonic::ids;
use crate::subsonic::response::Node;
use crate::subsonic::routes::browsing::album_entry;
use crate::subsonic::songs;
use crate::subsonic::{Call, Reply};

/// Most items of each kind one page answers.
const MAX_COUNT: i64 = 500;

/// What one search found, before it is shaped for search2 or search3.
struct Found {
    artists: Vec<(Uuid, String)>,
    albums: Vec<AlbumView>,
    songs: Vec<SongView>,
}

/// Counts and offsets of each kind.
struct Window {
    count: i64,
    offset: i64,
}

fn window(
    call: &Call<'_>,
    count: &'static str,
    offset: &'static str,
) -> Result<Window, SubsonicError> {
    Ok(Window {
        count: call.params.count(count, 20, MAX_COUNT)?,
        offset: call.params.count(offset, 0, i64::MAX)?,
    })
}

/// Whether the query asks for everything: nothing, or an empty pair of quotes.
fn is_everything(query: &str) -> bool {
    let query = query.trim();
    query.is_empty() || query == "\"\"" || query == "*"
}

async fn find(call: &Call<'_>) -> Result<Found, SubsonicError> {
    let query = call.params.get("query").unwrap_or("");
    let artists = window(call, "artistCount", "artistOffset")?;
    let albums = window(call, "albumCount", "albumOffset")?;
    let songs = window(call, "songCount", "songOffset")?;
    if is_everything(query) {
        return everything(call, &artists, &albums, &songs).await;
    }
    // A search ranks its best matches; offsets page within the best 50 of each kind.
    let reach = |w: &Window| (w.offset + w.count).min(MAX_LIMIT);
    let limit = reach(&artists)
        .max(reach(&albums))
        .max(reach(&songs))
        .max(1);
    let search = SearchQuery::parse(Some(query), Some("songs,albums,artists"), Some(limit))?;
    let results = call
        .subsonic
        .search
        .search(&search, Some(call.user()))
        .await?;
    let skip = |w: &Window| (w.offset as usize, w.count as usize);
    let (artist_skip, artist_take) = skip(&artists);
    let (album_skip, album_take) = skip(&albums);
    let (song_skip, song_take) = skip(&songs);
    Ok(Found {
        artists: results
            .artists
            .unwrap_or_default()
            .into_iter()
            .map(|artist| (artist.id, artist.name))
            .skip(artist_skip)
            .take(artist_take)
            .collect(),
        albums: results
            .albums
            .unwrap_or_default()
            .into_iter()
            .skip(album_skip)
            .take(album_take)
            .collect(),
        songs: results
            .songs
            .unwrap_or_default()
            .into_iter()
            .skip(song_skip)
            .take(song_take)
            .collect(),
    })
}

/// Every artist (by name), album (by title) and song (newest first), a window of each.
async fn everything(
    call: &Call<'_>,
    artists: &Window,
    albums: &Window,
    songs: &Window,
) -> Result<Found, SubsonicError> {
    let catalog = &call.subsonic.catalog;
    let positions = &call.subsonic.positions;
    let artist_rows: Vec<ArtistRow> = positions
        .page(
            "all:artists",
            artists.offset,
            artists.count,
            |cursor, limit| async move {
                let after: Option<(String, Uuid)> = decode_cursor(cursor.as_deref())?;
                Ok::<Page<ArtistRow>, SubsonicError>(catalog.artists(after, limit).await?)
            },
        )
        .await?;
    let album_filter = AlbumFilter {
        sort: AlbumSort::Title,
        ..AlbumFilter::default()
    };
    let album_filter = &album_filter;
    let album_views = positions
        .page(
            "all:albums",
            albums.offset,
            albums.count,
            |cursor, limit| async move {
                let after: Option<AlbumCursor> = decode_cursor(cursor.as_deref())?;
                Ok::<_, SubsonicError>(
                    catalog
                        .album_page(album_filter, after.as_ref(), limit)
                        .await?,
                )
            },
        )
        .await?;
    let song_views = super::song_window(
        call,
        "all:songs",
        &SongFilter::default(),
        songs.offset,
        songs.count,
    )
    .await?;
    Ok(Found {
        artists: artist_rows
            .into_iter()
            .map(|row| (row.artistid, row.name))
            .collect(),
        albums: album_views,
        songs: song_views,
    })
}

fn artist_node(id: Uuid, name: &str) -> Node {
    Node::new()
        .attr("id", ids::artist(id))
        .attr("name", name)
        .attr("coverArt", ids::artist(id))
}

async fn shaped(call: &Call<'_>, found: Found, folders: bool) -> Result<Node, SubsonicError> {
    let ids: Vec<Uuid> = found.albums.iter().map(|a| a.id).collect();
    let marks = call
        .subsonic
        .library
        .marks(call.user(), false, &ids)
        .await?;
    let albums = found
        .albums
        .iter()
        .map(|album| album_entry(album, &marks, folders))
        .collect();
    Ok(Node::new()
        .list(
            "artist",
            found
                .artists
                .iter()
                .map(|(id, name)| artist_node(*id, name))
                .collect(),
        )
        .list("album", albums)
        .list("song", found.songs.iter().map(songs::song).collect()))
}

pub async fn search3(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let found = find(call).await?;
    let node = shaped(call, found, false).await?;
    Ok(Reply::Body(Node::new().child("searchResult3", node)))
}

pub async fn search2(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let found = find(call).await?;
    let node = shaped(call, found, true).await?;
    Ok(Reply::Body(Node::new().child("searchResult2", node)))
}
