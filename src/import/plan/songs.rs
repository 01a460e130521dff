//! The plan's songs pass: each song, its owner's artist and its likes. A million songs and
//! their five million likes are most of a dump, and reading them was one core's work while the
//! other stood idle; each core now takes a contiguous share of the collection with a report
//! and rows of its own, and the shares are put together in the source's order, so that the
//! plan and its report are the ones a single pass would make.

use std::ops::Range;

use uuid::Uuid;

use super::{
    ArtistRow, HashMap, HashSet, IdCheck, Known, PairRow, Plan, SongRow, UserRow, append, check_id,
    derive_pair_ids, owner_reason, report_id,
};
use crate::catalog::categories;
use crate::import::fields::{self, describe};
use crate::import::ids::{self, Kind};
use crate::import::report::Report;
use crate::import::source::Collection;

const C: &str = "audios";

/// What one core made of its share of the songs.
#[derive(Default)]
struct Share {
    known: Known,
    report: Report,
    songs: Vec<SongRow>,
    /// Each owner's artist, made at their first song in the share.
    artists: Vec<ArtistRow>,
    likes: Vec<PairRow>,
}

pub(super) fn songs(
    collection: &Collection,
    users: &Known,
    report: &mut Report,
    plan: &mut Plan,
) -> Known {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    songs_in_shares(collection, users, report, plan, cores)
}

fn songs_in_shares(
    collection: &Collection,
    users: &Known,
    report: &mut Report,
    plan: &mut Plan,
    cores: usize,
) -> Known {
    // Every id first, in one pass (one field read and one set insert per song): whichever
    // core reads a document, the first one holding an id is the one kept.
    let mut seen = HashSet::default();
    let ids: Vec<IdCheck> = collection
        .iter()
        .map(|document| check_id(document, &mut seen))
        .collect();
    drop(seen);
    let owners: HashMap<Uuid, &UserRow> = plan.users.iter().map(|u| (u.id, u)).collect();
    let size = ids.len().div_ceil(cores).max(1);
    let shares: Vec<Share> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..ids.len())
            .step_by(size)
            .map(|start| {
                let places = start..(start + size).min(ids.len());
                let (ids, owners) = (&ids, &owners);
                scope.spawn(move || share(collection, places, ids, users, owners))
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("a songs thread panicked"))
            .collect()
    });
    drop(owners);
    let mut known = Known::default();
    let mut artists = HashSet::default();
    for share in shares {
        known.kept.extend(share.known.kept);
        known.skipped.extend(share.known.skipped);
        report.absorb(share.report);
        append(&mut plan.songs, share.songs);
        let first_seen = share.artists.into_iter().filter(|a| artists.insert(a.id));
        plan.artists.extend(first_seen);
        append(&mut plan.likes, share.likes);
    }
    derive_pair_ids(&mut plan.likes, "likes");
    known
}

/// The songs at `places`, as one pass over them alone would plan them.
fn share(
    collection: &Collection,
    places: Range<usize>,
    ids: &[IdCheck],
    users: &Known,
    owners: &HashMap<Uuid, &UserRow>,
) -> Share {
    let mut share = Share::default();
    share.songs.reserve(places.len());
    let mut artists = HashSet::default();
    let mut likers = HashSet::default();
    let documents = collection.documents(places.clone());
    for (index, document) in places.zip(documents) {
        let Some(id) = report_id(&mut share.report, C, index, ids[index]) else {
            continue;
        };
        let owner = match fields::get(document, "owner").map(|o| users.resolve(o)) {
            Some(Ok((owner_id, owner))) => (owner_id, owner),
            Some(Err(reason)) => {
                let detail = format!(
                    "owner {}",
                    fields::get(document, "owner")
                        .map(describe)
                        .unwrap_or_default()
                );
                share
                    .report
                    .skip(C, id.to_hex(), owner_reason(reason), detail);
                share.known.skipped.insert(id);
                continue;
            }
            None => {
                share
                    .report
                    .skip(C, id.to_hex(), "invalid_owner", "no owner");
                share.known.skipped.insert(id);
                continue;
            }
        };
        let Some(title) = fields::text(document, "title") else {
            share
                .report
                .skip(C, id.to_hex(), "invalid_title", "no title");
            share.known.skipped.insert(id);
            continue;
        };
        let (file_url, file_public_id) = fields::media(document, "file");
        let Some(file_url) = file_url else {
            share.report.skip(
                C,
                id.to_hex(),
                "missing_file",
                "no file.url: nothing to play",
            );
            share.known.skipped.insert(id);
            continue;
        };
        let file_public_id = file_public_id.unwrap_or_else(|| {
            share.report.adjust(
                C,
                id.to_hex(),
                "file.publicId",
                "missing; the URL stands in",
            );
            file_url.clone()
        });
        let category = match fields::text(document, "category") {
            None => categories::DEFAULT_CATEGORY,
            Some(category) => categories::canonical(&category).unwrap_or_else(|| {
                share.report.adjust(
                    C,
                    id.to_hex(),
                    "category",
                    format!("unknown {category:?}; filed under Others"),
                );
                categories::DEFAULT_CATEGORY
            }),
        };
        let (poster_url, poster_public_id) = fields::media(document, "poster");
        let uuid = ids::uuid(Kind::Song, &id);
        let artist = ids::uuid(Kind::OwnerArtist, &owner.0);
        let user = owners[&owner.1];
        if artists.insert(artist) {
            share.artists.push(ArtistRow {
                id: artist,
                name: user.name.clone(),
                user: owner.1,
                created: user.created,
            });
        }
        share.known.kept.insert(id, uuid);
        share.report.imported(C);
        let updated = fields::updated_at(document);
        share.songs.push(SongRow {
            id: uuid,
            title,
            about: fields::text(document, "about"),
            category,
            file_url,
            file_public_id,
            poster_url,
            poster_public_id,
            owner: owner.1,
            artist,
            artist_name: user.name.clone(),
            created: fields::created_at(document),
            updated,
        });
        likers.clear();
        for value in fields::array(document, "likes") {
            match users.resolve(value) {
                Ok((_, user)) if likers.insert(user) => {
                    share.report.reference_kept("audios.likes");
                    share.likes.push(PairRow {
                        id: Uuid::nil(), // derived once every share is in, on every core
                        user,
                        song: uuid,
                        at: updated,
                    });
                }
                Ok(_) => share.report.reference_dropped(
                    "audios.likes",
                    id.to_hex(),
                    describe(value),
                    "repeat",
                ),
                Err(reason) => share.report.reference_dropped(
                    "audios.likes",
                    id.to_hex(),
                    describe(value),
                    reason,
                ),
            }
        }
    }
    share
}

#[cfg(test)]
mod tests {
    use bson::oid::ObjectId;
    use bson::{Bson, doc};
    use chrono::Utc;

    use super::*;

    fn oid(n: u8) -> ObjectId {
        ObjectId::from_bytes([0x65, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n])
    }

    /// Users 1–3; songs 10–29 owned in turn by users 1, 2, 3 and a user the plan does not
    /// hold (99), liked by users 1 and 3 (and 1 again); song 12 appears a second time in the
    /// last share and one song has no id.
    fn fixture() -> (Collection, Known, Plan) {
        let mut users = Known::default();
        let mut plan = Plan::default();
        for n in 1..=3 {
            let id = ids::uuid(Kind::User, &oid(n));
            users.kept.insert(oid(n), id);
            plan.users.push(UserRow {
                id,
                name: format!("user {n}"),
                email: format!("u{n}@example.test"),
                password: "!".into(),
                verified: true,
                avatar_url: None,
                avatar_public_id: None,
                created: Utc::now(),
                updated: Utc::now(),
            });
        }
        let mut collection = Collection::default();
        let owners = [1, 2, 3, 99];
        for n in 10..30u8 {
            let mut song = doc! {
                "_id": oid(n), "title": format!("Song {n}"), "owner": oid(owners[n as usize % 4]),
                "file": { "url": format!("https://files.test/{n}.mp3") },
                "likes": [Bson::ObjectId(oid(1)), Bson::ObjectId(oid(3)), Bson::ObjectId(oid(1))],
            };
            if n == 20 {
                song.remove("_id");
            }
            collection.push(&song).unwrap();
        }
        let repeat =
            doc! { "_id": oid(12), "title": "Again", "owner": oid(1), "file": { "url": "x" } };
        collection.push(&repeat).unwrap();
        (collection, users, plan)
    }

    #[test]
    fn songs_planned_in_shares_are_planned_as_in_one_pass() {
        let plan_in = |cores| {
            let (collection, users, mut plan) = fixture();
            let mut report = Report::default();
            let known = songs_in_shares(&collection, &users, &mut report, &mut plan, cores);
            let songs: Vec<Uuid> = plan.songs.iter().map(|s| s.id).collect();
            let artists: Vec<(Uuid, String)> = plan
                .artists
                .iter()
                .map(|a| (a.id, a.name.clone()))
                .collect();
            let likes: Vec<(Uuid, Uuid, Uuid)> =
                plan.likes.iter().map(|l| (l.id, l.user, l.song)).collect();
            let skipped: Vec<(String, &str)> = report
                .skipped
                .iter()
                .map(|s| (s.id.clone(), s.reason))
                .collect();
            let dropped: Vec<(String, &str)> = report
                .dropped
                .iter()
                .map(|d| (d.id.clone(), d.reason))
                .collect();
            let counts = format!("{:?} {:?}", report.documents, report.references);
            let mut kept: Vec<_> = known.kept.into_iter().collect();
            kept.sort();
            let mut skipped_ids: Vec<_> = known.skipped.into_iter().collect();
            skipped_ids.sort();
            (
                songs,
                artists,
                likes,
                skipped,
                dropped,
                counts,
                kept,
                skipped_ids,
            )
        };
        let one = plan_in(1);
        // Songs 10-29 but 20 (no id) and those owned by the unknown user: 14 songs, three
        // artists, two likes each (the repeated like dropped).
        assert_eq!(one.0.len(), 14);
        assert_eq!(one.1.len(), 3);
        assert_eq!(one.2.len(), 28);
        let reasons: Vec<&str> = one.3.iter().map(|(_, r)| *r).collect();
        assert!(reasons.contains(&"duplicate_id") && reasons.contains(&"invalid_id"));
        assert!(reasons.contains(&"dangling_owner"));
        for cores in [2, 3, 7, 40] {
            assert!(
                plan_in(cores) == one,
                "{cores} shares plan otherwise than one pass"
            );
        }
    }
}
