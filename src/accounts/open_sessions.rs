//! Whether an access token's session is still open, asked on every signed-in request. The
//! answer is kept in memory (topic `sessions`, see `shared::table_notices`): migration 21's
//! triggers drop it on every instance when a session ends or is cut short, or when its user's
//! rights change, whoever made the change; this process's own sign-outs drop it at once.
//! A session past its expiry is closed here without asking the database.

use chrono::Utc;
use uuid::Uuid;

use super::store::sessions::{self, OpenSession};
use super::{Accounts, AccountsError};
use crate::shared::{Cache, TableNotices};

/// The notice topic of open sessions and their users' rights.
pub const TOPIC: &str = "sessions";
/// Sessions remembered at most (about 100 bytes each).
const MOST_ENTRIES: usize = 50_000;

/// The open sessions this instance has seen, by (session, user).
pub type OpenSessions = Cache<(Uuid, Uuid), OpenSession>;

pub fn cache(notices: &TableNotices) -> OpenSessions {
    notices.cache(TOPIC, MOST_ENTRIES)
}

impl Accounts {
    /// The session `session` of `user`, if it is open; `SessionEnded` if not.
    pub async fn open_session(
        &self,
        session: Uuid,
        user: Uuid,
    ) -> Result<OpenSession, AccountsError> {
        // A closed session is not kept: its tokens are rare, and a kept "no" could only go
        // wrong.
        let open = self
            .open_sessions
            .get_or_read((session, user), async {
                sessions::open_caller(&self.db, session, user)
                    .await?
                    .ok_or(AccountsError::SessionEnded)
            })
            .await?;
        if open.expires_at <= Utc::now() {
            return Err(AccountsError::SessionEnded);
        }
        Ok(open)
    }

    /// Sessions or a user's rights changed in a statement this process committed.
    pub(super) fn sessions_changed(&self) {
        self.notices.forget(TOPIC);
    }
}
