//! The one way songs become answers: ids in, `SongView`s out in the same order, each with
//! what the signed-in caller did with it. Every route that answers songs comes through here,
//! so no list can forget the caller's state.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use uuid::Uuid;

use super::store::songs::{self as store, SongCursor, SongFilter};
use super::views::{SongView, ViewerState};
use super::{Catalog, CatalogError};
use crate::http::pagination::{self, Page};

/// What a listener did with songs (liked, favourited, where they stopped). The library keeps
/// those; the composition root hands its lookup to the catalog, so that the catalog answers
/// songs without importing the library above it.
pub trait ViewerLookup: Send + Sync {
    /// The caller's state for each of `songs`; a song missing from the map has none.
    fn states<'a>(
        &'a self,
        user: Uuid,
        songs: &'a [Uuid],
    ) -> BoxFuture<'a, sqlx::Result<HashMap<Uuid, ViewerState>>>;
}

pub type Viewer = Arc<dyn ViewerLookup>;

impl Catalog {
    /// Answers for `ids`, in their order; a song deleted meanwhile is left out. With a
    /// `viewer`, every answer carries `viewer` (the default state where they did nothing).
    pub async fn song_answers(
        &self,
        ids: &[Uuid],
        viewer: Option<Uuid>,
    ) -> Result<Vec<SongView>, CatalogError> {
        let rows = store::find_many(&self.db, ids).await?;
        let states = match viewer {
            Some(user) if !rows.is_empty() => Some(self.viewer.states(user, ids).await?),
            Some(_) => Some(HashMap::new()),
            None => None,
        };
        Ok(ids
            .iter()
            .filter_map(|id| {
                // Cloned rather than taken: an id may stand twice in a list.
                let mut view = SongView::from(rows.get(id)?.clone());
                if let Some(states) = &states {
                    view.viewer = Some(states.get(id).copied().unwrap_or_default());
                }
                Some(view)
            })
            .collect())
    }

    /// One page of songs as `filter` picks and orders them, after `after`, answered for
    /// `viewer`; its cursor continues the same order.
    pub async fn song_page(
        &self,
        filter: &SongFilter,
        after: Option<&SongCursor>,
        limit: i64,
        viewer: Option<Uuid>,
    ) -> Result<Page<SongView>, CatalogError> {
        let rows = self
            .reads
            .run(|db| async move { store::list(&db, filter, after, limit + 1).await })
            .await?;
        let (rows, next_cursor) = pagination::finish_page(rows, limit, |last| SongCursor {
            created: Some(last.createdat),
            plays: Some(last.playcount.unwrap_or(0)),
            id: last.songid,
        });
        let ids: Vec<Uuid> = rows.iter().map(|row| row.songid).collect();
        let items = self.song_answers(&ids, viewer).await?;
        Ok(Page { items, next_cursor })
    }

    /// The cursor `skip` songs further into `filter`'s order than `after` (as a page of
    /// `skip` songs would end), or none when the list ends before; reads only the order's
    /// index, so an offset deep into a million songs is reached in few steps.
    pub async fn song_cursor_after(
        &self,
        filter: &SongFilter,
        after: Option<&SongCursor>,
        skip: i64,
    ) -> Result<Option<String>, CatalogError> {
        let rows = store::positions_after(&self.db, filter, after, skip).await?;
        let (_, next) = pagination::finish_page(rows, 1, |last| SongCursor {
            created: Some(last.createdat),
            plays: Some(last.playcount.unwrap_or(0)),
            id: last.songid,
        });
        Ok(next)
    }

    /// `SongNotFound` unless the song exists: for routes that act on a song by id.
    pub async fn require_song(&self, id: Uuid) -> Result<(), CatalogError> {
        if store::exists(&self.db, id).await? {
            Ok(())
        } else {
            Err(CatalogError::SongNotFound)
        }
    }

    /// One song's answer, or `SongNotFound`.
    pub async fn song_answer(
        &self,
        id: Uuid,
        viewer: Option<Uuid>,
    ) -> Result<SongView, CatalogError> {
        self.song_answers(&[id], viewer)
            .await?
            .pop()
            .ok_or(CatalogError::SongNotFound)
    }
}

/// Pairs rows that carry a song id with the answers made from those ids (in the same order,
/// some perhaps left out), dropping the rows whose song is gone.
pub fn pair_in_order<T>(
    rows: Vec<T>,
    song_of: impl Fn(&T) -> Uuid,
    answers: Vec<SongView>,
) -> Vec<(T, SongView)> {
    let mut answers = answers.into_iter().peekable();
    rows.into_iter()
        .filter_map(|row| {
            let view = answers.next_if(|view| view.id == song_of(&row))?;
            Some((row, view))
        })
        .collect()
}
