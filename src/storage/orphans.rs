//! The orphan sweep: files that no row points to (left by a crash between storing a file and
//! recording it, or between deleting a row and its files) are removed once they are older
//! than a grace period, so that uploads still in flight are never touched.

use std::time::Duration;

use chrono::Utc;
use futures_util::TryStreamExt;
use object_store::ObjectStore;
use object_store::path::Path as ObjectPath;
use sqlx::PgPool;
use uuid::Uuid;

use super::{Storage, store};

/// Files younger than this are never swept.
pub const GRACE: Duration = Duration::from_secs(3600);

impl Storage {
    /// Removes unreferenced song, album and picture files older than `grace`; answers how many.
    pub async fn sweep_orphans(&self, db: &PgPool, grace: Duration) -> anyhow::Result<u64> {
        let cutoff = Utc::now() - chrono::Duration::from_std(grace)?;
        let mut removed = 0;
        for top in ["songs", "avatars", "artists", "albums"] {
            let objects: Vec<_> = self
                .store
                .list(Some(&ObjectPath::from(top)))
                .try_collect()
                .await?;
            for object in objects {
                if object.last_modified > cutoff {
                    continue;
                }
                let key = object.location.to_string();
                if !self.is_referenced(db, &key).await? {
                    self.delete(&key).await?;
                    tracing::info!(key, "removed an orphaned media file");
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// Whether a row points at `key`: a song's original or rendition, a song's or an album's
    /// current poster, a user's or an artist's current picture.
    async fn is_referenced(&self, db: &PgPool, key: &str) -> anyhow::Result<bool> {
        let parts: Vec<&str> = key.split('/').collect();
        let prefix_of = |n: usize| parts[..n.min(parts.len())].join("/");
        let referenced = match parts.as_slice() {
            ["songs", song, file] => {
                let Ok(song) = song.parse::<Uuid>() else {
                    return Ok(false);
                };
                store::is_song_file(db, song, &format!("songs/{song}/{file}")).await?
            }
            ["songs", song, _poster, _size] => {
                let Ok(song) = song.parse::<Uuid>() else {
                    return Ok(false);
                };
                store::is_song_poster(db, song, &prefix_of(3)).await?
            }
            ["avatars", user, _avatar, _size] => {
                let Ok(user) = user.parse::<Uuid>() else {
                    return Ok(false);
                };
                store::is_user_avatar(db, user, &prefix_of(3)).await?
            }
            ["artists", artist, _avatar, _size] => {
                let Ok(artist) = artist.parse::<Uuid>() else {
                    return Ok(false);
                };
                store::is_artist_avatar(db, artist, &prefix_of(3)).await?
            }
            ["albums", album, _poster, _size] => {
                let Ok(album) = album.parse::<Uuid>() else {
                    return Ok(false);
                };
                store::is_album_poster(db, album, &prefix_of(3)).await?
            }
            _ => false,
        };
        Ok(referenced)
    }
}
