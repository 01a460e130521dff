//! Access tokens: short-lived JWTs (HS256) naming the user and the device session. The
//! signing key lives in the database (ServerSecrets) so that every instance shares it and a
//! new deployment needs no configuration.

use std::time::Duration;

use anyhow::Context;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use crate::secrets::{random_bytes, server_key};

const KEY_NAME: &str = "access_token_hs256";
const ISSUER: &str = "ampli";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: Uuid,
    /// The device session (UserTokens.TokenID): the token dies with it.
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

#[derive(Clone)]
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl: Duration,
}

impl AccessTokens {
    /// Loads the signing key, making it on first start.
    pub async fn load(db: &PgPool, ttl: Duration) -> anyhow::Result<Self> {
        let secret = server_key(db, KEY_NAME, &random_bytes::<64>())
            .await
            .context("loading the access-token key")?;
        Ok(Self::from_secret(&secret, ttl))
    }

    pub fn from_secret(secret: &[u8], ttl: Duration) -> Self {
        // Only HS256 is accepted: `alg: none` and every other algorithm are refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    pub fn issue(&self, user: Uuid, session: Uuid) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user,
            sid: session,
            iat: now,
            exp: now + self.ttl.as_secs() as i64,
            iss: ISSUER.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .context("signing an access token")
    }

    /// The claims of a genuine, unexpired token; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn tokens(secret: &[u8]) -> AccessTokens {
        AccessTokens::from_secret(secret, Duration::from_secs(900))
    }

    #[test]
    fn a_token_verifies_with_its_own_key_only() {
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let token = tokens(b"key one").issue(user, session).unwrap();
        let claims = tokens(b"key one").verify(&token).unwrap();
        assert_eq!((claims.sub, claims.sid), (user, session));
        assert!(tokens(b"key two").verify(&token).is_none());
    }

    #[test]
    fn alg_none_is_refused() {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let exp = chrono::Utc::now().timestamp() + 600;
        let payload = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"sub":"{}","sid":"{}","iat":0,"exp":{exp},"iss":"ampli"}}"#,
            Uuid::new_v4(),
            Uuid::new_v4()
        ));
        assert!(
            tokens(b"key")
                .verify(&format!("{header}.{payload}."))
                .is_none()
        );
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = tokens(b"key");
        let past = Claims {
            sub: Uuid::new_v4(),
            sid: Uuid::new_v4(),
            iat: 0,
            exp: chrono::Utc::now().timestamp() - 60,
            iss: ISSUER.to_owned(),
        };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &past, &keys.encoding).unwrap();
        assert!(keys.verify(&token).is_none());
    }
}
