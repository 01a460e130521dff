//! App passwords: the credentials a user hands to Subsonic apps instead of their account
//! password. Each is shown once, kept encrypted (Subsonic's token scheme needs the plaintext
//! to recompute `md5(password + salt)`), checked in constant time, counted against the same
//! failure allowances as sign-in, and revoked at once (every request reads the table).

use chrono::Utc;
use md5::{Digest, Md5};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use sqlx::PgPool;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::fields::{DisplayName, EmailAddress};
use super::limits::{Allowance, Attempt};
use super::store::app_passwords::{self as store, AppPasswordRow, SealedRow};
use super::store::users;
use super::{Accounts, AccountsError, AuthUser};
use crate::http::client_ip::network_of;
use crate::secrets::{random_bytes, server_key, token_hash};

/// Most app passwords one account holds: one per app and device is a handful.
pub const MAX_APP_PASSWORDS: i64 = 50;
/// Characters in a generated app password: alphanumerics only (they travel in query strings
/// and are typed on phones), 24 of them: about 143 bits.
const PASSWORD_CHARS: usize = 24;
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The AES-256-GCM key app passwords are sealed with, kept in the database like the other
/// server keys so that every instance opens what another sealed.
pub struct AppPasswordCipher {
    key: LessSafeKey,
}

impl AppPasswordCipher {
    pub async fn load(db: &PgPool) -> anyhow::Result<Self> {
        let bytes = server_key(db, "app_password_aes256", &random_bytes::<32>()).await?;
        Self::new(&bytes)
    }

    fn new(bytes: &[u8]) -> anyhow::Result<Self> {
        let key = UnboundKey::new(&AES_256_GCM, bytes)
            .map_err(|_| anyhow::anyhow!("the stored app-password key is not 32 bytes"))?;
        Ok(Self {
            key: LessSafeKey::new(key),
        })
    }

    /// nonce ‖ ciphertext ‖ tag, bound to the owner: a secret copied onto another user's row
    /// does not open.
    fn seal(&self, owner: Uuid, password: &str) -> Vec<u8> {
        let nonce = random_bytes::<NONCE_LEN>();
        let mut sealed = password.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(owner.as_bytes()),
                &mut sealed,
            )
            .expect("AES-GCM seals any password shorter than 64 GiB");
        [nonce.as_slice(), &sealed].concat()
    }

    fn open(&self, owner: Uuid, sealed: &[u8]) -> Option<Vec<u8>> {
        let (nonce, ciphertext) = sealed.split_at_checked(NONCE_LEN)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buffer = ciphertext.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(owner.as_bytes()), &mut buffer)
            .ok()?;
        Some(plain.to_vec())
    }
}

/// A new app password: shown to its owner this once.
pub struct NewAppPassword {
    pub row: AppPasswordRow,
    pub password: String,
}

/// What a Subsonic request presents.
pub enum AppCredential<'a> {
    /// `u` + `p` (already decoded from `enc:` hex).
    Password { user: &'a str, password: &'a [u8] },
    /// `u` + `t` + `s`: `t` is md5(password + salt) in hex.
    Token {
        user: &'a str,
        token: &'a str,
        salt: &'a str,
    },
    /// `apiKey`: the app password itself, naming no user.
    ApiKey(&'a str),
}

impl AppCredential<'_> {
    fn matches(&self, password: &[u8]) -> bool {
        match self {
            Self::Password {
                password: given, ..
            } => bool::from(password.ct_eq(given)),
            Self::Token { token, salt, .. } => {
                let expected = hex::encode(Md5::digest([password, salt.as_bytes()].concat()));
                bool::from(
                    expected
                        .as_bytes()
                        .ct_eq(token.to_ascii_lowercase().as_bytes()),
                )
            }
            Self::ApiKey(key) => bool::from(password.ct_eq(key.as_bytes())),
        }
    }
}

/// The user an app signed in as.
#[derive(Debug, Clone)]
pub struct AppCaller {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub verified: bool,
    /// Where the user's avatar pictures are stored, if they have one.
    pub avatar_prefix: Option<String>,
    pub app_password_id: Uuid,
}

impl Accounts {
    pub async fn create_app_password(
        &self,
        caller: &AuthUser,
        name: &str,
    ) -> Result<NewAppPassword, AccountsError> {
        let name = DisplayName::parse(name).map_err(|e| AccountsError::Invalid(vec![e]))?;
        let password = new_app_password();
        let sealed = self.app_password_cipher.seal(caller.user_id, &password);
        let row = store::create(
            &self.db,
            caller.user_id,
            name.as_str(),
            &sealed,
            &token_hash(&password),
            MAX_APP_PASSWORDS,
        )
        .await?
        .ok_or(AccountsError::TooManyAppPasswords)?;
        Ok(NewAppPassword { row, password })
    }

    pub async fn app_passwords(
        &self,
        caller: &AuthUser,
    ) -> Result<Vec<AppPasswordRow>, AccountsError> {
        Ok(store::list(&self.db, caller.user_id).await?)
    }

    pub async fn revoke_app_password(
        &self,
        caller: &AuthUser,
        id: Uuid,
    ) -> Result<(), AccountsError> {
        if store::delete(&self.db, caller.user_id, id).await? {
            Ok(())
        } else {
            Err(AccountsError::AppPasswordNotFound)
        }
    }

    /// The user whose app password `credential` presents, from `client_ip`. Every failure
    /// is `InvalidCredentials`, whatever was wrong, and counts against the sign-in failure
    /// allowances; the account password never matches.
    pub async fn authenticate_app(
        &self,
        credential: &AppCredential<'_>,
        client_ip: &str,
    ) -> Result<AppCaller, AccountsError> {
        let client = network_of(client_ip);
        let (attempt, user, candidates) = match credential {
            AppCredential::Password { user, .. } | AppCredential::Token { user, .. } => {
                // Unknown and malformed addresses are counted alike, by the text given.
                let account = EmailAddress::parse(user)
                    .map(|email| email.lookup_key())
                    .unwrap_or_else(|_| user.to_lowercase());
                let attempt = self.admit_app_check(Some(&account), &client).await?;
                let user = users::find_by_email(&self.db, &account).await?;
                let candidates = match &user {
                    Some(user) => store::sealed_of_user(&self.db, user.userid).await?,
                    None => Vec::new(),
                };
                (attempt, user, candidates)
            }
            AppCredential::ApiKey(key) => {
                let attempt = self.admit_app_check(None, &client).await?;
                let found = store::sealed_by_hash(&self.db, &token_hash(key)).await?;
                (attempt, None, found.into_iter().collect())
            }
        };
        let matched = self.first_match(credential, &candidates);
        let Some(row) = matched else {
            return Err(AccountsError::InvalidCredentials);
        };
        // The apiKey scheme names no user: the password's owner is read now.
        let user = match user {
            Some(user) => user,
            None => users::find(&self.db, row.userid)
                .await?
                .ok_or(AccountsError::InvalidCredentials)?,
        };
        attempt.succeeded();
        let fresh = row
            .lastusedat
            .is_some_and(|at| (Utc::now() - at).num_seconds() < store::TOUCH_EVERY_SECS);
        if !fresh {
            store::touch(&self.db, row.apppasswordid).await?;
        }
        Ok(AppCaller {
            user_id: user.userid,
            verified: user.is_verified(),
            name: user.name,
            email: user.email,
            is_admin: user.isadmin,
            avatar_prefix: user.avatarpublicid,
            app_password_id: row.apppasswordid,
        })
    }

    /// The candidate the credential opens. Every candidate is tried, matched or not, so the
    /// time taken does not say which one matched.
    fn first_match<'r>(
        &self,
        credential: &AppCredential<'_>,
        candidates: &'r [SealedRow],
    ) -> Option<&'r SealedRow> {
        let mut matched = None;
        for row in candidates {
            let opens = self
                .app_password_cipher
                .open(row.userid, &row.secret)
                .is_some_and(|password| credential.matches(&password));
            if opens && matched.is_none() {
                matched = Some(row);
            }
        }
        matched
    }

    /// Counts an app credential check against the sign-in failure allowances (for the
    /// account when one is named, and for the client). No at-once limit: the check is cheap,
    /// and apps send many requests in parallel.
    async fn admit_app_check(
        &self,
        account: Option<&str>,
        client: &str,
    ) -> Result<Attempt, AccountsError> {
        let per_hour: Vec<Allowance> = match account {
            Some(account) => self.failure_allowances(account, client).to_vec(),
            None => vec![Allowance::new(
                format!("sign-in:client:{client}"),
                self.limits.sign_in_failures_per_ip,
            )],
        };
        Ok(self.limiter.admit(&per_hour, &[]).await?)
    }
}

/// 24 characters drawn evenly from the alphabet (bytes past the last whole multiple of its
/// length are drawn again, so no character is likelier than another).
fn new_app_password() -> String {
    let mut password = String::with_capacity(PASSWORD_CHARS);
    let fair = 256 - 256 % ALPHABET.len();
    while password.len() < PASSWORD_CHARS {
        for byte in random_bytes::<32>() {
            if usize::from(byte) < fair && password.len() < PASSWORD_CHARS {
                password.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
            }
        }
    }
    password
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_password_opens_for_its_owner_only_and_not_when_altered() {
        let cipher = AppPasswordCipher::new(&[7; 32]).unwrap();
        let (owner, other) = (Uuid::new_v4(), Uuid::new_v4());
        let sealed = cipher.seal(owner, "Secret123");
        assert_eq!(
            cipher.open(owner, &sealed).as_deref(),
            Some(&b"Secret123"[..])
        );
        assert_eq!(cipher.open(other, &sealed), None);
        let mut altered = sealed.clone();
        altered[NONCE_LEN] ^= 1;
        assert_eq!(cipher.open(owner, &altered), None);
        assert_eq!(cipher.open(owner, &sealed[..5]), None);
        let another_key = AppPasswordCipher::new(&[8; 32]).unwrap();
        assert_eq!(another_key.open(owner, &sealed), None);
        // A fresh nonce each time: the same password seals differently.
        assert_ne!(cipher.seal(owner, "Secret123"), sealed);
    }

    #[test]
    fn generated_passwords_are_24_alphanumerics_and_differ() {
        let a = new_app_password();
        let b = new_app_password();
        assert_eq!(a.len(), 24);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn a_token_is_md5_of_password_and_salt_in_either_case() {
        // md5("sesame" + "c19b2d") as the Subsonic documentation's example computes it.
        let token = hex::encode(Md5::digest(b"sesamec19b2d"));
        let lower = AppCredential::Token {
            user: "u",
            token: &token,
            salt: "c19b2d",
        };
        assert!(lower.matches(b"sesame"));
        let upper = token.to_uppercase();
        let upper = AppCredential::Token {
            user: "u",
            token: &upper,
            salt: "c19b2d",
        };
        assert!(upper.matches(b"sesame"));
        assert!(!upper.matches(b"sesame!"));
        let wrong_salt = AppCredential::Token {
            user: "u",
            token: &token,
            salt: "c19b2e",
        };
        assert!(!wrong_salt.matches(b"sesame"));
    }
}
