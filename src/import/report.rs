//! The import's account of itself: for every collection how many documents were read,
//! imported and skipped (and why), for every array of references how many became rows and why
//! the others did not, each skipped document and dropped reference by id, each value changed on
//! the way in, and the verification against PostgreSQL. `read = imported + skipped` for every
//! collection and `read = imported + dropped` for every reference array.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Default, Serialize)]
pub struct Counts {
    pub read: u64,
    pub imported: u64,
    pub skipped: u64,
    pub reasons: BTreeMap<&'static str, u64>,
}

impl Counts {
    fn skip(&mut self, reason: &'static str) {
        self.skipped += 1;
        *self.reasons.entry(reason).or_default() += 1;
    }

    /// `  (reason n, reason n)`, or nothing when none was skipped.
    fn reasons_text(&self) -> String {
        if self.reasons.is_empty() {
            return String::new();
        }
        let reasons: Vec<String> = self
            .reasons
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        format!("  ({})", reasons.join(", "))
    }
}

#[derive(Debug, Serialize)]
pub struct Skipped {
    pub collection: &'static str,
    /// The document's `_id`, or where it was in the source when it has none.
    pub id: String,
    pub reason: &'static str,
    pub detail: String,
}

#[derive(Debug, Serialize)]
pub struct Dropped {
    /// `collection.field`, e.g. `users.followers`.
    pub reference: &'static str,
    pub id: String,
    pub target: String,
    pub reason: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Adjusted {
    pub collection: &'static str,
    pub id: String,
    pub field: &'static str,
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct TableCheck {
    pub expected: u64,
    pub found: u64,
    pub how: CheckMethod,
}

/// How a table's rows were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckMethod {
    /// Every planned row looked up by its key after the import.
    ByKey,
    /// The table was empty and loaded whole in one transaction, which counted its rows under
    /// its exclusive lock before committing (its keys and foreign keys rebuilt and checked).
    CountedOnLoad,
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub source: String,
    pub dry_run: bool,
    pub documents: BTreeMap<&'static str, Counts>,
    pub references: BTreeMap<&'static str, Counts>,
    /// Rows the import writes (or, in a dry run, would write), by table.
    pub rows: BTreeMap<&'static str, u64>,
    pub skipped: Vec<Skipped>,
    pub dropped: Vec<Dropped>,
    pub adjusted: Vec<Adjusted>,
    /// Rows found in PostgreSQL after the import, beside those expected; absent in a dry run.
    pub verification: Option<BTreeMap<&'static str, TableCheck>>,
    /// Rows whose user or song is missing, by table: always zero after a sound import.
    pub orphans: Option<BTreeMap<&'static str, u64>>,
    pub verified: Option<bool>,
    pub seconds: f64,
    pub documents_per_second: f64,
    /// Seconds each stage took, in order: reading, planning, each table written, verifying.
    pub stage_seconds: Vec<(&'static str, f64)>,
}

impl Report {
    pub fn read(&mut self, collection: &'static str, count: usize) {
        self.documents.entry(collection).or_default().read += count as u64;
    }

    pub fn imported(&mut self, collection: &'static str) {
        self.documents.entry(collection).or_default().imported += 1;
    }

    pub fn skip(
        &mut self,
        collection: &'static str,
        id: impl ToString,
        reason: &'static str,
        detail: impl Into<String>,
    ) {
        self.documents.entry(collection).or_default().skip(reason);
        self.skipped.push(Skipped {
            collection,
            id: id.to_string(),
            reason,
            detail: detail.into(),
        });
    }

    pub fn reference_kept(&mut self, reference: &'static str) {
        let counts = self.references.entry(reference).or_default();
        counts.read += 1;
        counts.imported += 1;
    }

    pub fn reference_dropped(
        &mut self,
        reference: &'static str,
        id: impl ToString,
        target: impl ToString,
        reason: &'static str,
    ) {
        let counts = self.references.entry(reference).or_default();
        counts.read += 1;
        counts.skip(reason);
        self.dropped.push(Dropped {
            reference,
            id: id.to_string(),
            target: target.to_string(),
            reason,
        });
    }

    pub fn adjust(
        &mut self,
        collection: &'static str,
        id: impl ToString,
        field: &'static str,
        note: impl Into<String>,
    ) {
        self.adjusted.push(Adjusted {
            collection,
            id: id.to_string(),
            field,
            note: note.into(),
        });
    }

    /// Adds what `other` counted and listed, after what this report holds: the plan's work
    /// done on several cores, each share with a report of its own, is reported in the
    /// source's order.
    pub fn absorb(&mut self, other: Report) {
        let counts = [
            (&mut self.documents, other.documents),
            (&mut self.references, other.references),
        ];
        for (mine, theirs) in counts {
            for (name, c) in theirs {
                let total = mine.entry(name).or_default();
                total.read += c.read;
                total.imported += c.imported;
                total.skipped += c.skipped;
                for (reason, n) in c.reasons {
                    *total.reasons.entry(reason).or_default() += n;
                }
            }
        }
        self.skipped.extend(other.skipped);
        self.dropped.extend(other.dropped);
        self.adjusted.extend(other.adjusted);
    }

    pub fn documents_read(&self) -> u64 {
        self.documents.values().map(|c| c.read).sum()
    }

    /// Whether every collection's and every reference array's counts add up.
    pub fn balanced(&self) -> bool {
        self.documents
            .values()
            .chain(self.references.values())
            .all(|c| {
                c.read == c.imported + c.skipped && c.skipped == c.reasons.values().sum::<u64>()
            })
    }

    /// A few lines for the terminal; the JSON report has everything.
    pub fn summary(&self) -> String {
        let mut lines = Vec::new();
        for (name, c) in &self.documents {
            lines.push(format!(
                "  {name:<24} read {:>9}  imported {:>9}  skipped {:>7}{}",
                c.read,
                c.imported,
                c.skipped,
                c.reasons_text()
            ));
        }
        for (name, c) in &self.references {
            lines.push(format!(
                "  {name:<24} refs {:>9}  kept     {:>9}  dropped {:>7}{}",
                c.read,
                c.imported,
                c.skipped,
                c.reasons_text()
            ));
        }
        for (table, orphans) in self.orphans.iter().flatten().filter(|(_, n)| **n > 0) {
            lines.push(format!(
                "  {table}: {orphans} rows point at a missing user or song  MISMATCH"
            ));
        }
        if let Some(checks) = &self.verification {
            for (table, check) in checks {
                lines.push(format!(
                    "  verify {table:<17} expected {:>9}  found {:>9}{}{}",
                    check.expected,
                    check.found,
                    match check.how {
                        CheckMethod::ByKey => "",
                        CheckMethod::CountedOnLoad => "  (counted on load)",
                    },
                    if check.expected == check.found {
                        ""
                    } else {
                        "  MISMATCH"
                    }
                ));
            }
        }
        lines.join("\n")
    }
}
