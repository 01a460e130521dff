//! Whether the database is known to be down, and which database errors mean "unreachable"
//! rather than "this request went wrong".
//!
//! Only the private cluster is watched: its keeper sees the postmaster die at once, and says
//! so here while it restarts it. An external server gives no such signal, so for it the
//! status stays "up" and unreachability shows only in the errors of the requests themselves.

use std::time::Duration;

use tokio::sync::watch;

/// What a client is told to wait (`Retry-After`) while the database is unreachable: about
/// the time the private cluster takes to come back after a crash.
pub const RETRY_AFTER: Duration = Duration::from_secs(2);

/// The private cluster's state, as its keeper reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Accepting connections.
    Up,
    /// The postmaster died; the keeper is starting it again.
    Restarting,
    /// The keeper gave up: the cluster cannot be started, and Ampli is to exit.
    Failed,
}

/// A view of the database's availability that request handling can read cheaply.
#[derive(Debug, Clone, Default)]
pub struct DatabaseStatus {
    /// None for a database nobody watches (an external server): always taken as up.
    watched: Option<watch::Receiver<Availability>>,
}

impl DatabaseStatus {
    pub fn watching(receiver: watch::Receiver<Availability>) -> Self {
        Self {
            watched: Some(receiver),
        }
    }

    /// True while the database is known not to accept connections, so that requests that
    /// need it can be refused at once instead of waiting out the pool's acquire timeout.
    pub fn is_known_down(&self) -> bool {
        self.watched
            .as_ref()
            .is_some_and(|receiver| *receiver.borrow() != Availability::Up)
    }

    /// Resolves once the keeper has given up on the cluster; never for an unwatched
    /// database or a cluster that was stopped in an orderly way.
    pub async fn failed(&self) {
        if let Some(mut receiver) = self.watched.clone()
            && receiver
                .wait_for(|state| *state == Availability::Failed)
                .await
                .is_ok()
        {
            return;
        }
        std::future::pending::<()>().await;
    }
}

/// Whether `error` says the database could not be reached or went away mid-request (as
/// opposed to a fault of the statement or its data): a 503 with Retry-After, not a 500.
pub fn is_unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => true,
        // Class 08: connection exception. 57P01-57P05: the server is shutting down, crashed,
        // is starting up or recovering, or ended an idle session.
        sqlx::Error::Database(error) => error
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unwatched_database_is_never_known_down() {
        assert!(!DatabaseStatus::default().is_known_down());
    }

    #[test]
    fn a_watched_cluster_is_down_while_restarting_or_failed() {
        let (sender, receiver) = watch::channel(Availability::Up);
        let status = DatabaseStatus::watching(receiver);
        assert!(!status.is_known_down());
        sender.send_replace(Availability::Restarting);
        assert!(status.is_known_down());
        sender.send_replace(Availability::Up);
        assert!(!status.is_known_down());
        sender.send_replace(Availability::Failed);
        assert!(status.is_known_down());
    }

    #[test]
    fn connection_failures_are_unreachable_and_statement_faults_are_not() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(is_unreachable(&sqlx::Error::Io(refused)));
        assert!(is_unreachable(&sqlx::Error::PoolTimedOut));
        assert!(!is_unreachable(&sqlx::Error::RowNotFound));
        assert!(!is_unreachable(&sqlx::Error::PoolClosed));
    }
}
