//! Secret tokens handed to people (refresh, verification and reset tokens): 256 random bits,
//! URL-safe, stored only as their SHA-256; and the server's own keys, kept in the database so
//! that every instance signs with the same one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// A new token: 32 bytes from the operating system's CSPRNG, base64url (43 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored in place of a token. A fast hash suffices: the token has 256 bits of
/// entropy, so there is nothing to guess.
pub fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// Random bytes for server-side keys.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    bytes
}

/// The server key named `name`, made from `fresh` on first start. Concurrent first starts
/// agree on one key: the insert that loses does nothing and everyone reads the winner's.
pub async fn server_key(db: &PgPool, name: &str, fresh: &[u8]) -> sqlx::Result<Vec<u8>> {
    sqlx::query(
        "insert into serversecrets (name, secret) values ($1, $2) on conflict (name) do nothing",
    )
    .bind(name)
    .bind(fresh)
    .execute(db)
    .await?;
    sqlx::query_scalar("select secret from serversecrets where name = $1")
        .bind(name)
        .fetch_one(db)
        .await
}
