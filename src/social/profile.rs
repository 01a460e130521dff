//! Someone's public profile: the account's public face (from accounts) with the figures and
//! whether the caller follows them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Social, SocialError, store};
use crate::accounts::Accounts;
use crate::accounts::avatar::{AvatarUrls, avatar_urls};

/// Someone's public profile: no email.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicUserView {
    pub id: Uuid,
    pub name: String,
    pub avatar_url: Option<String>,
    pub avatar_urls: Option<AvatarUrls>,
    pub created_at: DateTime<Utc>,
    /// The UserStats figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<ProfileStats>,
    /// Whether the caller follows this user (signed in, someone else's profile).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_following: Option<bool>,
}

/// The figures on a profile (the UserStats view).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileStats {
    pub songs_uploaded: i64,
    /// Favourites are private: only the profile's owner sees their count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub favorites_count: Option<i64>,
    /// Everyone sees the public ones; the owner sees all.
    pub playlists_created: i64,
    pub followers_count: i64,
    pub following_count: i64,
}

impl Social {
    /// `user`'s profile with its figures as `viewer` may see them.
    pub async fn profile(
        &self,
        accounts: &Accounts,
        user: Uuid,
        viewer: Option<Uuid>,
    ) -> Result<PublicUserView, SocialError> {
        let account = accounts.public_profile(user).await?;
        let own = viewer == Some(user);
        // The owner sees their own changes at once (the primary); anyone else's view of the
        // figures tolerates a little lag.
        let (figures, playlists_created) = if own {
            let figures = store::user_stats(&self.db, user).await?;
            let playlists = figures.playlistscreated;
            (figures, playlists)
        } else {
            self.reads
                .run(|db| async move {
                    let figures = store::user_stats(&db, user).await?;
                    let playlists = store::public_playlists(&db, user).await?;
                    Ok((figures, playlists))
                })
                .await?
        };
        let is_following = match viewer {
            Some(viewer) if viewer != user => Some(store::follows(&self.db, viewer, user).await?),
            _ => None,
        };
        Ok(PublicUserView {
            id: account.userid,
            name: account.name,
            avatar_url: account.avatarurl,
            avatar_urls: account.avatarpublicid.as_deref().map(avatar_urls),
            created_at: account.createdat,
            stats: Some(ProfileStats {
                songs_uploaded: figures.songsuploaded,
                favorites_count: own.then_some(figures.favoritescount),
                playlists_created,
                followers_count: figures.followerscount,
                following_count: figures.followingcount,
            }),
            is_following,
        })
    }
}
