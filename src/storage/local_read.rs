//! A local media file read for an answer, without handing work to another thread when the
//! kernel can answer from its caches. object_store's local store spends a blocking-pool call
//! on each of the head, the open and the seek before the first byte, and each call is two
//! thread switches; on the stream route those switches were most of the time not spent in
//! PostgreSQL. Here the open asks the kernel to resolve the path from its cache alone
//! (`openat2` with `RESOLVE_CACHED`, Linux 5.12) and each read to copy only what the page
//! cache holds (`preadv2` with `RWF_NOWAIT`, Linux 4.14); whatever would wait for the disk
//! (or an older kernel) goes to the blocking pool as before, so a worker thread never waits
//! on a disk.

use std::fs::File;
use std::io::{self, IoSliceMut};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::{self, BoxStream, StreamExt};
use rustix::fs::{CWD, Mode, OFlags, ResolveFlags};
use rustix::io::{Errno, ReadWriteFlags};

/// Bytes read per call: large enough to keep calls and HTTP frames few (1 MiB measured no
/// faster on the catalog bench), small enough for many listeners at once.
pub const CHUNK: u64 = 256 * 1024;

/// An open local file with the facts its answer's headers need.
pub struct LocalFile {
    file: Arc<File>,
    pub size: u64,
    pub modified: DateTime<Utc>,
}

/// Opens `path` and reads its size and modification time; `None` when there is no such file.
pub async fn open(path: PathBuf) -> io::Result<Option<LocalFile>> {
    if let Some(opened) = open_from_cache(&path) {
        return opened;
    }
    tokio::task::spawn_blocking(move || match File::open(&path) {
        Ok(file) => measured(file),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    })
    .await
    .map_err(io::Error::other)?
}

/// The open, done here when the kernel resolves the whole path from its cache; `None` when
/// it would have to read the disk (or cannot tell), for the blocking pool to do.
fn open_from_cache(path: &Path) -> Option<io::Result<Option<LocalFile>>> {
    let flags = OFlags::RDONLY | OFlags::CLOEXEC;
    match rustix::fs::openat2(CWD, path, flags, Mode::empty(), ResolveFlags::CACHED) {
        // Reading the size and time of an open file is answered from its inode, in memory.
        Ok(fd) => Some(measured(File::from(fd))),
        Err(Errno::NOENT) => Some(Ok(None)),
        Err(_) => None,
    }
}

fn measured(file: File) -> io::Result<Option<LocalFile>> {
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Ok(None);
    }
    Ok(Some(LocalFile {
        file: Arc::new(file),
        size: metadata.len(),
        modified: metadata.modified()?.into(),
    }))
}

/// Up to `length` bytes at `at` if the page cache holds them (a part of them, if only that
/// part is there); `None` when nothing can be had without waiting for the disk.
fn read_from_cache(file: &File, at: u64, length: usize) -> Option<Vec<u8>> {
    let mut buffer = vec![0; length];
    let read = rustix::io::preadv2(
        file,
        &mut [IoSliceMut::new(&mut buffer)],
        at,
        ReadWriteFlags::NOWAIT,
    );
    match read {
        Ok(read) if read > 0 => {
            buffer.truncate(read);
            Some(buffer)
        }
        // Nothing cached, the end of a file cut short, or a kernel without RWF_NOWAIT: the
        // blocking read decides.
        _ => None,
    }
}

impl LocalFile {
    /// Bytes `start..=end` as the client takes them, at most `CHUNK` at a time. A file cut
    /// short under the reader (Ampli never rewrites one in place) ends the stream with an
    /// error, which ends the response early rather than padding it.
    pub fn range(self, start: u64, end: u64) -> BoxStream<'static, io::Result<Bytes>> {
        let file = self.file;
        stream::try_unfold(start, move |at| {
            let file = file.clone();
            async move {
                if at > end {
                    return Ok(None);
                }
                let length = CHUNK.min(end - at + 1) as usize;
                let bytes = match read_from_cache(&file, at, length) {
                    Some(bytes) => bytes,
                    None => tokio::task::spawn_blocking(move || {
                        let mut buffer = vec![0; length];
                        file.read_exact_at(&mut buffer, at)?;
                        Ok::<_, io::Error>(buffer)
                    })
                    .await
                    .map_err(io::Error::other)??,
                };
                let next = at + bytes.len() as u64;
                Ok(Some((Bytes::from(bytes), next)))
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
    async fn what_the_page_cache_lacks_is_read_by_the_blocking_pool() {
        // On disk (/tmp may be tmpfs, whose pages cannot be dropped), written through and
        // then dropped from the page cache.
        let dir = tempfile::tempdir_in("/var/tmp").unwrap();
        let path = dir.path().join("cold");
        let bytes: Vec<u8> = (0..(CHUNK + 5)).map(|i| (i % 241) as u8).collect();
        let mut written = File::create(&path).unwrap();
        std::io::Write::write_all(&mut written, &bytes).unwrap();
        written.sync_all().unwrap();
        let file = open(path).await.unwrap().unwrap();
        rustix::fs::fadvise(&*file.file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
        assert!(
            read_from_cache(&file.file, 0, 4096).is_none(),
            "still cached"
        );
        assert_eq!(read(file, 0, CHUNK + 4).await.unwrap(), bytes);
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
