//! Accounts and sessions: sign-up, email verification, sign-in on many devices, password
//! reset, the caller's own account and avatar. `Accounts` (below) is the service; the
//! `AuthUser` / `MaybeAuthUser` extractors (`auth_user.rs`) identify the caller for every
//! other capability.
//!
//! The lowest capability: it imports no other, only what lies below it: `http`, `secrets`
//! (the access-token key), `media` (avatar pictures), `storage` (their files), `mail` and
//! `config`. Social, library, catalog, search and discovery call it for the caller and for a
//! user's public face.
//!
//! Where things are: the HTTP handlers in `routes/` (one file per group: `auth`, `web`
//! sign-in, `sessions`, `me`), all SQL in `store/` (`users`, `sessions`, `one_time_tokens`),
//! the errors in `error.rs`, and each flow beside this file (`registration`, `sign_in`,
//! `recovery`, `profile`, `avatar`), with the pieces they share (`auth_user`,
//! `access_tokens`, `passwords`, `fields`, `limits`).

pub mod access_tokens;
pub mod app_passwords;
mod auth_user;
pub mod avatar;
mod error;
pub mod fields;
pub mod limits;
mod open_sessions;
pub mod passwords;
mod profile;
mod recovery;
mod registration;
mod routes;
mod sign_in;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;

pub use auth_user::{AuthUser, MaybeAuthUser};
pub use error::AccountsError;
pub use routes::router;
pub use sign_in::{
    ACCOUNT_WIDE_FACTOR, SIGN_INS_AT_ONCE_PER_ACCOUNT, SIGN_INS_AT_ONCE_PER_CLIENT, SignedIn,
};

use crate::config::{AbuseLimits, Config};
use crate::mail::{Mail, Mailer};
use crate::shared::{Shared, TableNotices};
use crate::storage::Storage;
use access_tokens::AccessTokens;
use app_passwords::AppPasswordCipher;
use limits::Limiter;
use passwords::PasswordHasher;

/// Everything the account flows need, built once at start.
pub struct Accounts {
    pub db: PgPool,
    pub hasher: PasswordHasher,
    pub access_tokens: AccessTokens,
    pub app_password_cipher: AppPasswordCipher,
    pub mailer: Mailer,
    pub limiter: Limiter,
    pub limits: AbuseLimits,
    pub session_ttl: Duration,
    pub public_url: String,
    pub storage: Storage,
    /// Open sessions by (session, user), kept while PostgreSQL's notices are heard.
    open_sessions: open_sessions::OpenSessions,
    notices: TableNotices,
}

impl Accounts {
    pub async fn new(
        db: PgPool,
        config: &Config,
        storage: Storage,
        shared: &Shared,
    ) -> anyhow::Result<Arc<Self>> {
        let access_tokens = AccessTokens::load(&db, config.access_token_ttl).await?;
        let hasher = PasswordHasher::new(config.password_hashing_threads)?;
        let app_password_cipher = AppPasswordCipher::load(&db).await?;
        Ok(Arc::new(Self {
            db,
            hasher,
            access_tokens,
            app_password_cipher,
            mailer: Mailer::from_config(config)?,
            // With Redis the hourly windows are shared by every instance.
            limiter: shared
                .redis
                .clone()
                .map(Limiter::shared)
                .unwrap_or_default(),
            limits: config.limits,
            session_ttl: config.session_ttl,
            public_url: config.public_url.clone(),
            storage,
            open_sessions: open_sessions::cache(&shared.notices),
            notices: shared.notices.clone(),
        }))
    }

    /// A link into the web app carrying `token`, e.g. /verify-email?token=….
    fn link(&self, page: &str, token: &str) -> String {
        format!("{}/{page}?token={token}", self.public_url)
    }

    /// Sends in the background: the answer to the request does not wait for (or reveal) the
    /// mail server, and a failure is logged rather than lost.
    fn send_later(&self, mail: Mail) {
        let mailer = self.mailer.clone();
        tokio::spawn(async move {
            if let Err(error) = mailer.send(mail).await {
                tracing::error!(error = format!("{error:#}"), "sending mail");
            }
        });
    }
}
