//! Forgotten and changed passwords.

use super::fields::{EmailAddress, NewPassword};
use super::passwords::Verdict;
use super::store::one_time_tokens::{self, Purpose};
use super::store::{sessions, users};
use super::{Accounts, AccountsError, AuthUser};
use crate::mail::Template;
use crate::secrets::{new_token, token_hash};

impl Accounts {
    /// Starts a reset. Answers at once and alike whether or not the address has an account:
    /// the lookup, the token and the mail happen after the answer, in the background.
    pub async fn forgot_password(
        self: &std::sync::Arc<Self>,
        email: &str,
        client_ip: &str,
    ) -> Result<(), AccountsError> {
        let email = EmailAddress::parse(email).map_err(|e| AccountsError::Invalid(vec![e]))?;
        self.count_mail_request(&email, client_ip).await?;
        let accounts = self.clone();
        tokio::spawn(async move {
            if let Err(error) = accounts.mail_reset_link(&email).await {
                tracing::error!(error = format!("{error:#}"), "preparing a password reset");
            }
        });
        Ok(())
    }

    async fn mail_reset_link(&self, email: &EmailAddress) -> anyhow::Result<()> {
        let Some(user) = users::find_by_email(&self.db, &email.lookup_key()).await? else {
            return Ok(());
        };
        let token = new_token();
        let mut connection = self.db.acquire().await?;
        one_time_tokens::replace(
            &mut connection,
            Purpose::ResetPassword,
            user.userid,
            &token_hash(&token),
        )
        .await?;
        let link = self.link("reset-password", &token);
        self.mailer
            .send(Template::ResetPassword { link: &link }.render(&user.name, &user.email))
            .await
    }

    /// Sets a new password with a reset token, ends every session and mails a notice.
    pub async fn reset_password(&self, token: &str, password: &str) -> Result<(), AccountsError> {
        let password = NewPassword::parse(password, "password")
            .map_err(|e| AccountsError::Invalid(vec![e]))?;
        let hash = self.hasher.hash(password.expose()).await?;
        let mut tx = self.db.begin().await?;
        let user_id = one_time_tokens::consume(&mut tx, Purpose::ResetPassword, &token_hash(token))
            .await?
            .ok_or(AccountsError::InvalidResetToken)?;
        users::set_password(&mut *tx, user_id, &hash).await?;
        sessions::end_all(&mut *tx, user_id, None).await?;
        one_time_tokens::clear(&mut tx, Purpose::ResetPassword, user_id).await?;
        // Following the mailed link proves the address too.
        users::mark_verified(&mut *tx, user_id).await?;
        let user = users::find(&mut *tx, user_id).await?;
        tx.commit().await?;
        self.sessions_changed();
        if let Some(user) = user {
            self.send_later(Template::PasswordChanged.render(&user.name, &user.email));
        }
        Ok(())
    }

    /// Changes the caller's password, given the current one; other devices are signed out.
    pub async fn change_password(
        &self,
        caller: &AuthUser,
        current: &str,
        new: &str,
    ) -> Result<(), AccountsError> {
        let user = users::find(&self.db, caller.user_id)
            .await?
            .ok_or(AccountsError::SessionEnded)?;
        self.confirm_password(caller, &user, current).await?;
        let password =
            NewPassword::parse(new, "newPassword").map_err(|e| AccountsError::Invalid(vec![e]))?;
        let hash = self.hasher.hash(password.expose()).await?;
        let mut tx = self.db.begin().await?;
        users::set_password(&mut *tx, user.userid, &hash).await?;
        sessions::end_all(&mut *tx, user.userid, Some(caller.session_id)).await?;
        tx.commit().await?;
        self.sessions_changed();
        self.send_later(Template::PasswordChanged.render(&user.name, &user.email));
        Ok(())
    }

    /// Checks a password a signed-in user typed to confirm something. It is admitted like a
    /// sign-in, with the session as the client: a stolen session gets no more guesses than
    /// one network, and they count against the account-wide allowance.
    pub(super) async fn confirm_password(
        &self,
        caller: &AuthUser,
        user: &users::UserRow,
        password: &str,
    ) -> Result<(), AccountsError> {
        let client = format!("session:{}", caller.session_id);
        let attempt = self
            .admit_password_check(&user.email.to_lowercase(), &client)
            .await?;
        match self.hasher.verify(password, &user.password).await? {
            Verdict::Matches { .. } => {
                attempt.succeeded();
                Ok(())
            }
            Verdict::DoesNotMatch => Err(AccountsError::WrongPassword),
        }
    }
}
