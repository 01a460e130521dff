//! Following and unfollowing people, and the pages of who follows whom.

use uuid::Uuid;

use super::store::{self, PeopleCursor, PersonView, Side};
use super::{Social, SocialError};
use crate::accounts::Accounts;
use crate::http::pagination::{self, Page};

impl Social {
    /// Follows `user` (again: no change). Following yourself is refused.
    pub async fn follow(
        &self,
        accounts: &Accounts,
        caller: Uuid,
        user: Uuid,
    ) -> Result<(), SocialError> {
        if user == caller {
            return Err(SocialError::CannotFollowSelf);
        }
        accounts.public_profile(user).await?;
        store::follow(&self.db, caller, user).await?;
        Ok(())
    }

    pub async fn unfollow(
        &self,
        accounts: &Accounts,
        caller: Uuid,
        user: Uuid,
    ) -> Result<(), SocialError> {
        accounts.public_profile(user).await?;
        store::unfollow(&self.db, caller, user).await?;
        Ok(())
    }

    /// One page of the people on `side` of `user`, most recent first.
    pub async fn people(
        &self,
        accounts: &Accounts,
        user: Uuid,
        side: Side,
        limit: i64,
        after: Option<PeopleCursor>,
    ) -> Result<Page<PersonView>, SocialError> {
        accounts.public_profile(user).await?;
        let rows = store::people(&self.db, user, side, after, limit + 1).await?;
        let (items, next_cursor) =
            pagination::finish_page(rows, limit, |person| (person.since, person.id));
        Ok(Page { items, next_cursor })
    }
}
