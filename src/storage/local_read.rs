//! A local media file read for an answer. object_store's local store spends a blocking-pool
//! call each on the head, the open and the seek before the first byte, and every call is a
//! hand-off to another thread and back; on the stream route that was most of the time not
//! spent in PostgreSQL. Here the file is opened and measured in one call, then read in large
//! positional chunks (no seek, no shared cursor), one call each.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::{self, BoxStream, StreamExt};

/// Bytes read per blocking call: large enough to keep calls and HTTP frames few (1 MiB
/// measured no faster on the catalog bench), small enough for many listeners at once.
pub const CHUNK: u64 = 256 * 1024;

/// An open local file with the facts its answer's headers need.
pub struct LocalFile {
    file: Arc<File>,
    pub size: u64,
    pub modified: DateTime<Utc>,
}

/// Opens `path` and reads its size and modification time; `None` when there is no such file.
pub async fn open(path: PathBuf) -> io::Result<Option<LocalFile>> {
    tokio::task::spawn_blocking(move || {
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error),
        };
        let metadata = file.metadata()?;
        if !metadata.is_file() {
            return Ok(None);
        }
        Ok(Some(LocalFile {
            file: Arc::new(file),
            size: metadata.len(),
            modified: metadata.modified()?.into(),
        }))
    })
    .await
    .map_err(io::Error::other)?
}

impl LocalFile {
    /// Bytes `start..=end` as the client takes them, `CHUNK` at a time. A file cut short
    /// under the reader (Ampli never rewrites one in place) ends the stream with an error,
    /// which ends the response early rather than padding it.
    pub fn range(self, start: u64, end: u64) -> BoxStream<'static, io::Result<Bytes>> {
        let file = self.file;
        stream::try_unfold(start, move |at| {
            let file = file.clone();
            async move {
                if at > end {
                    return Ok(None);
                }
                let length = CHUNK.min(end - at + 1);
                let bytes = tokio::task::spawn_blocking(move || {
                    let mut buffer = vec![0; length as usize];
                    file.read_exact_at(&mut buffer, at)?;
                    Ok::<_, io::Error>(buffer)
                })
                .await
                .map_err(io::Error::other)??;
                Ok(Some((Bytes::from(bytes), at + length)))
            }
        })
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;

    async fn read(file: LocalFile, start: u64, end: u64) -> io::Result<Vec<u8>> {
        let chunks: Vec<Bytes> = file.range(start, end).try_collect().await?;
        Ok(chunks.concat())
    }

    #[tokio::test]
    async fn ranges_across_chunk_edges_read_exactly_their_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        let bytes: Vec<u8> = (0..(CHUNK * 2 + 17)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let size = bytes.len() as u64;
        for (start, end) in [(0, size - 1), (CHUNK - 1, CHUNK), (5, 5), (CHUNK, size - 1)] {
            let file = open(path.clone()).await.unwrap().unwrap();
            assert_eq!(file.size, size);
            let got = read(file, start, end).await.unwrap();
            assert_eq!(got, bytes[start as usize..=end as usize], "{start}-{end}");
        }
    }

    #[tokio::test]
    async fn a_missing_file_or_a_folder_is_none_and_a_short_file_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(open(dir.path().join("absent")).await.unwrap().is_none());
        assert!(open(dir.path().to_path_buf()).await.unwrap().is_none());
        let path = dir.path().join("short");
        std::fs::write(&path, b"0123456789").unwrap();
        let file = open(path).await.unwrap().unwrap();
        assert!(read(file, 0, 99).await.is_err());
    }
}
