//! The library: a listener's own music. Playlists (ordered, public or private) and their
//! items, likes and favourites, listening history with resume, and what each listener did
//! with each song (`ViewerStates` in `viewer.rs`, handed to the catalog at start so that every
//! song answer shows it).
//!
//! Depends on the catalog (a song exists; songs become answers through
//! `Catalog::song_answers`, with the caller as viewer), on accounts (who calls: `AuthUser`,
//! `MaybeAuthUser`) and on the http toolkit (errors, JSON, pagination). The service below is
//! what the routes call: handlers in `routes/` (`playlists`, `playlist_items`, `collections`
//! for likes and favourites, `history`), all the SQL in `store/` (the same four, and `viewer`),
//! the answers in `views.rs`, the errors in `error.rs`.

mod error;
mod marks;
mod routes;
mod shares;
mod store;
mod viewer;
mod views;

use std::sync::Arc;

use axum::extract::FromRef;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::accounts::Accounts;
use crate::catalog::Catalog;
use crate::catalog::SongView;
use crate::catalog::pair_in_order;
use crate::http::pagination::{self, Page};
pub use error::LibraryError;
use error::invalid;
pub use marks::{MAX_QUEUE, MarkTarget, PlayQueue};
pub use shares::{ShareView, Shared, share_path};
pub use store::collections::Collection;
use store::playlists::PlaylistRow;
pub use viewer::ViewerStates;
pub use views::{CollectedSong, HistoryEntry, PlaylistItem, PlaylistView};

/// The library's service: every library operation, whoever asks (its routes, other
/// capabilities above it).
pub struct Library {
    pub db: PgPool,
    pub catalog: Arc<Catalog>,
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Library>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    use routes::{collections, history, playlist_items, playlists, shares};
    OpenApiRouter::new()
        .routes(routes!(playlists::create_playlist))
        .routes(routes!(
            playlists::get_playlist,
            playlists::update_playlist,
            playlists::delete_playlist
        ))
        .routes(routes!(playlists::my_playlists))
        .routes(routes!(playlists::user_playlists))
        .routes(routes!(
            playlist_items::list_items,
            playlist_items::add_item
        ))
        .routes(routes!(
            playlist_items::move_item,
            playlist_items::remove_item
        ))
        .routes(routes!(collections::like, collections::unlike))
        .routes(routes!(collections::favorite, collections::unfavorite))
        .routes(routes!(collections::my_likes))
        .routes(routes!(collections::my_favorites))
        .routes(routes!(history::list_history, history::clear_history))
        .routes(routes!(history::report_progress, history::forget_song))
        .routes(routes!(shares::open_share))
}

/// A keyset position in a list ordered by time, newest first.
pub type After = Option<(DateTime<Utc>, Uuid)>;

impl Library {
    pub fn new(db: PgPool, catalog: Arc<Catalog>) -> Self {
        Self { db, catalog }
    }

    /// The playlist if `viewer` may see it: a private one exists for its owner only, so
    /// everyone else, administrators included, is told there is no such playlist.
    async fn visible(&self, id: Uuid, viewer: Option<Uuid>) -> Result<PlaylistRow, LibraryError> {
        let playlist = store::playlists::find(&self.db, id)
            .await?
            .ok_or(LibraryError::PlaylistNotFound)?;
        if playlist.is_private() && viewer != Some(playlist.ownerid) {
            return Err(LibraryError::PlaylistNotFound);
        }
        Ok(playlist)
    }

    /// The playlist if `caller` may change it: its owner only.
    async fn owned(&self, id: Uuid, caller: Uuid) -> Result<PlaylistRow, LibraryError> {
        let playlist = self.visible(id, Some(caller)).await?;
        if playlist.ownerid != caller {
            return Err(LibraryError::NotOwner);
        }
        Ok(playlist)
    }

    async fn reread(&self, id: Uuid) -> Result<PlaylistView, LibraryError> {
        let playlist = store::playlists::find(&self.db, id).await?;
        Ok(playlist.ok_or(LibraryError::PlaylistNotFound)?.into())
    }

    pub async fn create_playlist(
        &self,
        owner: Uuid,
        title: &str,
        visibility: Option<&str>,
    ) -> Result<PlaylistView, LibraryError> {
        let title = check_title(title)?;
        let visibility = check_visibility(visibility.unwrap_or("public"))?;
        let id = store::playlists::create(&self.db, owner, title, visibility).await?;
        self.reread(id).await
    }

    pub async fn playlist(
        &self,
        id: Uuid,
        viewer: Option<Uuid>,
    ) -> Result<PlaylistView, LibraryError> {
        Ok(self.visible(id, viewer).await?.into())
    }

    /// Renames the playlist or changes its visibility (either left as is when `None`).
    pub async fn change_playlist(
        &self,
        id: Uuid,
        caller: Uuid,
        title: Option<&str>,
        visibility: Option<&str>,
    ) -> Result<PlaylistView, LibraryError> {
        self.owned(id, caller).await?;
        let title = title.map(check_title).transpose()?;
        let visibility = visibility.map(check_visibility).transpose()?;
        store::playlists::update(&self.db, id, title, visibility).await?;
        self.reread(id).await
    }

    pub async fn delete_playlist(&self, id: Uuid, caller: Uuid) -> Result<(), LibraryError> {
        self.owned(id, caller).await?;
        Ok(store::playlists::delete(&self.db, id).await?)
    }

    /// An owner's playlists, newest first: the private ones too when the viewer is the owner.
    pub async fn playlists_of(
        &self,
        owner: Uuid,
        viewer: Option<Uuid>,
        after: After,
        limit: i64,
    ) -> Result<Page<PlaylistView>, LibraryError> {
        let include_private = viewer == Some(owner);
        let rows =
            store::playlists::list_for_owner(&self.db, owner, include_private, after, limit + 1)
                .await?;
        let (rows, next_cursor) =
            pagination::finish_page(rows, limit, |last| (last.createdat, last.playlistid));
        Ok(Page {
            items: rows.into_iter().map(PlaylistView::from).collect(),
            next_cursor,
        })
    }

    /// A playlist's songs in order from position `from`, answered for `viewer`.
    pub async fn playlist_items(
        &self,
        id: Uuid,
        viewer: Option<Uuid>,
        from: i32,
        limit: i64,
    ) -> Result<Page<PlaylistItem>, LibraryError> {
        self.visible(id, viewer).await?;
        let rows = store::items::page(&self.db, id, from, limit + 1).await?;
        let (rows, next_cursor) = pagination::finish_page(rows, limit, |last| last.position + 1);
        let items = self.answered(rows, |row| row.songid, viewer).await?;
        Ok(Page {
            items: items
                .into_iter()
                .map(|(row, song)| PlaylistItem {
                    position: row.position,
                    added_at: row.addedat,
                    song,
                })
                .collect(),
            next_cursor,
        })
    }

    /// Adds a song at `position` (default: the end); answers the position it took.
    pub async fn add_item(
        &self,
        id: Uuid,
        caller: Uuid,
        song: Uuid,
        position: Option<i64>,
    ) -> Result<i32, LibraryError> {
        self.owned(id, caller).await?;
        self.catalog.require_song(song).await?;
        store::items::add(&self.db, id, song, position).await
    }

    pub async fn move_item(
        &self,
        id: Uuid,
        caller: Uuid,
        song: Uuid,
        to: i64,
    ) -> Result<i32, LibraryError> {
        self.owned(id, caller).await?;
        store::items::move_to(&self.db, id, song, to).await
    }

    pub async fn remove_item(
        &self,
        id: Uuid,
        caller: Uuid,
        song: Uuid,
    ) -> Result<(), LibraryError> {
        self.owned(id, caller).await?;
        store::items::remove(&self.db, id, song).await
    }

    /// Puts a song in the user's likes or favourites (there already: no change).
    pub async fn collect(
        &self,
        collection: Collection,
        user: Uuid,
        song: Uuid,
    ) -> Result<(), LibraryError> {
        self.catalog.require_song(song).await?;
        Ok(store::collections::put(&self.db, collection, user, song).await?)
    }

    /// Takes a song out of the user's likes or favourites (not there: no change).
    pub async fn uncollect(
        &self,
        collection: Collection,
        user: Uuid,
        song: Uuid,
    ) -> Result<(), LibraryError> {
        self.catalog.require_song(song).await?;
        Ok(store::collections::remove(&self.db, collection, user, song).await?)
    }

    /// The user's likes or favourites, most recent first.
    pub async fn collection(
        &self,
        collection: Collection,
        user: Uuid,
        after: After,
        limit: i64,
    ) -> Result<Page<CollectedSong>, LibraryError> {
        let rows = store::collections::page(&self.db, collection, user, after, limit + 1).await?;
        let (rows, next_cursor) =
            pagination::finish_page(rows, limit, |last| (last.createdat, last.songid));
        let items = self.answered(rows, |row| row.songid, Some(user)).await?;
        Ok(Page {
            items: items
                .into_iter()
                .map(|(row, song)| CollectedSong {
                    added_at: row.createdat,
                    song,
                })
                .collect(),
            next_cursor,
        })
    }

    /// Records how far the user got in a song (seconds, up to its length): where it resumes.
    pub async fn report_progress(
        &self,
        user: Uuid,
        song: Uuid,
        progress: i64,
    ) -> Result<(), LibraryError> {
        let duration = self.catalog.song_answer(song, None).await?.duration;
        let duration = duration.unwrap_or(i32::MAX);
        if progress < 0 || progress > i64::from(duration) {
            return Err(invalid(
                "progress",
                format!("Progress is between 0 and the song's length ({duration} s)."),
            ));
        }
        Ok(store::history::record(&self.db, user, song, progress as i32).await?)
    }

    /// Recently played songs with their progress, newest first.
    pub async fn history(
        &self,
        user: Uuid,
        after: After,
        limit: i64,
    ) -> Result<Page<HistoryEntry>, LibraryError> {
        let rows = store::history::page(&self.db, user, after, limit + 1).await?;
        let (rows, next_cursor) =
            pagination::finish_page(rows, limit, |last| (last.lastplayedat, last.songid));
        let items = self.answered(rows, |row| row.songid, Some(user)).await?;
        Ok(Page {
            items: items
                .into_iter()
                .map(|(row, song)| HistoryEntry {
                    progress: row.progress.unwrap_or(0),
                    last_played_at: row.lastplayedat,
                    song,
                })
                .collect(),
            next_cursor,
        })
    }

    pub async fn clear_history(&self, user: Uuid) -> Result<(), LibraryError> {
        Ok(store::history::clear(&self.db, user).await?)
    }

    pub async fn forget_song(&self, user: Uuid, song: Uuid) -> Result<(), LibraryError> {
        Ok(store::history::forget(&self.db, user, song).await?)
    }

    /// `rows` that each name a song, paired with those songs' answers for `viewer`; a row
    /// whose song was deleted meanwhile is left out.
    async fn answered<R>(
        &self,
        rows: Vec<R>,
        song_of: impl Fn(&R) -> Uuid,
        viewer: Option<Uuid>,
    ) -> Result<Vec<(R, SongView)>, LibraryError> {
        let ids: Vec<Uuid> = rows.iter().map(&song_of).collect();
        let songs = self.catalog.song_answers(&ids, viewer).await?;
        Ok(pair_in_order(rows, song_of, songs))
    }
}

/// Counted as sent, as the schema (`openapi::text`) describes it, and stored trimmed.
fn check_title(title: &str) -> Result<&str, LibraryError> {
    crate::http::text::visible(title, 1, 255)
        .ok_or_else(|| invalid("title", "A title has 1 to 255 characters, not all spaces."))
}

fn check_visibility(visibility: &str) -> Result<&'static str, LibraryError> {
    match visibility {
        "public" => Ok("public"),
        "private" => Ok("private"),
        _ => Err(invalid("visibility", "Visibility is public or private.")),
    }
}
