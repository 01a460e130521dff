//! /api/v1/shares/{token}: what a share's link plays, to anyone holding the link.

use std::sync::Arc;

use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::SongView;
use crate::http::{ApiError, ApiJson, Problem};
use crate::library::{Library, LibraryError};

/// Tokens are 43 characters; anything much longer is no token of ours.
const MAX_TOKEN_CHARS: usize = 64;

/// A shared song with a link that streams it for a few minutes, no account needed.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SharedSong {
    #[serde(flatten)]
    song: SongView,
    stream_url: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpenedShare {
    /// song, album or playlist.
    kind: &'static str,
    description: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    songs: Vec<SharedSong>,
}

/// The songs a share plays, each with a short-lived stream link. Not found once the share has
/// expired or was deleted.
#[utoipa::path(get, path = "/api/v1/shares/{token}", tag = "shares",
    params(("token" = String, Path, description = "The share's token, from its link")),
    responses((status = 200, body = OpenedShare), (status = 404, body = Problem)))]
pub async fn open_share(
    State(library): State<Arc<Library>>,
    Path(token): Path<String>,
) -> Result<ApiJson<OpenedShare>, ApiError> {
    if token.len() > MAX_TOKEN_CHARS {
        return Err(LibraryError::ShareNotFound.into());
    }
    let share = library.open_share(&token).await?;
    let mut songs = Vec::with_capacity(share.songs.len());
    for song in share.songs {
        let link = library.catalog.stream_link(song.id, "original").await;
        if let Ok(link) = link {
            songs.push(SharedSong {
                stream_url: link.url,
                song,
            });
        }
    }
    Ok(ApiJson(OpenedShare {
        kind: match share.shared {
            crate::library::Shared::Song(_) => "song",
            crate::library::Shared::Album(_) => "album",
            crate::library::Shared::Playlist(_) => "playlist",
        },
        description: share.description,
        expires_at: share.expires_at,
        songs,
    }))
}
