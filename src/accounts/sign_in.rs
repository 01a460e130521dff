//! Sign-in, refresh with rotation and theft detection, sign-out, and the list of devices.

use uuid::Uuid;

use super::fields::EmailAddress;
use super::limits::{Allowance, Attempt};
use super::passwords::Verdict;
use super::store::sessions::{self, Rotation, SessionRow};
use super::store::users::{self, UserRow};
use super::{Accounts, AccountsError, AuthUser};
use crate::http::client_ip::network_of;
use crate::secrets::{new_token, token_hash};

/// Password checks for one account that may be waiting for or using the hashing pool at once,
/// from anywhere. More are refused at once (429, retry in a second) rather than queued, so a
/// flood for one account keeps other people's sign-ins waiting behind at most this many hashes.
pub const SIGN_INS_AT_ONCE_PER_ACCOUNT: u32 = 2;
/// The same from one client network, whatever accounts it tries: room for a few people
/// behind one address signing in together.
pub const SIGN_INS_AT_ONCE_PER_CLIENT: u32 = 4;
/// The account-wide hourly allowance of failures, as a multiple of the allowance for the
/// account from one client: guessing from many networks is bounded too, and no single
/// network can fill it.
pub const ACCOUNT_WIDE_FACTOR: u32 = 10;

/// A new or refreshed device session, with the tokens for it.
pub struct SignedIn {
    pub user: UserRow,
    pub session: SessionRow,
    pub access_token: String,
    pub refresh_token: String,
}

/// Where a sign-in comes from.
pub struct Device<'a> {
    pub name: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub client_ip: &'a str,
}

impl Accounts {
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        device: Device<'_>,
    ) -> Result<SignedIn, AccountsError> {
        let email = EmailAddress::parse(email).map_err(|e| AccountsError::Invalid(vec![e]))?;
        let attempt = self
            .admit_password_check(&email.lookup_key(), &network_of(device.client_ip))
            .await?;
        let user = users::find_by_email(&self.db, &email.lookup_key()).await?;
        let verdict = match &user {
            Some(user) => self.hasher.verify(password, &user.password).await?,
            None => self.hasher.verify_dummy(password).await?,
        };
        // A failure stays counted (so does an attempt cut short by an error or a client that
        // went away); a success gives its allowance back.
        let (Some(user), Verdict::Matches { needs_rehash }) = (user, verdict) else {
            return Err(AccountsError::InvalidCredentials);
        };
        attempt.succeeded();
        if needs_rehash {
            // A bcrypt hash from the earlier Ampli (or older Argon2 parameters): upgrade it
            // now that the password is known.
            let hash = self.hasher.hash(password).await?;
            users::set_password(&self.db, user.userid, &hash).await?;
        }
        let refresh_token = new_token();
        let name = device
            .name
            .map(|n| truncate(n.trim(), 100))
            .filter(|n| !n.is_empty());
        let agent = device.user_agent.map(|a| truncate(a, 512));
        let session = sessions::create(
            &self.db,
            user.userid,
            &token_hash(&refresh_token),
            name.as_deref(),
            agent.as_deref(),
            self.session_ttl,
        )
        .await?;
        let access_token = self.access_tokens.issue(user.userid, session.tokenid)?;
        Ok(SignedIn {
            user,
            session,
            access_token,
            refresh_token,
        })
    }

    /// The hourly failure allowances of a password check for `account` from `client` (see
    /// `admit_password_check`); app passwords count against the same ones.
    pub(super) fn failure_allowances(&self, account: &str, client: &str) -> [Allowance; 3] {
        let per_account = self.limits.sign_in_failures_per_account;
        [
            Allowance::new(format!("sign-in:account:{account}:{client}"), per_account),
            Allowance::new(
                format!("sign-in:account:{account}"),
                per_account.saturating_mul(ACCOUNT_WIDE_FACTOR),
            ),
            Allowance::new(
                format!("sign-in:client:{client}"),
                self.limits.sign_in_failures_per_ip,
            ),
        ]
    }

    /// Admits one password check for `account` (the address as typed, so unknown addresses
    /// are counted alike) from `client` (a network, or a session for a signed-in user
    /// confirming their password), before any hashing, against:
    /// - failures per hour for the account from this client (`sign_in_failures_per_account`):
    ///   what a guesser fills, and only for themselves;
    /// - failures per hour for the account from anywhere, [`ACCOUNT_WIDE_FACTOR`] times that;
    /// - failures per hour from this client over every account (`sign_in_failures_per_ip`);
    /// - checks in progress at once, per account and per client.
    pub(super) async fn admit_password_check(
        &self,
        account: &str,
        client: &str,
    ) -> Result<Attempt, AccountsError> {
        let per_hour = self.failure_allowances(account, client);
        let at_once = [
            Allowance::new(
                format!("sign-in:account:{account}"),
                SIGN_INS_AT_ONCE_PER_ACCOUNT,
            ),
            Allowance::new(
                format!("sign-in:client:{client}"),
                SIGN_INS_AT_ONCE_PER_CLIENT,
            ),
        ];
        Ok(self.limiter.admit(&per_hour, &at_once).await?)
    }

    /// Exchanges a refresh token for a new pair. A token presented twice ends its session.
    pub async fn refresh(&self, refresh_token: &str) -> Result<SignedIn, AccountsError> {
        let new_refresh = new_token();
        let rotation = sessions::rotate(
            &self.db,
            &token_hash(refresh_token),
            &token_hash(&new_refresh),
            self.session_ttl,
        )
        .await?;
        let session = match rotation {
            Rotation::Rotated(session) => session,
            Rotation::Reused => {
                self.sessions_changed();
                tracing::warn!("a used refresh token was presented again; its session was ended");
                return Err(AccountsError::RefreshTokenReused);
            }
            Rotation::Unknown => return Err(AccountsError::InvalidRefreshToken),
        };
        let user = users::find(&self.db, session.userid)
            .await?
            .ok_or(AccountsError::InvalidRefreshToken)?;
        let access_token = self.access_tokens.issue(user.userid, session.tokenid)?;
        Ok(SignedIn {
            user,
            session,
            access_token,
            refresh_token: new_refresh,
        })
    }

    pub async fn sign_out(&self, caller: &AuthUser) -> Result<(), AccountsError> {
        sessions::end(&self.db, caller.user_id, caller.session_id).await?;
        self.sessions_changed();
        Ok(())
    }

    pub async fn sign_out_everywhere(&self, caller: &AuthUser) -> Result<(), AccountsError> {
        sessions::end_all(&self.db, caller.user_id, None).await?;
        self.sessions_changed();
        Ok(())
    }

    pub async fn sessions(&self, caller: &AuthUser) -> Result<Vec<SessionRow>, AccountsError> {
        Ok(sessions::list(&self.db, caller.user_id).await?)
    }

    /// Ends one of the caller's sessions; another user's session is "not found".
    pub async fn end_session(&self, caller: &AuthUser, session: Uuid) -> Result<(), AccountsError> {
        if sessions::end(&self.db, caller.user_id, session).await? {
            self.sessions_changed();
            Ok(())
        } else {
            Err(AccountsError::SessionNotFound)
        }
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(max_chars)
        .collect()
}
