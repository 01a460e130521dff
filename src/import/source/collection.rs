//! One collection as read from a source: its documents, held parsed or (from a dump) as
//! bytes parsed again where they are used.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};

use bson::Document;

/// One collection as read: its documents, and what could not be parsed (where, and why).
#[derive(Debug, Default)]
pub struct Collection {
    documents: Documents,
    pub unreadable: Vec<(String, String)>,
}

#[derive(Debug)]
enum Documents {
    Parsed(Vec<Document>),
    /// A dump's bytes with the place of each document that parsed, parsed again as it is
    /// visited. A parsed document takes about ten times its BSON bytes (a map of owned keys
    /// and values); holding a million of them made reading a dump mostly page faults, where
    /// a document parsed, used and dropped reuses the same memory.
    Framed {
        bytes: Arc<Vec<u8>>,
        frames: Arc<Vec<Range<usize>>>,
    },
}

impl Default for Documents {
    fn default() -> Self {
        Self::Parsed(Vec::new())
    }
}

impl Collection {
    pub(super) fn push(&mut self, document: Document) {
        if let Documents::Framed { .. } = self.documents {
            // Framed collections come whole from a dump and are not added to; were one, its
            // documents would be parsed and held like any other.
            let parsed = self.iter().map(Cow::into_owned).collect();
            self.documents = Documents::Parsed(parsed);
        }
        if let Documents::Parsed(documents) = &mut self.documents {
            documents.push(document);
        }
    }

    /// Documents that read checked: `frames` of `bytes`, each parsed once already.
    pub(super) fn framed(bytes: Vec<u8>, frames: Vec<Range<usize>>) -> Self {
        Self {
            documents: Documents::Framed {
                bytes: Arc::new(bytes),
                frames: Arc::new(frames),
            },
            unreadable: Vec::new(),
        }
    }

    /// How many documents were read (the unreadable ones aside).
    pub fn len(&self) -> usize {
        match &self.documents {
            Documents::Parsed(documents) => documents.len(),
            Documents::Framed { frames, .. } => frames.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every document, parsed and owned.
    pub fn into_documents(self) -> Vec<Document> {
        match self.documents {
            Documents::Parsed(documents) => documents,
            Documents::Framed { .. } => self.iter().map(Cow::into_owned).collect(),
        }
    }

    /// The documents in the source's order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = Cow<'_, Document>> + '_> {
        match &self.documents {
            Documents::Parsed(documents) => Box::new(documents.iter().map(Cow::Borrowed)),
            Documents::Framed { bytes, frames } => {
                Box::new(ParsedAhead::start(bytes.clone(), frames.clone()).map(Cow::Owned))
            }
        }
    }
}

/// Documents of a framed collection, parsed on a thread of their own a few thousand ahead of
/// the one using them, so that parsing and planning each have a core.
struct ParsedAhead {
    parsed: Receiver<Vec<Document>>,
    current: std::vec::IntoIter<Document>,
}

impl ParsedAhead {
    /// Documents a batch holds, and batches parsed ahead at most.
    const BATCH: usize = 2_048;
    const AHEAD: usize = 4;

    fn start(bytes: Arc<Vec<u8>>, frames: Arc<Vec<Range<usize>>>) -> Self {
        let (sender, parsed) = sync_channel(Self::AHEAD);
        std::thread::spawn(move || {
            for batch in frames.chunks(Self::BATCH) {
                // Every frame parsed when it was read; the same bytes parse the same way.
                let documents = batch
                    .iter()
                    .filter_map(|frame| Document::from_reader(&mut &bytes[frame.clone()]).ok())
                    .collect();
                if sender.send(documents).is_err() {
                    break; // the iterator was dropped
                }
            }
        });
        Self {
            parsed,
            current: Vec::new().into_iter(),
        }
    }
}

impl Iterator for ParsedAhead {
    type Item = Document;

    fn next(&mut self) -> Option<Document> {
        loop {
            if let Some(document) = self.current.next() {
                return Some(document);
            }
            self.current = self.parsed.recv().ok()?.into_iter();
        }
    }
}
