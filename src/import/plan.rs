//! From documents to rows: every mapping of the seed's "Migration from MongoDB", the dirty
//! cases real dumps hold, and a report entry for everything that does not become a row.
//!
//! Decisions (README, "Moving from the MongoDB Ampli"):
//! - A user is kept once per address, compared trimmed and without case; the earliest
//!   registered account keeps it. An address already used by an account the import did not
//!   create is not taken over.
//! - A song owner becomes an artist (named after them, linked to their account) credited as
//!   `Primary` on each of their songs: the earlier Ampli had no artists, and without credits
//!   songs would show no one and search by artist would find nothing.
//! - `tokens[]` (device JWTs) become sessions holding only the token's hash, expiring when the
//!   JWT did (or 30 days after the account last changed); expired ones are dropped.
//! - Email-verification and password-reset tokens are not carried: they were bcrypt hashes of
//!   six-digit codes valid for an hour, which Ampli's single-use link tokens cannot check. An
//!   unverified account stays unverified and asks for a new mail.
//! - Visibility `auto` becomes `private`: those were per-user system lists.

/// Maps keyed by ids with foldhash rather than std's SipHash: the plan makes tens of millions
/// of lookups, and the keys come from the operator's own dump, not from strangers.
mod songs;

type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

use bson::RawDocument;
use bson::oid::ObjectId;
use bson::raw::RawBsonRef;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::fields::{self, clip, describe};
use super::ids::{self, Kind};
use super::report::Report;
use super::source::Collection;
use crate::catalog::categories;
use crate::secrets::token_hash;
use songs::songs;

pub struct UserRow {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub password: String,
    pub verified: bool,
    pub avatar_url: Option<String>,
    pub avatar_public_id: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

pub struct ArtistRow {
    pub id: Uuid,
    pub name: String,
    pub user: Uuid,
    pub created: DateTime<Utc>,
}

pub struct SongRow {
    pub id: Uuid,
    pub title: String,
    pub about: Option<String>,
    pub category: &'static str,
    pub file_url: String,
    pub file_public_id: String,
    pub poster_url: Option<String>,
    pub poster_public_id: Option<String>,
    pub owner: Uuid,
    pub artist: Uuid,
    /// The artist's name, for the song's search text.
    pub artist_name: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

pub struct PlaylistRow {
    pub id: Uuid,
    pub title: String,
    /// `None` for an auto-generated playlist.
    pub visibility: Option<&'static str>,
    pub owner: Option<Uuid>,
    pub category: Option<&'static str>,
    pub songs: Vec<Uuid>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// A like or a favourite.
pub struct PairRow {
    pub id: Uuid,
    pub user: Uuid,
    pub song: Uuid,
    pub at: DateTime<Utc>,
}

pub struct HistoryRow {
    pub id: Uuid,
    pub user: Uuid,
    pub song: Uuid,
    pub progress: i32,
    pub at: DateTime<Utc>,
}

pub struct FollowRow {
    pub follower: Uuid,
    pub following: Uuid,
    pub at: DateTime<Utc>,
}

pub struct SessionRow {
    pub id: Uuid,
    pub user: Uuid,
    pub token_hash: String,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
}

#[derive(Default)]
pub struct Plan {
    pub users: Vec<UserRow>,
    pub artists: Vec<ArtistRow>,
    pub songs: Vec<SongRow>,
    pub playlists: Vec<PlaylistRow>,
    pub auto_playlists: Vec<PlaylistRow>,
    pub favorites: Vec<PairRow>,
    pub likes: Vec<PairRow>,
    pub history: Vec<HistoryRow>,
    pub follows: Vec<FollowRow>,
    pub sessions: Vec<SessionRow>,
}

impl Plan {
    /// Takes in the rows of the plan's second part ([`Rest::build`]).
    pub fn absorb(&mut self, rest: Plan) {
        append(&mut self.likes, rest.likes);
        append(&mut self.favorites, rest.favorites);
        append(&mut self.history, rest.history);
        append(&mut self.follows, rest.follows);
        append(&mut self.sessions, rest.sessions);
        append(&mut self.playlists, rest.playlists);
        append(&mut self.auto_playlists, rest.auto_playlists);
    }

    pub fn count_rows(&self, report: &mut Report) {
        let items = |lists: &[PlaylistRow]| lists.iter().map(|p| p.songs.len() as u64).sum();
        report.rows = [
            ("users", self.users.len() as u64),
            ("artists", self.artists.len() as u64),
            ("songs", self.songs.len() as u64),
            ("artistsongs", self.songs.len() as u64),
            ("playlists", self.playlists.len() as u64),
            ("playlistitems", items(&self.playlists)),
            ("autogeneratedplaylists", self.auto_playlists.len() as u64),
            ("autogeneratedplaylistitems", items(&self.auto_playlists)),
            ("favorites", self.favorites.len() as u64),
            ("likes", self.likes.len() as u64),
            ("history", self.history.len() as u64),
            ("userfollowers", self.follows.len() as u64),
            ("usertokens", self.sessions.len() as u64),
        ]
        .into_iter()
        .collect();
    }
}

/// `more` after `rows`: moved whole when `rows` holds none yet (five million likes are not
/// copied), else added one by one.
fn append<T>(rows: &mut Vec<T>, more: Vec<T>) {
    if rows.is_empty() {
        *rows = more;
    } else {
        rows.extend(more);
    }
}

/// What the plan knows of the target database before it starts.
#[derive(Clone)]
pub struct Target {
    /// Lower-cased addresses of accounts the import did not create.
    pub foreign_emails: std::collections::HashSet<String>,
    pub now: DateTime<Utc>,
}

/// Ids that became rows, and those whose documents were skipped (so that a reference to them
/// is reported as "target skipped" rather than "dangling").
#[derive(Default)]
struct Known {
    kept: HashMap<ObjectId, Uuid>,
    skipped: HashSet<ObjectId>,
}

impl Known {
    /// The row a reference points at, or why it points at none.
    fn resolve(&self, value: RawBsonRef<'_>) -> Result<(ObjectId, Uuid), &'static str> {
        let Some(id) = fields::object_id(value) else {
            return Err("invalid_id");
        };
        match self.kept.get(&id) {
            Some(uuid) => Ok((id, *uuid)),
            None if self.skipped.contains(&id) => Err("target_skipped"),
            None => Err("dangling_reference"),
        }
    }
}

/// What a document's `_id` is to the plan: the first document holding an id is the one kept.
#[derive(Clone, Copy)]
enum IdCheck {
    Missing,
    Repeat(ObjectId),
    First(ObjectId),
}

fn check_id(document: &RawDocument, seen: &mut HashSet<ObjectId>) -> IdCheck {
    match fields::id(document) {
        None => IdCheck::Missing,
        Some(id) if !seen.insert(id) => IdCheck::Repeat(id),
        Some(id) => IdCheck::First(id),
    }
}

/// The id of the document at `index`, or `None` after reporting why it is skipped.
fn report_id(
    report: &mut Report,
    collection: &'static str,
    index: usize,
    check: IdCheck,
) -> Option<ObjectId> {
    match check {
        IdCheck::Missing => {
            report.skip(
                collection,
                format!("#{}", index + 1),
                "invalid_id",
                "no ObjectId in _id",
            );
            None
        }
        IdCheck::Repeat(id) => {
            report.skip(
                collection,
                id.to_hex(),
                "duplicate_id",
                "the same _id appears twice; the first is kept",
            );
            None
        }
        IdCheck::First(id) => Some(id),
    }
}

/// The document's id, or `None` after reporting it (no id, or an id seen before).
fn document_id(
    report: &mut Report,
    collection: &'static str,
    index: usize,
    document: &RawDocument,
    seen: &mut HashSet<ObjectId>,
) -> Option<ObjectId> {
    report_id(report, collection, index, check_id(document, seen))
}

/// The whole plan, one part after the other (a dry run; the import overlaps the second part
/// with writing the first, see [`Rest`]).
pub fn build(
    sources: &std::collections::HashMap<&'static str, Collection>,
    target: &Target,
    report: &mut Report,
) -> Plan {
    let (mut plan, rest) = build_first(sources, target, report);
    plan.absorb(rest.build(sources, report));
    plan.count_rows(report);
    plan
}

/// Sources by name; an absent collection is empty.
type Sources = std::collections::HashMap<&'static str, Collection>;

fn source<'a>(sources: &'a Sources, name: &str) -> &'a Collection {
    static EMPTY: Collection = Collection::EMPTY;
    sources.get(name).unwrap_or(&EMPTY)
}

/// The plan's first part: the users, the songs and their artists, which the longest loads
/// (users, then songs) write; and what the rest of the plan needs of them.
pub fn build_first(sources: &Sources, target: &Target, report: &mut Report) -> (Plan, Rest) {
    for (name, collection) in sources {
        report.read(name, collection.len() + collection.unreadable.len());
        for (location, reason) in &collection.unreadable {
            report.skip(name, location, "unreadable", reason.clone());
        }
    }
    let mut plan = Plan::default();
    let users = users(source(sources, "users"), target, report, &mut plan);
    let songs = songs(source(sources, "audios"), &users, report, &mut plan);
    let rest = Rest {
        created: plan.users.iter().map(|u| (u.id, u.created)).collect(),
        likes: std::mem::take(&mut plan.likes),
        users,
        songs,
        target: target.clone(),
    };
    (plan, rest)
}

/// What the plan's second part starts from: which documents became users and songs, when
/// each user registered, the likes made with the songs (still to be put in order).
pub struct Rest {
    users: Known,
    songs: Known,
    created: HashMap<Uuid, DateTime<Utc>>,
    likes: Vec<PairRow>,
    target: Target,
}

impl Rest {
    /// The plan's second part: likes, follows, favourites, sessions, playlists and history,
    /// as a plan holding only those; its report entries follow the first part's.
    pub fn build(self, sources: &Sources, report: &mut Report) -> Plan {
        let Rest {
            users,
            songs,
            created,
            likes,
            target,
        } = self;
        let get = |name: &str| source(sources, name);
        let mut plan = Plan {
            likes,
            ..Plan::default()
        };
        user_links(
            get("users"),
            &users,
            &songs,
            &created,
            &target,
            report,
            &mut plan,
        );
        playlists(get("playlists"), &users, &songs, report, &mut plan);
        auto_playlists(get("autogeneratedplaylists"), &songs, report, &mut plan);
        favorites(get("favorites"), &users, &songs, report, &mut plan);
        histories(get("histories"), &users, &songs, report, &mut plan);
        pending_codes(sources, &target, report);
        // Written in user order: the tables' (user, …) indexes then fill page by page instead
        // of at random, which is most of the cost of millions of likes.
        plan.likes.sort_unstable_by_key(|r| (r.user, r.song));
        plan.favorites.sort_unstable_by_key(|r| (r.user, r.song));
        plan.history.sort_unstable_by_key(|r| (r.user, r.song));
        plan.follows
            .sort_unstable_by_key(|r| (r.follower, r.following));
        plan
    }
}

/// Pending email-verification and password-reset codes: none is carried (see the module's
/// comment), each is reported as expired or as not transferable.
fn pending_codes(sources: &Sources, target: &Target, report: &mut Report) {
    for name in ["emailverificationtokens", "passwordresettokens"] {
        let mut seen = HashSet::default();
        for (index, document) in source(sources, name).iter().enumerate() {
            let Some(id) = document_id(report, name_static(name), index, document, &mut seen)
            else {
                continue;
            };
            // A code made so late that its hour ends past the last date there is never expires
            // (adding the hour would overflow).
            let expired = fields::date(document, "createdAt").is_none_or(|created| {
                created
                    .checked_add_signed(Duration::hours(1))
                    .is_some_and(|end| end < target.now)
            });
            if expired {
                report.skip(
                    name_static(name),
                    id.to_hex(),
                    "expired",
                    "older than its one-hour lifetime",
                );
            } else {
                report.skip(
                    name_static(name),
                    id.to_hex(),
                    "not_transferable",
                    "a bcrypt-hashed six-digit code: the user asks for a new mail",
                );
            }
        }
    }
}

/// Gives each pair its id derived from its user and song, on every core: a SHA-256 each,
/// which for five million likes took a second and a half of the plan's one core.
fn derive_pair_ids(rows: &mut [PairRow], table: &str) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = rows.len().div_ceil(cores).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = rows
            .chunks_mut(share)
            .map(|chunk| {
                scope.spawn(move || {
                    for row in chunk {
                        row.id = ids::derived(table, &[row.user, row.song], 0);
                    }
                })
            })
            .collect();
        // Joined here, not left to the scope: the scope returns once each closure has ended,
        // while its thread may still be exiting (freeing its thread-locals), which under the
        // fuzz target's LeakSanitizer now and then reads as a leak.
        for worker in workers {
            worker.join().expect("a pair-id thread panicked");
        }
    });
}

fn name_static(name: &str) -> &'static str {
    super::source::COLLECTIONS
        .iter()
        .find(|c| **c == name)
        .copied()
        .unwrap_or("unknown")
}

fn users(collection: &Collection, target: &Target, report: &mut Report, plan: &mut Plan) -> Known {
    const C: &str = "users";
    let mut known = Known::default();
    let mut seen = HashSet::default();
    let mut candidates = Vec::new();
    for (index, document) in collection.iter().enumerate() {
        let Some(id) = document_id(report, C, index, document, &mut seen) else {
            continue;
        };
        let email =
            fields::text(document, "email").filter(|e| e.contains('@') && e.chars().count() <= 255);
        let Some(email) = email else {
            report.skip(C, id.to_hex(), "invalid_email", "no usable email address");
            known.skipped.insert(id);
            continue;
        };
        candidates.push((fields::created_at(document), id, email, index));
    }
    // The earliest registered account keeps a shared address. Only the accounts chosen are
    // noted, by their place in the collection, to be made into rows in a second pass: holding
    // every document until then cost more than parsing them again.
    candidates.sort_by_key(|(created, id, ..)| (*created, *id));
    let mut chosen = vec![None; collection.len()];
    let mut owners: HashMap<String, ObjectId> = HashMap::default();
    for (created, id, email, index) in candidates {
        let key = email.to_lowercase();
        if let Some(first) = owners.get(&key) {
            report.skip(
                C,
                id.to_hex(),
                "duplicate_email",
                format!("{email} already belongs to {}", first.to_hex()),
            );
            known.skipped.insert(id);
            continue;
        }
        if target.foreign_emails.contains(&key) {
            report.skip(
                C,
                id.to_hex(),
                "email_taken",
                format!("{email} belongs to an account already in Ampli"),
            );
            known.skipped.insert(id);
            continue;
        }
        owners.insert(key, id);
        chosen[index] = Some((created, id, email));
    }
    for (index, document) in collection.iter().enumerate() {
        let Some((created, id, email)) = chosen[index].take() else {
            continue;
        };
        let name = match fields::text(document, "name") {
            Some(name) => clip(&name, 255),
            None => {
                let name = email.split('@').next().unwrap_or("listener").to_owned();
                report.adjust(
                    C,
                    id.to_hex(),
                    "name",
                    format!("missing; named {name} from the address"),
                );
                name
            }
        };
        let password = match fields::text(document, "password") {
            Some(hash) if hash.len() <= 255 => hash,
            _ => {
                report.adjust(
                    C,
                    id.to_hex(),
                    "password",
                    "missing; the user sets one by password reset",
                );
                "!".to_owned()
            }
        };
        let (avatar_url, avatar_public_id) = fields::media(document, "avatar");
        let uuid = ids::uuid(Kind::User, &id);
        known.kept.insert(id, uuid);
        report.imported(C);
        plan.users.push(UserRow {
            id: uuid,
            name,
            email,
            password,
            verified: fields::boolean(document, "verified").unwrap_or(false),
            avatar_url,
            avatar_public_id,
            created,
            updated: fields::updated_at(document),
        });
    }
    known
}

/// What hangs off a user document: follows (both sides, as one set), favourites, sessions.
fn user_links(
    collection: &Collection,
    users: &Known,
    songs: &Known,
    created: &HashMap<Uuid, DateTime<Utc>>,
    target: &Target,
    report: &mut Report,
    plan: &mut Plan,
) {
    let mut follows = HashSet::default();
    let mut favorites: HashSet<(Uuid, Uuid)> =
        plan.favorites.iter().map(|f| (f.user, f.song)).collect();
    let mut seen = HashSet::default();
    for document in collection.iter() {
        let Some(id) = fields::id(document) else {
            continue;
        };
        let Some(&me) = users.kept.get(&id) else {
            continue;
        };
        if !seen.insert(id) {
            continue;
        }
        for (field, reference) in [
            ("followers", "users.followers"),
            ("followings", "users.followings"),
        ] {
            for value in fields::array(document, field) {
                let other = match users.resolve(value) {
                    Ok((_, other)) => other,
                    Err(reason) => {
                        report.reference_dropped(reference, id.to_hex(), describe(value), reason);
                        continue;
                    }
                };
                let (follower, following) = if field == "followers" {
                    (other, me)
                } else {
                    (me, other)
                };
                if follower == following {
                    report.reference_dropped(
                        reference,
                        id.to_hex(),
                        describe(value),
                        "self_follow",
                    );
                } else if !follows.insert((follower, following)) {
                    report.reference_dropped(reference, id.to_hex(), describe(value), "duplicate");
                } else {
                    report.reference_kept(reference);
                    // A follow cannot predate either account.
                    let at = created[&follower].max(created[&following]);
                    plan.follows.push(FollowRow {
                        follower,
                        following,
                        at,
                    });
                }
            }
        }
        let updated = fields::updated_at(document);
        for value in fields::array(document, "favorites") {
            match songs.resolve(value) {
                Ok((_, song)) if add_favorite(plan, &mut favorites, me, song, updated) => {
                    report.reference_kept("users.favorites");
                }
                Ok(_) => report.reference_dropped(
                    "users.favorites",
                    id.to_hex(),
                    describe(value),
                    "duplicate",
                ),
                Err(reason) => report.reference_dropped(
                    "users.favorites",
                    id.to_hex(),
                    describe(value),
                    reason,
                ),
            }
        }
        let mut tokens = HashSet::default();
        for value in fields::array(document, "tokens") {
            let RawBsonRef::String(token) = value else {
                report.reference_dropped(
                    "users.tokens",
                    id.to_hex(),
                    "(not a string)",
                    "invalid_token",
                );
                continue;
            };
            let hash = token_hash(token);
            if !tokens.insert(hash.clone()) {
                report.reference_dropped("users.tokens", id.to_hex(), "(token)", "repeat");
                continue;
            }
            // Thirty days after the account last changed, or the last date there is when that
            // is later (a dump's dates are anything up to it).
            let expires = jwt_expiry(token).unwrap_or_else(|| {
                updated
                    .checked_add_signed(Duration::days(30))
                    .unwrap_or(DateTime::<Utc>::MAX_UTC)
            });
            if expires <= target.now {
                report.reference_dropped("users.tokens", id.to_hex(), "(token)", "expired");
                continue;
            }
            report.reference_kept("users.tokens");
            plan.sessions.push(SessionRow {
                id: ids::derived(
                    "usertokens",
                    &[me],
                    u64::from_be_bytes(hash.as_bytes()[..8].try_into().unwrap_or_default()),
                ),
                user: me,
                token_hash: hash,
                created: updated,
                expires,
            });
        }
    }
}

/// The `exp` claim of a JWT, read without checking its signature (only to know when the
/// session would have ended anyway).
fn jwt_expiry(token: &str) -> Option<DateTime<Utc>> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    DateTime::from_timestamp(claims.get("exp")?.as_i64()?, 0)
}

/// Songs of a playlist in order, repeats and unknown songs reported and dropped.
fn items(
    document: &RawDocument,
    id: &ObjectId,
    reference: &'static str,
    songs: &Known,
    report: &mut Report,
) -> Vec<Uuid> {
    let mut seen = HashSet::default();
    let mut items = Vec::new();
    for value in fields::array(document, "items") {
        match songs.resolve(value) {
            Ok((_, song)) if seen.insert(song) => {
                report.reference_kept(reference);
                items.push(song);
            }
            Ok(_) => report.reference_dropped(reference, id.to_hex(), describe(value), "repeat"),
            Err(reason) => {
                report.reference_dropped(reference, id.to_hex(), describe(value), reason)
            }
        }
    }
    items
}

fn owner(document: &RawDocument, users: &Known) -> Result<Uuid, (&'static str, String)> {
    match fields::get(document, "owner").map(|o| users.resolve(o)) {
        Some(Ok((_, owner))) => Ok(owner),
        Some(Err(reason)) => Err((
            owner_reason(reason),
            format!(
                "owner {}",
                fields::get(document, "owner")
                    .map(describe)
                    .unwrap_or_default()
            ),
        )),
        None => Err(("invalid_owner", "no owner".to_owned())),
    }
}

/// A document's id and its owner's user, or `None` after reporting why it is skipped (no id,
/// a repeated id, an owner that is not an imported user).
fn owned_document(
    report: &mut Report,
    collection: &'static str,
    index: usize,
    document: &RawDocument,
    seen: &mut HashSet<ObjectId>,
    users: &Known,
) -> Option<(ObjectId, Uuid)> {
    let id = document_id(report, collection, index, document, seen)?;
    match owner(document, users) {
        Ok(owner) => Some((id, owner)),
        Err((reason, detail)) => {
            report.skip(collection, id.to_hex(), reason, detail);
            None
        }
    }
}

/// Why a document whose owner did not become a user is skipped.
fn owner_reason(reason: &'static str) -> &'static str {
    match reason {
        "dangling_reference" => "dangling_owner",
        "target_skipped" => "owner_skipped",
        _ => "invalid_owner",
    }
}

fn playlists(
    collection: &Collection,
    users: &Known,
    songs: &Known,
    report: &mut Report,
    plan: &mut Plan,
) {
    const C: &str = "playlists";
    let mut seen = HashSet::default();
    for (index, document) in collection.iter().enumerate() {
        let Some((id, owner)) = owned_document(report, C, index, document, &mut seen, users) else {
            continue;
        };
        let Some(title) = fields::text(document, "title") else {
            report.skip(C, id.to_hex(), "invalid_title", "no title");
            continue;
        };
        let visibility = match fields::text(document, "visibility").as_deref() {
            Some("public") => "public",
            Some("private") => "private",
            Some("auto") => {
                report.adjust(
                    C,
                    id.to_hex(),
                    "visibility",
                    "auto (a per-user system list) → private",
                );
                "private"
            }
            other => {
                report.adjust(
                    C,
                    id.to_hex(),
                    "visibility",
                    format!("{other:?} → public, mongoose's default"),
                );
                "public"
            }
        };
        let songs = items(document, &id, "playlists.items", songs, report);
        report.imported(C);
        plan.playlists.push(PlaylistRow {
            id: ids::uuid(Kind::Playlist, &id),
            title: clip(&title, 255),
            visibility: Some(visibility),
            owner: Some(owner),
            category: None,
            songs,
            created: fields::created_at(document),
            updated: fields::updated_at(document),
        });
    }
}

fn auto_playlists(collection: &Collection, songs: &Known, report: &mut Report, plan: &mut Plan) {
    const C: &str = "autogeneratedplaylists";
    let mut seen = HashSet::default();
    for (index, document) in collection.iter().enumerate() {
        let Some(id) = document_id(report, C, index, document, &mut seen) else {
            continue;
        };
        let Some(title) = fields::text(document, "title") else {
            report.skip(C, id.to_hex(), "invalid_title", "no title");
            continue;
        };
        let category = categories::canonical(&title);
        if category.is_none() {
            report.adjust(
                C,
                id.to_hex(),
                "category",
                format!("title {title:?} names no category; none set"),
            );
        }
        let songs = items(document, &id, "autogeneratedplaylists.items", songs, report);
        report.imported(C);
        plan.auto_playlists.push(PlaylistRow {
            id: ids::uuid(Kind::AutoPlaylist, &id),
            title: clip(&title, 255),
            visibility: None,
            owner: None,
            category,
            songs,
            created: fields::created_at(document),
            updated: fields::updated_at(document),
        });
    }
}

fn favorites(
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
fn add_favorite(
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

fn histories(
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

#[cfg(test)]
mod tests {
    use bson::doc;
    use bson::oid::ObjectId;
    use chrono::TimeZone;

    use super::*;

    fn oid(n: u8) -> ObjectId {
        ObjectId::from_bytes([0x65, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n])
    }

    #[test]
    fn dates_at_the_end_of_time_are_planned_without_overflowing() {
        // The last millisecond chrono holds: a dump's date may be anything up to it.
        let last = bson::DateTime::from_millis(DateTime::<Utc>::MAX_UTC.timestamp_millis());
        let mut users = Collection::default();
        users
            .push(&doc! {
                "_id": oid(1), "email": "a@example.test", "updatedAt": last,
                "tokens": ["not a jwt, so thirty days after updatedAt"],
            })
            .unwrap();
        let mut codes = Collection::default();
        codes
            .push(&doc! { "_id": oid(2), "createdAt": last })
            .unwrap();
        let sources =
            std::collections::HashMap::from([("users", users), ("emailverificationtokens", codes)]);
        let target = Target {
            foreign_emails: Default::default(),
            now: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        };
        let mut report = Report::default();

        let plan = build(&sources, &target, &mut report);

        let expires: Vec<_> = plan.sessions.iter().map(|s| s.expires).collect();
        assert_eq!(expires, [DateTime::<Utc>::MAX_UTC]);
        let codes: Vec<_> = report
            .skipped
            .iter()
            .filter(|s| s.collection == "emailverificationtokens")
            .map(|s| s.reason)
            .collect();
        assert_eq!(codes, ["not_transferable"]);
        assert!(report.balanced());
    }
}
