//! What the catalog tells the capabilities above it, without importing them: the composition
//! root hands it a listener (discovery's, to keep its lists fresh after an upload).

use std::sync::Arc;

use futures_util::future::BoxFuture;
use uuid::Uuid;

use super::Catalog;

/// A song just added (uploaded, or added by `ampli demo`), after its transaction committed.
#[derive(Debug, Clone, Copy)]
pub struct AddedSong<'a> {
    pub id: Uuid,
    pub category: &'a str,
    /// Its genres as named.
    pub genres: &'a [String],
}

pub trait SongListener: Send + Sync {
    /// Called once per added song; a listener logs its own failures (the song is added
    /// whatever it does).
    fn song_added<'a>(&'a self, song: AddedSong<'a>) -> BoxFuture<'a, ()>;
}

impl Catalog {
    /// Sets the listener told of each added song; the first one set stays.
    pub fn listen_for_songs(&self, listener: Arc<dyn SongListener>) {
        let _ = self.song_listener.set(listener);
    }

    pub(super) async fn tell_song_added(&self, song: AddedSong<'_>) {
        if let Some(listener) = self.song_listener.get() {
            listener.song_added(song).await;
        }
    }
}
