//! `mongodump` output: `<collection>.bson` files, each a plain concatenation of BSON
//! documents, usually in a directory named after the database.

use std::io::ErrorKind;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::Collection;
use super::collection::check;
use anyhow::bail;

fn has_bson(dir: &Path) -> anyhow::Result<bool> {
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".bson.gz") {
            bail!(
                "{}: compressed dumps are not read; run mongodump without --gzip or gunzip the files first",
                dir.display()
            );
        }
        if name.ends_with(".bson") {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The directory holding the `.bson` files: `dir` itself, or its one database directory.
pub fn find(dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    if has_bson(dir)? {
        return Ok(Some(dir.to_owned()));
    }
    let mut databases = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() && has_bson(&path)? {
            databases.push(path);
        }
    }
    match databases.len() {
        0 => Ok(None),
        1 => Ok(databases.pop()),
        _ => bail!(
            "{} holds several databases' dumps; name one: --from {}",
            dir.display(),
            databases[0].display()
        ),
    }
}

/// Every document of one `.bson` file. The file is framed first (each document starts with its
/// length), then the documents are parsed on every core: parsing is most of the reading.
pub fn read(path: &Path) -> anyhow::Result<Collection> {
    let mut collection = Collection::default();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(collection),
        Err(error) => return Err(error.into()),
    };
    let mut frames: Vec<Range<usize>> = Vec::new();
    let mut offset = 0usize;
    while offset < bytes.len() {
        let Some(length) = bytes.get(offset..offset + 4) else {
            collection.unreadable.push((
                format!("byte {offset}"),
                "truncated document length".to_owned(),
            ));
            break;
        };
        let size = i32::from_le_bytes(length.try_into().expect("four bytes"));
        if !(5..=16 * 1024 * 1024 + 16 * 1024).contains(&size) {
            // The length prefix is the only framing: past a bad one nothing can be trusted.
            collection.unreadable.push((
                format!("byte {offset}"),
                format!("document length {size} is impossible; the rest of the file is unreadable"),
            ));
            break;
        }
        let end = offset + size as usize;
        if end > bytes.len() {
            collection.unreadable.push((
                format!("byte {offset}"),
                format!(
                    "truncated document: {} of its {size} bytes",
                    bytes.len() - offset
                ),
            ));
            break;
        }
        frames.push(offset..end);
        offset = end;
    }
    // Checked on every core to find the documents that do not parse; the plan then reads the
    // others in place (see `collection`).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = frames.len().div_ceil(cores).max(1);
    let bad: Vec<(usize, String)> = std::thread::scope(|scope| {
        let workers: Vec<_> = frames
            .chunks(share)
            .enumerate()
            .map(|(chunk, frames)| {
                let bytes = &bytes;
                scope.spawn(move || {
                    let mut bad = Vec::new();
                    for (n, frame) in frames.iter().enumerate() {
                        if let Err(reason) = check(&bytes[frame.clone()]) {
                            bad.push((chunk * share + n, reason));
                        }
                    }
                    bad
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("a parsing thread panicked"))
            .collect()
    });
    // `bad` is in the frames' order: the documents that parsed are kept in theirs.
    let mut unreadable: Vec<(String, String)> = bad
        .iter()
        .map(|(index, reason)| (format!("byte {}", frames[*index].start), reason.clone()))
        .collect();
    let mut bad_indexes = bad.iter().map(|(index, _)| *index).peekable();
    let mut index = 0;
    frames.retain(|_| {
        let keep = bad_indexes.next_if_eq(&index).is_none();
        index += 1;
        keep
    });
    unreadable.append(&mut collection.unreadable);
    let mut collection = Collection::framed(bytes, frames);
    collection.unreadable = unreadable;
    Ok(collection)
}

#[cfg(test)]
mod tests {
    use bson::doc;

    use super::*;

    #[test]
    fn documents_keep_their_order_and_bad_bytes_are_named_not_dropped() {
        let mut bytes = Vec::new();
        // More documents than one core checks.
        for n in 0..5_000 {
            doc! { "n": n }.to_writer(&mut bytes).unwrap();
        }
        // A document whose length is right but whose element type is not a BSON type.
        let bad_at = bytes.len();
        bytes.extend_from_slice(&[12, 0, 0, 0, 0x7e, b'x', 0, 1, 2, 3, 4, 0]);
        doc! { "n": 5_000 }.to_writer(&mut bytes).unwrap();
        // A last document cut short.
        let cut_at = bytes.len();
        bytes.extend_from_slice(&[40, 0, 0, 0, 2]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("things.bson");
        std::fs::write(&path, &bytes).unwrap();

        let collection = read(&path).unwrap();
        let numbers: Vec<i32> = collection.iter().map(|d| d.get_i32("n").unwrap()).collect();
        assert_eq!(numbers, (0..=5_000).collect::<Vec<_>>());
        let places: Vec<&str> = collection
            .unreadable
            .iter()
            .map(|(place, _)| place.as_str())
            .collect();
        assert_eq!(places, [format!("byte {bad_at}"), format!("byte {cut_at}")]);
        assert!(collection.unreadable[1].1.contains("truncated"));
    }
}
