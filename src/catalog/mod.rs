//! The catalog: artists, albums, songs with their credits, genres and lyrics, uploads and what
//! their tags add, posters, streaming, play counts and loudness, and the one way songs become
//! answers (`Catalog::song_answers`).
//!
//! Depends on accounts (who calls: `AuthUser`, `MaybeAuthUser`; the avatar sizes artists
//! share), on the toolkits `http` (errors, JSON, pagination, body limits), `media` (audio and
//! image checks, tags), `metrics` (the transcoder's job counts) and `secrets` (the stream-link
//! key), on `storage` (the files) and `config`. What a listener did with a song is the
//! library's, above: it is handed in at start as a `ViewerLookup`.
//!
//! The service below is what the routes call, its operations in the files beside this one
//! (`songs.rs`, `albums.rs`, `genres.rs`, `lyrics.rs`, `upload/`, `posters.rs`, `artwork.rs`,
//! `credits.rs`, `artists.rs`, `stream.rs`, `plays.rs`, `answers.rs`, `transcode.rs`, `loudness.rs`,
//! `peaks.rs`, with
//! `metadata.rs`, `signing.rs` and `categories.rs`); handlers in `routes/`, all the SQL in
//! `store/`, the answers' shapes in `views.rs` and `album_views.rs`, the errors in `error.rs`.

mod album_views;
mod albums;
mod answers;
mod artists;
pub mod artwork;
pub mod categories;
mod credits;
mod error;
mod genres;
mod hooks;
mod loudness;
mod lyrics;
mod metadata;
mod peaks;
mod plays;
mod posters;
mod routes;
mod sampling;
mod signing;
mod songs;
mod store;
mod stream;
pub mod transcode;
pub(crate) mod upload;
mod views;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef};
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub use album_views::{AlbumDetail, AlbumView, GenreView, LyricsView};
pub use answers::{Viewer, ViewerLookup, pair_in_order};
pub use credits::canonical_role;
pub use error::CatalogError;
pub use hooks::{AddedSong, SongListener};
use plays::PlayCounter;
use signing::StreamSigner;
pub use store::albums::{AlbumCursor, AlbumFilter, AlbumSort};
pub use store::artists::ArtistRow;
pub use store::songs::{SongCursor, SongFilter};
pub use upload::LocalSong;
pub use views::{ArtistView, CreditView, OwnerView, PosterUrls, SongView, ViewerState};

use crate::accounts::Accounts;
use crate::config::Config;
use crate::db::replicas::Reads;
use crate::media::decode::Ffmpeg;
use crate::media::images;
use crate::shared::{Shared, TableNotices};
use crate::storage::Storage;

/// The catalog's service: every catalog operation, whoever asks (its routes, the
/// capabilities above it, the jobs, `ampli demo`).
pub struct Catalog {
    pub db: PgPool,
    /// For the browsing lists, which tolerate a little lag (see `db::replicas`).
    pub reads: Reads,
    pub storage: Storage,
    pub plays: PlayCounter,
    signer: StreamSigner,
    /// Where uploads are spooled before they are checked and stored.
    tmp_dir: PathBuf,
    max_upload_size: u64,
    /// Set when ffmpeg was found: uploads are decoded in full before they are accepted, and
    /// the bitrate ladder is made in the background.
    pub ffmpeg: Option<Ffmpeg>,
    /// What listeners did with songs, for the answers (see `answers.rs`).
    viewer: Viewer,
    /// Told of every added song (see `hooks.rs`).
    song_listener: std::sync::OnceLock<Arc<dyn SongListener>>,
    /// What answers each song's stream in each quality (see `stream.rs`).
    stream_sources: stream::StreamSources,
    notices: TableNotices,
}

impl Catalog {
    pub async fn new(
        db: PgPool,
        config: &Config,
        storage: Storage,
        viewer: Viewer,
        reads: Reads,
        shared: &Shared,
    ) -> anyhow::Result<Arc<Self>> {
        let tmp_dir = std::path::absolute(config.data_dir.join("tmp"))?;
        std::fs::create_dir_all(&tmp_dir)?;
        upload::clear_stale_uploads(&tmp_dir);
        transcode::clear_stale_work(&tmp_dir);
        artists::key_unkeyed_artists(&db).await?;
        // One decode per core, shared by the upload checks and the transcoder.
        let slots = std::thread::available_parallelism().map_or(1, usize::from);
        Ok(Arc::new(Self {
            signer: StreamSigner::load(&db).await?,
            viewer,
            song_listener: std::sync::OnceLock::new(),
            stream_sources: stream::cache(&shared.notices),
            notices: shared.notices.clone(),
            plays: PlayCounter::new(db.clone(), shared.redis.clone()),
            reads,
            db,
            storage,
            tmp_dir,
            max_upload_size: config.max_upload_size,
            ffmpeg: transcode::find_ffmpeg().map(|path| Ffmpeg::new(path, slots)),
        }))
    }

    /// The transcoding worker, if ffmpeg is installed.
    pub fn transcoder(&self, metrics: crate::metrics::Metrics) -> Option<transcode::Transcoder> {
        self.ffmpeg.clone().map(|ffmpeg| transcode::Transcoder {
            metrics,
            db: self.db.clone(),
            storage: self.storage.clone(),
            ffmpeg,
            tmp_dir: self.tmp_dir.clone(),
        })
    }

    /// Best effort: a file left behind is logged (and swept by the orphan job later).
    async fn remove_song_files(&self, song: Uuid) {
        if let Err(error) = self.storage.delete_prefix(&format!("songs/{song}")).await {
            tracing::warn!(error = format!("{error:#}"), %song, "removing song files");
        }
    }

    /// Queues the bitrate ladder for a new song. A failure to queue is logged: the song still
    /// plays from its original.
    async fn enqueue_transcode(&self, song: Uuid) {
        if let Err(error) = store::transcode_jobs::enqueue(&self.db, song).await {
            tracing::warn!(error = format!("{error:#}"), %song, "queueing the transcode");
        }
    }
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Catalog>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    use routes::{albums, artists, artwork, categories, credits, lyrics, peaks, songs, stream};
    OpenApiRouter::new()
        .routes(routes!(categories::list_categories))
        .routes(routes!(albums::list_genres))
        .routes(routes!(albums::list_albums))
        .routes(routes!(
            albums::get_album,
            albums::update_album,
            albums::delete_album
        ))
        .routes(routes!(
            lyrics::get_lyrics,
            lyrics::put_lyrics,
            lyrics::delete_lyrics
        ))
        .routes(routes!(peaks::get_peaks))
        .routes(routes!(artists::list_artists, artists::create_artist))
        .routes(routes!(
            artists::get_artist,
            artists::update_artist,
            artists::delete_artist
        ))
        .routes(routes!(artists::artist_songs))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(artists::put_artist_avatar))
                .layer(DefaultBodyLimit::max(images::MAX_BYTES + 1024)),
        )
        .merge(
            OpenApiRouter::new()
                .routes(routes!(songs::upload_song))
                .routes(routes!(songs::put_poster))
                .routes(routes!(albums::put_album_poster))
                // Uploads stream to disk; their own limit replaces the JSON one, and the
                // connection's idle timeout the request's total one.
                .layer(DefaultBodyLimit::disable())
                .route_layer(axum::middleware::from_fn(
                    crate::http::timeout::streamed_body,
                )),
        )
        .routes(routes!(songs::list_songs))
        .routes(routes!(
            songs::get_song,
            songs::update_song,
            songs::delete_song
        ))
        .routes(routes!(credits::put_credit, credits::delete_credit))
        .routes(routes!(stream::stream_song))
        .routes(routes!(artwork::song_artwork))
        .routes(routes!(artwork::album_artwork))
        .routes(routes!(stream::stream_url))
        .routes(routes!(stream::record_play))
}
