//! The catalog: artists, songs with their credits, uploads, posters, streaming and play
//! counts. Routes in `routes`-named files, SQL in `store.rs` files.

mod artists;
pub mod categories;
pub mod credits;
mod error;
pub mod plays;
mod posters;
mod signing;
pub mod songs;
pub mod transcode;

use std::path::PathBuf;
use std::sync::Arc;

use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

pub use error::CatalogError;
use plays::PlayCounter;
use signing::StreamSigner;
use songs::answers::Viewer;

use crate::app::AppState;
use crate::config::Config;
use crate::media::decode::Ffmpeg;
use crate::storage::Storage;

pub struct Catalog {
    pub db: PgPool,
    pub storage: Storage,
    pub plays: PlayCounter,
    signer: StreamSigner,
    /// Where uploads are spooled before they are checked and stored.
    tmp_dir: PathBuf,
    max_upload_size: u64,
    /// Set when ffmpeg was found: uploads are decoded in full before they are accepted, and
    /// the bitrate ladder is made in the background.
    pub ffmpeg: Option<Ffmpeg>,
    /// What listeners did with songs, for the answers (see `songs::answers`).
    viewer: Viewer,
}

impl Catalog {
    pub async fn new(
        db: PgPool,
        config: &Config,
        storage: Storage,
        viewer: Viewer,
    ) -> anyhow::Result<Arc<Self>> {
        let tmp_dir = std::path::absolute(config.data_dir.join("tmp"))?;
        std::fs::create_dir_all(&tmp_dir)?;
        songs::upload::clear_stale_uploads(&tmp_dir);
        transcode::clear_stale_work(&tmp_dir);
        // One decode per core, shared by the upload checks and the transcoder.
        let slots = std::thread::available_parallelism().map_or(1, usize::from);
        Ok(Arc::new(Self {
            signer: StreamSigner::load(&db).await?,
            viewer,
            plays: PlayCounter::new(db.clone()),
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
        if let Err(error) = transcode::enqueue(&self.db, song).await {
            tracing::warn!(error = format!("{error:#}"), %song, "queueing the transcode");
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(categories::router())
        .merge(artists::router())
        .merge(songs::router())
}
