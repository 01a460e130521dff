//! One collection as read from a source: its documents held as BSON bytes, read in place.
//!
//! A parsed `bson::Document` takes about ten times its bytes (a map of owned keys and values)
//! and as much work to build as the plan's own use of it: holding a million of them made
//! reading a dump mostly page faults, and parsing each again as it was visited kept a second
//! core busy through the whole plan. The plan instead reads the fields it needs straight from
//! the bytes ([`bson::RawDocument`]): nothing is built that is not a row.

use std::ops::Range;

use bson::raw::{RawBsonRef, RawIter};
use bson::{Document, RawDocument};

/// One collection as read: its documents, and what could not be parsed (where, and why).
#[derive(Debug, Default)]
pub struct Collection {
    /// Every readable document's BSON, one after the other.
    bytes: Vec<u8>,
    /// Where each document lies in `bytes`, in the source's order.
    frames: Vec<Range<usize>>,
    pub unreadable: Vec<(String, String)>,
}

impl Collection {
    /// A collection the source does not hold.
    pub const EMPTY: Collection = Collection {
        bytes: Vec::new(),
        frames: Vec::new(),
        unreadable: Vec::new(),
    };

    /// Adds a document parsed by the source (an export's line, a server's reply), as BSON.
    pub(crate) fn push(&mut self, document: &Document) -> Result<(), String> {
        let start = self.bytes.len();
        if let Err(error) = document.to_writer(&mut self.bytes) {
            self.bytes.truncate(start);
            return Err(format!("cannot be written as BSON: {error}"));
        }
        self.frames.push(start..self.bytes.len());
        Ok(())
    }

    /// Documents that read checked: `frames` of `bytes`, each parsed once already.
    pub(super) fn framed(bytes: Vec<u8>, frames: Vec<Range<usize>>) -> Self {
        Self {
            bytes,
            frames,
            unreadable: Vec::new(),
        }
    }

    /// How many documents were read (the unreadable ones aside).
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every document, parsed and owned (for tools that want them whole, such as the import
    /// benchmark's row-by-row baseline).
    pub fn into_documents(self) -> Vec<Document> {
        self.iter()
            .filter_map(|document| Document::try_from(document).ok())
            .collect()
    }

    /// The documents in the source's order. Every frame was checked as it was read (a whole
    /// document parsed), so none is passed over here.
    pub fn iter(&self) -> impl Iterator<Item = &RawDocument> {
        self.documents(0..self.len())
    }

    /// The documents at `places` (positions in the source's order, as [`Self::iter`] counts).
    pub fn documents(&self, places: Range<usize>) -> impl Iterator<Item = &RawDocument> {
        self.frames[places]
            .iter()
            .filter_map(|frame| RawDocument::from_bytes(&self.bytes[frame.clone()]).ok())
    }
}

/// Whether `bytes` hold one whole, readable BSON document: every element of every nested
/// document and array read as the plan may read it (types, lengths, UTF-8), without building
/// anything.
pub(super) fn check(bytes: &[u8]) -> Result<(), String> {
    let document = RawDocument::from_bytes(bytes).map_err(|error| error.to_string())?;
    check_elements(document.iter_elements())
}

fn check_elements(elements: RawIter<'_>) -> Result<(), String> {
    for element in elements {
        let value = element
            .and_then(|element| element.value())
            .map_err(|error| error.to_string())?;
        match value {
            RawBsonRef::Document(inner) => check_elements(inner.iter_elements())?,
            RawBsonRef::Array(inner) => check_elements(inner.iter_elements())?,
            RawBsonRef::JavaScriptCodeWithScope(code) => {
                check_elements(code.scope.iter_elements())?
            }
            _ => {}
        }
    }
    Ok(())
}
