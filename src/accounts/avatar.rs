//! The caller's avatar: checked, re-encoded in three sizes, stored under a fresh key, and the
//! old files removed only once the new ones are recorded.

use uuid::Uuid;

use super::store::users::{self, UserRow};
use super::{Accounts, AccountsError, AuthUser};
use crate::media::images::{self, Rendition};
use crate::storage::media_url;

/// The sizes an avatar is made in, smallest first. The middle one is `AvatarURL`.
pub const AVATAR_SIZES: [u32; 3] = [64, 256, 512];

/// The URL of each size of the avatar stored under `prefix`.
pub fn avatar_urls(prefix: &str) -> AvatarUrls {
    let url = |size: u32| media_url(&format!("{prefix}/{size}.jpg"));
    AvatarUrls {
        small: url(AVATAR_SIZES[0]),
        medium: url(AVATAR_SIZES[1]),
        large: url(AVATAR_SIZES[2]),
    }
}

/// An avatar in its three sizes: 64, 256 and 512 pixels square.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AvatarUrls {
    pub small: String,
    pub medium: String,
    pub large: String,
}

impl Accounts {
    pub async fn set_avatar(
        &self,
        caller: &AuthUser,
        bytes: Vec<u8>,
    ) -> Result<UserRow, AccountsError> {
        let renditions = images::square_renditions(bytes, &AVATAR_SIZES).await?;
        let prefix = format!("avatars/{}/{}", caller.user_id, Uuid::new_v4());
        self.storage
            .put_all(&prefix, renditions.into_iter().map(Rendition::into_file))
            .await?;
        let url = self.storage.url(&format!("{prefix}/256.jpg"));
        let previous = users::find(&self.db, caller.user_id).await?;
        let updated =
            match users::set_avatar(&self.db, caller.user_id, Some(&url), Some(&prefix)).await {
                Ok(Some(user)) => user,
                Ok(None) => {
                    self.remove_files(&prefix).await;
                    return Err(AccountsError::SessionEnded);
                }
                Err(error) => {
                    self.remove_files(&prefix).await;
                    return Err(error.into());
                }
            };
        if let Some(old) = previous.and_then(|user| user.avatarpublicid) {
            self.remove_files(&old).await;
        }
        Ok(updated)
    }

    pub async fn remove_avatar(&self, caller: &AuthUser) -> Result<UserRow, AccountsError> {
        let previous = self.me(caller).await?;
        let updated = users::set_avatar(&self.db, caller.user_id, None, None)
            .await?
            .ok_or(AccountsError::SessionEnded)?;
        if let Some(old) = previous.avatarpublicid {
            self.remove_files(&old).await;
        }
        Ok(updated)
    }

    /// Best effort: a file left behind is logged, not fatal to the request that replaced it.
    pub(super) async fn remove_files(&self, prefix: &str) {
        if let Err(error) = self.storage.delete_prefix(prefix).await {
            tracing::warn!(error = format!("{error:#}"), prefix, "removing media files");
        }
    }
}
