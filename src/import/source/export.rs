//! `mongoexport` output: `<collection>.json` with one Extended JSON document a line (relaxed
//! or canonical, even mixed), or a single JSON array (`--jsonArray`).

use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind};
use std::path::Path;

use bson::{Bson, Document};

use super::Collection;

pub fn holds_exports(dir: &Path) -> anyhow::Result<bool> {
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        if name.to_string_lossy().ends_with(".json")
            && !name.to_string_lossy().ends_with(".metadata.json")
        {
            return Ok(true);
        }
    }
    Ok(false)
}

fn to_document(value: serde_json::Value) -> Result<Document, String> {
    match Bson::try_from(value) {
        Ok(Bson::Document(document)) => Ok(document),
        Ok(other) => Err(format!("not a document but {:?}", other.element_type())),
        Err(error) => Err(format!("not Extended JSON: {error}")),
    }
}

pub fn read(dir: &Path, name: &str) -> anyhow::Result<Collection> {
    let mut collection = Collection::default();
    let path = ["json", "jsonl", "ndjson"]
        .iter()
        .map(|extension| dir.join(format!("{name}.{extension}")))
        .find(|path| path.exists());
    let Some(path) = path else {
        return Ok(collection);
    };
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(collection),
        Err(error) => return Err(error.into()),
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let first = reader
        .fill_buf()?
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    if first == Some(b'[') {
        let values: Vec<serde_json::Value> = serde_json::from_reader(reader)?;
        for (index, value) in values.into_iter().enumerate() {
            match to_document(value).and_then(|document| collection.push(&document)) {
                Ok(()) => {}
                Err(reason) => collection
                    .unreadable
                    .push((format!("element {}", index + 1), reason)),
            }
        }
        return Ok(collection);
    }
    for (index, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<serde_json::Value>(&line)
            .map_err(|error| format!("not JSON: {error}"))
            .and_then(to_document)
            .and_then(|document| collection.push(&document));
        match parsed {
            Ok(()) => {}
            Err(reason) => collection
                .unreadable
                .push((format!("line {}", index + 1), reason)),
        }
    }
    Ok(collection)
}
