//! The caller's own account and other people's public profiles.

use uuid::Uuid;

use super::fields::DisplayName;
use super::store::users::{self, UserRow};
use super::{Accounts, AccountsError, AuthUser};

impl Accounts {
    pub async fn me(&self, caller: &AuthUser) -> Result<UserRow, AccountsError> {
        users::find(&self.db, caller.user_id)
            .await?
            .ok_or(AccountsError::SessionEnded)
    }

    pub async fn rename(&self, caller: &AuthUser, name: &str) -> Result<UserRow, AccountsError> {
        let name = DisplayName::parse(name).map_err(|e| AccountsError::Invalid(vec![e]))?;
        users::rename(&self.db, caller.user_id, name.as_str())
            .await?
            .ok_or(AccountsError::SessionEnded)
    }

    /// Deletes the caller's account once the password is confirmed. Rows go by the schema's
    /// cascades, then its files.
    pub async fn delete_account(
        &self,
        caller: &AuthUser,
        password: &str,
    ) -> Result<UserRow, AccountsError> {
        let user = self.me(caller).await?;
        self.confirm_password(caller, &user, password).await?;
        users::delete(&self.db, user.userid).await?;
        self.sessions_changed();
        // The delete queued the folders of the account's avatars and of every song it owned
        // (migration 10): their files go now.
        self.storage.remove_deleted_now(&self.db).await;
        Ok(user)
    }

    pub async fn public_profile(&self, id: Uuid) -> Result<UserRow, AccountsError> {
        users::find(&self.db, id)
            .await?
            .ok_or(AccountsError::UserNotFound)
    }
}
