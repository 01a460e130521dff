//! Sign-in, refresh with rotation and theft detection, sign-out, and the list of devices.

use uuid::Uuid;

use super::fields::EmailAddress;
use super::limits::RetryAfter;
use super::passwords::Verdict;
use super::secrets::{new_token, token_hash};
use super::store::sessions::{self, Rotation, SessionRow};
use super::store::users::{self, UserRow};
use super::{Accounts, AccountsError, AuthUser};

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
        let account_key = format!("sign-in:account:{}", email.lookup_key());
        let ip_key = format!("sign-in:ip:{}", device.client_ip);
        let too_many = |RetryAfter(retry_after)| AccountsError::TooManyAttempts { retry_after };
        self.limiter
            .check(&ip_key, self.limits.sign_in_failures_per_ip)
            .map_err(too_many)?;
        self.limiter
            .check(&account_key, self.limits.sign_in_failures_per_account)
            .map_err(too_many)?;

        let user = users::find_by_email(&self.db, &email.lookup_key()).await?;
        let verdict = match &user {
            Some(user) => self.hasher.verify(password, &user.password).await?,
            None => self.hasher.verify_dummy(password).await?,
        };
        let (Some(user), Verdict::Matches { needs_rehash }) = (user, verdict) else {
            self.limiter.record(&ip_key);
            self.limiter.record(&account_key);
            return Err(AccountsError::InvalidCredentials);
        };
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
        Ok(())
    }

    pub async fn sign_out_everywhere(&self, caller: &AuthUser) -> Result<(), AccountsError> {
        sessions::end_all(&self.db, caller.user_id, None).await?;
        Ok(())
    }

    pub async fn sessions(&self, caller: &AuthUser) -> Result<Vec<SessionRow>, AccountsError> {
        Ok(sessions::list(&self.db, caller.user_id).await?)
    }

    /// Ends one of the caller's sessions; another user's session is "not found".
    pub async fn end_session(&self, caller: &AuthUser, session: Uuid) -> Result<(), AccountsError> {
        if sessions::end(&self.db, caller.user_id, session).await? {
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
