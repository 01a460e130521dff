//! The plan's listening pass: favourites (from their own collection; users' own lists are
//! added by the users pass) and play histories.

use bson::raw::RawBsonRef;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{HashMap, HashSet, HistoryRow, Known, PairRow, Plan, owned_document};
use crate::import::fields::{self, describe};
use crate::import::ids;
use crate::import::report::Report;
use crate::import::source::Collection;

pub(super) fn favorites(
    collection: &Collection,
    users: &Known,
    songs: &Known,
    report: &mut Report,
    plan: &mut Plan,
) {
    const C: &str = "favorites";
    let mut seen = HashSet::default();
    let mut pairs: HashSet<(Uuid, Uuid)> =
        plan.favorites.iter().map(|f| (f.user, f.song)).collect();
    for (index, document) in collection.iter().enumerate() {
        let Some((id, user)) = owned_document(report, C, index, document, &mut seen, users) else {
            continue;
        };
        report.imported(C);
        let at = fields::created_at(document);
        for value in fields::array(document, "items") {
            match songs.resolve(value) {
                Ok((_, song)) if add_favorite(plan, &mut pairs, user, song, at) => {
                    report.reference_kept("favorites.items");
                }
                Ok(_) => report.reference_dropped(
                    "favorites.items",
                    id.to_hex(),
                    describe(value),
                    "duplicate",
                ),
                Err(reason) => report.reference_dropped(
                    "favorites.items",
                    id.to_hex(),
                    describe(value),
                    reason,
                ),
            }
        }
    }
}

/// Adds a favourite unless the pair is already one (favourites live both on users and in
/// their own collection); answers whether it was new.
pub(super) fn add_favorite(
    plan: &mut Plan,
    pairs: &mut HashSet<(Uuid, Uuid)>,
    user: Uuid,
    song: Uuid,
    at: DateTime<Utc>,
) -> bool {
    if !pairs.insert((user, song)) {
        return false;
    }
    plan.favorites.push(PairRow {
        id: ids::derived("favorites", &[user, song], 0),
        user,
        song,
        at,
    });
    true
}

pub(super) fn histories(
    collection: &Collection,
    users: &Known,
    songs: &Known,
    report: &mut Report,
    plan: &mut Plan,
) {
    const C: &str = "histories";
    let mut seen = HashSet::default();
    // (user, song) → index in plan.history, so the newest entry wins.
    let mut rows: HashMap<(Uuid, Uuid), usize> = HashMap::default();
    for (index, document) in collection.iter().enumerate() {
        let Some((id, user)) = owned_document(report, C, index, document, &mut seen, users) else {
            continue;
        };
        report.imported(C);
        let fallback = fields::updated_at(document);
        let last = fields::get(document, "last").into_iter();
        let entries = last
            .map(|entry| ("histories.last", entry))
            .chain(fields::array(document, "all").map(|entry| ("histories.all", entry)));
        for (reference, entry) in entries {
            let RawBsonRef::Document(entry) = entry else {
                report.reference_dropped(reference, id.to_hex(), describe(entry), "invalid_entry");
                continue;
            };
            let audio = fields::get(entry, "audio").unwrap_or(RawBsonRef::Null);
            let song = match songs.resolve(audio) {
                Ok((_, song)) => song,
                Err(reason) => {
                    report.reference_dropped(reference, id.to_hex(), describe(audio), reason);
                    continue;
                }
            };
            let at = fields::get(entry, "date")
                .and_then(fields::date_value)
                .unwrap_or(fallback);
            let progress = fields::get(entry, "progress")
                .and_then(fields::number)
                .unwrap_or(0.0);
            let progress = progress.round().clamp(0.0, f64::from(i32::MAX)) as i32;
            match rows.get(&(user, song)) {
                Some(&row) if plan.history[row].at >= at => {
                    report.reference_dropped(reference, id.to_hex(), describe(audio), "superseded");
                }
                Some(&row) => {
                    // The newer entry replaces the older one, which is the one reported.
                    report.reference_dropped(reference, id.to_hex(), describe(audio), "superseded");
                    plan.history[row].at = at;
                    plan.history[row].progress = progress;
                }
                None => {
                    report.reference_kept(reference);
                    rows.insert((user, song), plan.history.len());
                    plan.history.push(HistoryRow {
                        id: ids::derived("history", &[user, song], 0),
                        user,
                        song,
                        progress,
                        at,
                    });
                }
            }
        }
    }
}
