//! `mongodump` output: `<collection>.bson` files, each a plain concatenation of BSON
//! documents, usually in a directory named after the database.

use std::fs::File;
use std::io::{BufReader, ErrorKind, Read};
use std::path::{Path, PathBuf};

use anyhow::bail;
use bson::Document;

use super::Collection;

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

pub fn read(path: &Path) -> anyhow::Result<Collection> {
    let mut collection = Collection::default();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(collection),
        Err(error) => return Err(error.into()),
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut offset = 0u64;
    loop {
        let mut length = [0u8; 4];
        match reader.read_exact(&mut length) {
            Ok(()) => {}
            Err(error) if error.kind() == ErrorKind::UnexpectedEof => break,
            Err(error) => return Err(error.into()),
        }
        let size = i32::from_le_bytes(length);
        if !(5..=16 * 1024 * 1024 + 16 * 1024).contains(&size) {
            // The length prefix is the only framing: past a bad one nothing can be trusted.
            collection.unreadable.push((
                format!("byte {offset}"),
                format!("document length {size} is impossible; the rest of the file is unreadable"),
            ));
            break;
        }
        let mut bytes = vec![0u8; size as usize];
        bytes[..4].copy_from_slice(&length);
        if let Err(error) = reader.read_exact(&mut bytes[4..]) {
            collection.unreadable.push((
                format!("byte {offset}"),
                format!("truncated document: {error}"),
            ));
            break;
        }
        match Document::from_reader(&mut bytes.as_slice()) {
            Ok(document) => collection.documents.push(document),
            Err(error) => collection
                .unreadable
                .push((format!("byte {offset}"), error.to_string())),
        }
        offset += size as u64;
    }
    Ok(collection)
}
