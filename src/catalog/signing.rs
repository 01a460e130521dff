//! Short-lived signed stream URLs: an `<audio>` element cannot send an Authorization header,
//! so a signed-in client asks for a link that works for a few minutes, for one song and one
//! quality. The key lives in the database like the access-token key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::PgPool;
use uuid::Uuid;

use crate::secrets::{random_bytes, server_key};

const KEY_NAME: &str = "stream_url_hs256";
/// How long a stream link works.
pub const LINK_LIFETIME_SECS: i64 = 600;

#[derive(Clone)]
pub struct StreamSigner {
    key: Vec<u8>,
}

impl StreamSigner {
    pub async fn load(db: &PgPool) -> anyhow::Result<Self> {
        let key = server_key(db, KEY_NAME, &random_bytes::<32>()).await?;
        Ok(Self { key })
    }

    fn mac(&self, song: Uuid, quality: &str, expires: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("{song}.{quality}.{expires}").as_bytes());
        mac
    }

    /// A signature for this song and quality until `expires` (Unix seconds).
    pub fn sign(&self, song: Uuid, quality: &str, expires: i64) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(song, quality, expires).finalize().into_bytes())
    }

    /// Whether `signature` is genuine and unexpired. Compared in constant time.
    pub fn verify(&self, song: Uuid, quality: &str, expires: i64, signature: &str) -> bool {
        if expires < chrono::Utc::now().timestamp() {
            return false;
        }
        let Ok(bytes) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        self.mac(song, quality, expires)
            .verify_slice(&bytes)
            .is_ok()
    }
}
