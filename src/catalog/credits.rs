//! Artist credits on songs: the roles a credit may carry, and a credit as a client sends it.
//! Crediting and uncrediting are in `songs.rs`.

use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The roles a credit may carry, as printed on real releases.
pub const ROLES: [&str; 12] = [
    "Primary",
    "Featured",
    "Composer",
    "Lyricist",
    "Producer",
    "Performer",
    "Remixer",
    "Arranger",
    "Mixer",
    "Engineer",
    "Conductor",
    "Orchestra",
];

pub fn canonical_role(role: &str) -> Option<&'static str> {
    ROLES
        .iter()
        .find(|r| r.eq_ignore_ascii_case(role.trim()))
        .copied()
}

/// One credit as a client sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreditInput {
    pub artist_id: Uuid,
    /// One of Primary, Featured, Composer, Lyricist, Producer, Performer, Remixer, Arranger,
    /// Mixer, Engineer, Conductor, Orchestra. [default: Primary]
    pub role: Option<String>,
}
