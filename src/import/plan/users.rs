//! The plan's users pass: accounts kept once per address, and what hangs off a user document
//! (follows, the favourites it lists, device tokens that become sessions).

use bson::oid::ObjectId;
use bson::raw::RawBsonRef;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::listening::add_favorite;
use super::{FollowRow, HashMap, HashSet, Known, Plan, SessionRow, Target, UserRow, document_id};
use crate::import::fields::{self, clip, describe};
use crate::import::ids::{self, Kind};
use crate::import::report::Report;
use crate::import::source::Collection;
use crate::secrets::token_hash;

pub(super) fn users(
    collection: &Collection,
    target: &Target,
    report: &mut Report,
    plan: &mut Plan,
) -> Known {
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
pub(super) fn user_links(
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
