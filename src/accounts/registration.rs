//! Sign-up and email verification.

use super::fields::{Checks, DisplayName, EmailAddress, NewPassword};
use super::store::one_time_tokens::{self, Purpose};
use super::store::users::{self, CreateError, UserRow};
use super::{Accounts, AccountsError};
use crate::mail::Template;
use crate::secrets::{new_token, token_hash};

impl Accounts {
    /// Creates the account and mails a verification link. An address that already has an
    /// account gets the same answer, and its owner a mail saying so: the answer never tells
    /// anyone whether an address is registered. The password is hashed either way, so the
    /// time taken does not tell either.
    pub async fn register(
        &self,
        name: &str,
        email: &str,
        password: &str,
    ) -> Result<(), AccountsError> {
        let mut checks = Checks::default();
        let name = checks.take(DisplayName::parse(name));
        let email = checks.take(EmailAddress::parse(email));
        let password = checks.take(NewPassword::parse(password, "password"));
        checks.finish().map_err(AccountsError::Invalid)?;
        let (Some(name), Some(email), Some(password)) = (name, email, password) else {
            unreachable!("finish() fails when a field is missing");
        };
        let hash = self.hasher.hash(password.expose()).await?;
        match users::create(&self.db, name.as_str(), email.as_str(), &hash).await {
            Ok(user) => self.send_verification(&user).await,
            Err(CreateError::EmailTaken) => self.tell_owner_of(&email).await,
            Err(CreateError::Database(error)) => Err(error.into()),
        }
    }

    /// Mails the owner of `email` that someone tried to sign up with it, within the address's
    /// mail allowance (past it, silently nothing: the answer must not differ).
    async fn tell_owner_of(&self, email: &EmailAddress) -> Result<(), AccountsError> {
        let Some(owner) = users::find_by_email(&self.db, &email.lookup_key()).await? else {
            return Ok(());
        };
        // Unavailable limits send nothing either: the answer is the same.
        let allowed = self
            .limiter
            .hit(
                &format!("mail:address:{}", email.lookup_key()),
                self.limits.mail_requests_per_address,
            )
            .await
            .is_ok();
        if allowed {
            let link = format!("{}/forgot-password", self.public_url);
            self.send_later(
                Template::AccountExists { link: &link }.render(&owner.name, &owner.email),
            );
        }
        Ok(())
    }

    /// Replaces the user's verification token with a new one and mails its link.
    pub async fn send_verification(&self, user: &UserRow) -> Result<(), AccountsError> {
        let token = new_token();
        let mut connection = self.db.acquire().await?;
        one_time_tokens::replace(
            &mut connection,
            Purpose::VerifyEmail,
            user.userid,
            &token_hash(&token),
        )
        .await?;
        let link = self.link("verify-email", &token);
        self.send_later(Template::VerifyEmail { link: &link }.render(&user.name, &user.email));
        Ok(())
    }

    /// Answers the same whether or not the address has an account, within the limits.
    pub async fn resend_verification(
        &self,
        email: &str,
        client_ip: &str,
    ) -> Result<(), AccountsError> {
        let email = EmailAddress::parse(email).map_err(|e| AccountsError::Invalid(vec![e]))?;
        self.count_mail_request(&email, client_ip).await?;
        if let Some(user) = users::find_by_email(&self.db, &email.lookup_key()).await?
            && !user.is_verified()
        {
            self.send_verification(&user).await?;
        }
        Ok(())
    }

    /// Uses up a verification token and marks its user verified.
    pub async fn verify_email(&self, token: &str) -> Result<(), AccountsError> {
        let mut tx = self.db.begin().await?;
        let user = one_time_tokens::consume(&mut tx, Purpose::VerifyEmail, &token_hash(token))
            .await?
            .ok_or(AccountsError::InvalidVerificationToken)?;
        users::mark_verified(&mut *tx, user).await?;
        tx.commit().await?;
        self.sessions_changed();
        Ok(())
    }

    /// Counts a request for a verification or reset mail against the address and the IP.
    pub(super) async fn count_mail_request(
        &self,
        email: &EmailAddress,
        client_ip: &str,
    ) -> Result<(), AccountsError> {
        self.limiter
            .hit(
                &format!("mail:ip:{client_ip}"),
                self.limits.mail_requests_per_ip,
            )
            .await?;
        self.limiter
            .hit(
                &format!("mail:address:{}", email.lookup_key()),
                self.limits.mail_requests_per_address,
            )
            .await?;
        Ok(())
    }
}
