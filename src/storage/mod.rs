//! The object store behind every media file: a folder in the data directory by default, or
//! an S3-compatible bucket. Keys are always made by Ampli from IDs, never from client file
//! names.
//!
//! In the storage layer, below the capabilities that keep files here (accounts, catalog); it
//! imports `config`, and for serving an object (`serve.rs`, used by the catalog's stream and
//! by GET /media in `routes.rs`) the `http` toolkit's errors and `media`'s byte ranges. The
//! deletion queue is emptied in `deletions.rs`, unreferenced files swept in `orphans.rs`,
//! and their SQL is in `store.rs`.

mod deletions;
mod local_read;
pub mod orphans;
mod routes;
pub mod serve;
mod store;

use std::sync::Arc;

use anyhow::Context;
use axum::body::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::buffered::BufWriter;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectMeta, ObjectStore, ObjectStoreExt, PutPayload};
use tokio::io::AsyncWriteExt;

use local_read::LocalFile;

pub use routes::router;

use crate::config::{Config, S3Config};
use object_store::aws::AmazonS3Builder;

/// URL prefix under which media files are served.
pub const MEDIA_PREFIX: &str = "/media/";

/// The URL a client uses for `key`: served by the media route whatever the store.
pub fn media_url(key: &str) -> String {
    format!("{MEDIA_PREFIX}{key}")
}

/// How a file is written into the store: the bytes held per part and the parts in flight.
/// An upload's memory is their product, whatever the file's size (object_store's default,
/// 10 MiB a part and 8 in flight, let 64 uploads of 50 MB hold about 640 MiB).
#[derive(Clone, Copy)]
struct PutParts {
    size: usize,
    in_flight: usize,
}

/// On local disk a part is a write to a staging file: small ones cost nothing.
const LOCAL_PARTS: PutParts = PutParts {
    size: 256 * 1024,
    in_flight: 2,
};
/// S3 refuses parts under 5 MiB (all but the last); two in flight keep the link busy.
const S3_PARTS: PutParts = PutParts {
    size: 5 * 1024 * 1024,
    in_flight: 2,
};

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// The same store when it is the local folder: files are read for answers straight from
    /// disk (`local_read.rs`), everything else goes through `store`.
    local: Option<Arc<LocalFileSystem>>,
    parts: PutParts,
}

impl Storage {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        if let Some(s3) = &config.s3 {
            return Self::s3(s3);
        }
        let root = std::path::absolute(config.data_dir.join("media"))?;
        std::fs::create_dir_all(&root)
            .with_context(|| format!("creating the media folder {}", root.display()))?;
        clear_partial_writes(&root);
        let store = LocalFileSystem::new_with_prefix(&root)
            .with_context(|| format!("opening the media folder {}", root.display()))?;
        let local = Arc::new(store.with_automatic_cleanup(true));
        Ok(Self {
            store: local.clone(),
            local: Some(local),
            parts: LOCAL_PARTS,
        })
    }

    /// An S3-compatible bucket. Nothing is fetched here: a wrong setting shows at first use
    /// (and in /readyz-style checks the operator runs).
    fn s3(s3: &S3Config) -> anyhow::Result<Self> {
        // One TLS provider for the whole process: ring, as sqlx and lettre use.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&s3.bucket)
            .with_region(&s3.region)
            .with_virtual_hosted_style_request(!s3.path_style);
        if let Some(endpoint) = &s3.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let (Some(id), Some(secret)) = (&s3.access_key_id, &s3.secret_access_key) {
            builder = builder
                .with_access_key_id(id)
                .with_secret_access_key(secret.expose());
        }
        let store = builder.build().context(
            "invalid S3 settings (--s3-bucket, --s3-endpoint, --s3-region, credentials)",
        )?;
        Ok(Self {
            store: Arc::new(store),
            local: None,
            parts: S3_PARTS,
        })
    }

    /// The URL a client uses for `key`.
    pub fn url(&self, key: &str) -> String {
        media_url(key)
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        let path = object_path(key)?;
        self.store
            .put(&path, PutPayload::from(Bytes::from(bytes)))
            .await
            .with_context(|| format!("storing {key}"))?;
        Ok(())
    }

    /// Puts each of `files` (a name and its bytes) under `prefix`, or none of them: after a
    /// failure what was stored under `prefix` is removed, so that no half set of renditions
    /// is left for the orphan sweep.
    pub async fn put_all(
        &self,
        prefix: &str,
        files: impl IntoIterator<Item = (String, Vec<u8>)>,
    ) -> anyhow::Result<()> {
        for (name, bytes) in files {
            if let Err(error) = self.put(&format!("{prefix}/{name}"), bytes).await {
                if let Err(cleanup) = self.delete_prefix(prefix).await {
                    tracing::warn!(
                        error = format!("{cleanup:#}"),
                        prefix,
                        "removing media files"
                    );
                }
                return Err(error);
            }
        }
        Ok(())
    }

    /// The object's bytes, or `None` if there is no such object.
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Bytes>> {
        let path = object_path(key)?;
        match self.store.get(&path).await {
            Ok(result) => Ok(Some(result.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error).with_context(|| format!("reading {key}")),
        }
    }

    /// Streams the local file at `source` into the store under `key`, holding at most a few
    /// parts of it in memory (`PutParts`; multipart past the first part).
    pub async fn put_file(&self, key: &str, source: &std::path::Path) -> anyhow::Result<u64> {
        let path = object_path(key)?;
        let mut file = tokio::fs::File::open(source)
            .await
            .with_context(|| format!("opening {}", source.display()))?;
        let mut writer = BufWriter::with_capacity(self.store.clone(), path, self.parts.size)
            .with_max_concurrency(self.parts.in_flight);
        let copied = tokio::io::copy(&mut file, &mut writer).await;
        match copied {
            Ok(bytes) => {
                writer
                    .shutdown()
                    .await
                    .with_context(|| format!("storing {key}"))?;
                Ok(bytes)
            }
            Err(error) => {
                let _ = writer.abort().await;
                Err(error).with_context(|| format!("storing {key}"))
            }
        }
    }

    /// Size and modification time of `key`, or `None` if there is no such object.
    pub async fn head(&self, key: &str) -> anyhow::Result<Option<ObjectMeta>> {
        let path = object_path(key)?;
        match self.store.head(&path).await {
            Ok(meta) => Ok(Some(meta)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error).with_context(|| format!("reading {key}")),
        }
    }

    /// The local file of `key`, open, when the store is local and holds it.
    async fn local_file(
        &self,
        local: &LocalFileSystem,
        key: &str,
    ) -> anyhow::Result<Option<LocalFile>> {
        let path = local.path_to_filesystem(&object_path(key)?)?;
        local_read::open(path)
            .await
            .with_context(|| format!("reading {key}"))
    }

    /// Bytes `start..=end` of `key` as a stream, read as the client takes them.
    pub async fn stream_range(
        &self,
        key: &str,
        start: u64,
        end: u64,
    ) -> anyhow::Result<BoxStream<'static, anyhow::Result<Bytes>>> {
        if let Some(local) = &self.local {
            let file = self
                .local_file(local, key)
                .await?
                .with_context(|| format!("reading {key}: no such file"))?;
            return Ok(file.range(start, end).map_err(anyhow::Error::from).boxed());
        }
        let path = object_path(key)?;
        let options = GetOptions {
            range: Some(GetRange::Bounded(start..end + 1)),
            ..GetOptions::default()
        };
        let result = self
            .store
            .get_opts(&path, options)
            .await
            .with_context(|| format!("reading {key}"))?;
        Ok(result.into_stream().map_err(anyhow::Error::from).boxed())
    }

    /// Removes one object; a missing one is not an error.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        let path = object_path(key)?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error).with_context(|| format!("deleting {key}")),
        }
    }

    /// Removes every object under `prefix` (a folder of renditions, say).
    pub async fn delete_prefix(&self, prefix: &str) -> anyhow::Result<()> {
        let path = object_path(prefix)?;
        let keys: Vec<ObjectPath> = self
            .store
            .list(Some(&path))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .with_context(|| format!("listing {prefix}"))?;
        for key in keys {
            match self.store.delete(&key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(error).with_context(|| format!("deleting {key}")),
            }
        }
        Ok(())
    }
}

/// Removes what writes cut short by a crash left in the local media folder (called at start).
/// The local store writes `<key>#<n>` and renames it into place when done; its own clean-up
/// runs only when the write is dropped, not when the process is killed, and listings skip such
/// names, so the orphan sweep never sees them. No key of Ampli's contains `#`, so every such
/// file is a partial write. A song folder left empty goes too.
fn clear_partial_writes(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            clear_partial_writes(&path);
            // Only succeeds when empty.
            let _ = std::fs::remove_dir(&path);
        } else if is_partial_write(&entry.file_name().to_string_lossy()) {
            match std::fs::remove_file(&path) {
                Ok(()) => tracing::info!(path = %path.display(), "removed a partial media write"),
                Err(error) => {
                    tracing::warn!(%error, path = %path.display(), "removing a partial media write")
                }
            }
        }
    }
}

/// `original.mp3#1`: a name, `#`, and the local store's attempt number.
fn is_partial_write(name: &str) -> bool {
    name.rsplit_once('#').is_some_and(|(stem, suffix)| {
        !stem.is_empty() && !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Keys are Ampli's own (`avatars/<uuid>/<uuid>/256.jpg`); anything else is refused before
/// it reaches the store.
fn object_path(key: &str) -> anyhow::Result<ObjectPath> {
    let valid = !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        });
    anyhow::ensure!(valid, "not a media key: {key:?}");
    ObjectPath::parse(key).context("media key")
}

/// Whether `key` could name a media object (for the media route's 404).
pub fn is_valid_key(key: &str) -> bool {
    object_path(key).is_ok()
}
