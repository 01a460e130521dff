//! ObjectId → UUID, deterministic and collision-free, so that foreign keys line up across
//! collections and a second run updates rows instead of duplicating them.
//!
//! An ObjectId has 96 bits; a UUID has 122 free bits once its version and variant are set. The
//! twelve ObjectId bytes are laid into a version-8 ("custom") UUID around the version and
//! variant fields, with a kind nibble (which table the id is for) and a fixed two-byte marker:
//!
//! ```text
//!   o0 o1 o2 o3 o4 o5 | 8k o6 | AA o7 o8 o9 o10 o11 | A3 11
//! ```
//!
//! Every ObjectId byte survives unchanged, so two ObjectIds never share a UUID. No other part
//! of Ampli makes version-8 UUIDs (they are random version 4), so a row whose id has this shape
//! was written by the importer: that is how a re-run knows which rows are its own and leaves
//! every other row alone.

use bson::oid::ObjectId;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What an id names; the same ObjectId gives different UUIDs for different kinds (a user and
/// the artist made from them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    User = 1,
    Song = 2,
    Playlist = 3,
    AutoPlaylist = 4,
    /// The artist made from a song owner (a user ObjectId).
    OwnerArtist = 5,
    /// Rows of junction tables, from a hash of what they join (see [`derived`]).
    Derived = 15,
}

const MARKER: [u8; 2] = [0xA3, 0x11];
const VARIANT_BYTE: u8 = 0xAA; // variant bits 10, then a fixed 6-bit tag

pub fn uuid(kind: Kind, id: &ObjectId) -> Uuid {
    let o = id.bytes();
    Uuid::from_bytes([
        o[0],
        o[1],
        o[2],
        o[3],
        o[4],
        o[5],
        0x80 | kind as u8,
        o[6],
        VARIANT_BYTE,
        o[7],
        o[8],
        o[9],
        o[10],
        o[11],
        MARKER[0],
        MARKER[1],
    ])
}

/// An id for a row that has no ObjectId of its own (a like, a playlist item): a hash of the
/// table and the ids it joins, in the importer's shape. 80 hash bits: a collision among a
/// billion rows has odds of about 1 in 2.4 million.
pub fn derived(table: &str, parts: &[Uuid], extra: u64) -> Uuid {
    let mut hasher = Sha256::new();
    hasher.update(table.as_bytes());
    for part in parts {
        hasher.update(part.as_bytes());
    }
    hasher.update(extra.to_be_bytes());
    let h = hasher.finalize();
    Uuid::from_bytes([
        h[0],
        h[1],
        h[2],
        h[3],
        h[4],
        h[5],
        0x80 | Kind::Derived as u8,
        h[6],
        VARIANT_BYTE,
        h[7],
        h[8],
        h[9],
        h[10],
        h[11],
        MARKER[0],
        MARKER[1],
    ])
}

/// Whether the importer made this id.
pub fn is_imported(id: &Uuid) -> bool {
    let b = id.as_bytes();
    b[6] >> 4 == 8 && b[8] == VARIANT_BYTE && b[14..] == MARKER
}

/// The SQL twin of [`is_imported`], for `WHERE` clauses on a uuid column.
pub fn sql_is_imported(column: &str) -> String {
    format!(
        "(substr(uuid_send({column}), 7, 1) in ('\\x81'::bytea, '\\x82', '\\x83', '\\x84', '\\x85', '\\x8f')
          and substr(uuid_send({column}), 9, 1) = '\\xaa'::bytea
          and substr(uuid_send({column}), 15, 2) = '\\xa311'::bytea)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_object_id_always_gives_the_same_uuid_and_every_byte_survives() {
        let id = ObjectId::parse_str("65a1b2c3d4e5f60718293a4b").unwrap();
        let a = uuid(Kind::User, &id);
        assert_eq!(a, uuid(Kind::User, &id));
        assert_eq!(a.get_version_num(), 8);
        assert_eq!(a.get_variant(), uuid::Variant::RFC4122);
        assert!(is_imported(&a));
        assert_ne!(a, uuid(Kind::Song, &id));
        // Flipping any one bit of the ObjectId changes the UUID.
        for byte in 0..12 {
            let mut bytes = id.bytes();
            bytes[byte] ^= 1;
            assert_ne!(uuid(Kind::User, &ObjectId::from_bytes(bytes)), a);
        }
        assert!(!is_imported(&Uuid::new_v4()));
        let like = derived("likes", &[a], 0);
        assert!(is_imported(&like));
        assert_ne!(like, derived("likes", &[a], 1));
    }
}
