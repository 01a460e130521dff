//! Every Subsonic method Ampli knows, by the spec's groups: `system`, `browsing` (with `info`:
//! artist and album information, top and similar songs), `lists`, `searching`, `playlists`,
//! `media`, `annotation`, `sharing`. The table below is the one place a method is named: it
//! routes the call, labels its metrics and says whether it needs a sign-in.
//! Methods Ampli does not offer (podcasts, radio, jukebox, chat, video, user administration)
//! are listed too, so that they get a proper Subsonic error rather than an HTML 404.

pub mod annotation;
mod browsing;
mod info;
mod lists;
mod media;
mod playlists;
mod searching;
mod sharing;
mod system;

use super::error::SubsonicError;
use super::positions::SKIP_STEP;
use super::{Call, Reply};
use crate::catalog::{SongCursor, SongFilter, SongView};
use crate::http::pagination::decode_cursor;

/// `count` songs of `filter`'s list from `offset`, answered for the caller: offset paging
/// over the catalog's keyset pages, an unreached offset walked to in index-only steps.
async fn song_window(
    call: &Call<'_>,
    list: &str,
    filter: &SongFilter,
    offset: i64,
    count: i64,
) -> Result<Vec<SongView>, SubsonicError> {
    let catalog = &call.subsonic.catalog;
    let viewer = Some(call.user());
    call.subsonic
        .positions
        .page_skipping(
            list,
            offset,
            count,
            |cursor, limit| async move {
                let after: Option<SongCursor> = decode_cursor(cursor.as_deref())?;
                Ok::<_, SubsonicError>(
                    catalog
                        .song_page(filter, after.as_ref(), limit, viewer)
                        .await?,
                )
            },
            |cursor, rows| async move {
                let after: Option<SongCursor> = decode_cursor(cursor.as_deref())?;
                Ok::<_, SubsonicError>(
                    catalog
                        .song_cursor_after(filter, after.as_ref(), rows)
                        .await?,
                )
            },
            SKIP_STEP,
        )
        .await
}

/// One method: its name, its metrics label, and whether it needs a signed-in caller.
pub struct Method {
    pub name: &'static str,
    pub label: &'static str,
    pub needs_sign_in: bool,
    /// False for the methods Ampli answers with "not offered".
    pub offered: bool,
}

macro_rules! methods {
    (
        open { $($open:literal => $open_handler:path,)* }
        signed_in { $($name:literal => $handler:path,)* }
        not_offered { $($absent:literal,)* }
    ) => {
        pub const METHODS: &[Method] = &[
            $(Method { name: $open, label: concat!("/rest/", $open), needs_sign_in: false, offered: true },)*
            $(Method { name: $name, label: concat!("/rest/", $name), needs_sign_in: true, offered: true },)*
            $(Method { name: $absent, label: "/rest/(not offered)", needs_sign_in: false, offered: false },)*
        ];

        pub async fn dispatch(method: &Method, call: &Call<'_>) -> Result<Reply, SubsonicError> {
            match method.name {
                $($open => $open_handler(call).await,)*
                $($name => $handler(call).await,)*
                _ => Err(SubsonicError::not_offered(method.name)),
            }
        }
    };
}

methods! {
    open {
        "getOpenSubsonicExtensions" => system::extensions,
    }
    signed_in {
        "ping" => system::ping,
        "getLicense" => system::license,
        "tokenInfo" => system::token_info,
        "getUser" => system::user,
        "getScanStatus" => system::scan_status,
        "startScan" => system::scan_status,
        "getMusicFolders" => browsing::music_folders,
        "getIndexes" => browsing::indexes,
        "getArtists" => browsing::artists,
        "getMusicDirectory" => browsing::music_directory,
        "getArtist" => browsing::artist,
        "getAlbum" => browsing::album,
        "getSong" => browsing::song,
        "getGenres" => browsing::genres,
        "getArtistInfo" => info::artist_info,
        "getArtistInfo2" => info::artist_info2,
        "getAlbumInfo" => info::album_info,
        "getAlbumInfo2" => info::album_info,
        "getTopSongs" => info::top_songs,
        "getSimilarSongs" => info::similar_songs,
        "getSimilarSongs2" => info::similar_songs2,
        "getAlbumList" => lists::album_list,
        "getAlbumList2" => lists::album_list2,
        "getRandomSongs" => lists::random_songs,
        "getSongsByGenre" => lists::songs_by_genre,
        "getStarred" => lists::starred,
        "getStarred2" => lists::starred2,
        "getNowPlaying" => annotation::now_playing,
        "search2" => searching::search2,
        "search3" => searching::search3,
        "getPlaylists" => playlists::playlists,
        "getPlaylist" => playlists::playlist,
        "createPlaylist" => playlists::create,
        "updatePlaylist" => playlists::update,
        "deletePlaylist" => playlists::delete,
        "stream" => media::stream,
        "download" => media::download,
        "getCoverArt" => media::cover_art,
        "getAvatar" => media::avatar,
        "getLyrics" => media::lyrics,
        "getLyricsBySongId" => media::lyrics_by_song_id,
        "star" => annotation::star,
        "unstar" => annotation::unstar,
        "setRating" => annotation::set_rating,
        "scrobble" => annotation::scrobble,
        "getBookmarks" => annotation::bookmarks,
        "createBookmark" => annotation::create_bookmark,
        "deleteBookmark" => annotation::delete_bookmark,
        "getPlayQueue" => annotation::play_queue,
        "savePlayQueue" => annotation::save_play_queue,
        "getPlayQueueByIndex" => annotation::play_queue_by_index,
        "savePlayQueueByIndex" => annotation::save_play_queue_by_index,
        "createShare" => sharing::create,
        "getShares" => sharing::list,
        "updateShare" => sharing::update,
        "deleteShare" => sharing::delete,
    }
    not_offered {
        "getPodcasts", "getNewestPodcasts", "refreshPodcasts", "createPodcastChannel",
        "deletePodcastChannel", "deletePodcastEpisode", "downloadPodcastEpisode", "getPodcastEpisode",
        "getInternetRadioStations", "createInternetRadioStation", "updateInternetRadioStation",
        "deleteInternetRadioStation", "jukeboxControl", "getChatMessages", "addChatMessage",
        "getVideos", "getVideoInfo", "getCaptions", "hls", "getUsers", "createUser", "updateUser",
        "deleteUser", "changePassword", "search", "getTranscodeDecision", "getTranscodeStream", "reportPlayback",
    }
}
