//! Password hashing: Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), run on a
//! bounded number of blocking threads so that a flood of sign-ins queues up instead of taking
//! every core. Accepts the bcrypt hashes migrated from the earlier Ampli.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::Context;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// What checking a password against a stored hash found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Matches { needs_rehash: bool },
    DoesNotMatch,
}

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Checked against when the account does not exist, so that an unknown email costs as
    /// much time as a known one.
    dummy_hash: Arc<String>,
    load: Arc<Load>,
}

/// How busy the pool is, for operators and for the tests that show a flood stays bounded.
#[derive(Default)]
struct Load {
    /// Hashes waiting for a thread or running now.
    in_flight: AtomicUsize,
    /// The most hashes ever waiting or running at once.
    peak: AtomicUsize,
    /// Password verifications run (against a stored hash or the dummy one).
    verified: AtomicU64,
}

/// Takes a hash off the in-flight count when it ends: finished, or dropped while waiting.
struct InFlight(Arc<Load>);

impl InFlight {
    fn enter(load: &Arc<Load>) -> Self {
        let now = load.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        load.peak.fetch_max(now, Ordering::SeqCst);
        Self(load.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("hashing a password: {error}"))
}

fn verify_blocking(password: &str, stored: &str) -> Verdict {
    if stored.starts_with("$argon2") {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return Verdict::DoesNotMatch;
        };
        if argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_err()
        {
            return Verdict::DoesNotMatch;
        }
        let current = parsed.algorithm.as_str() == "argon2id"
            && parsed.params.get_decimal("m") == Some(19 * 1024)
            && parsed.params.get_decimal("t") == Some(2)
            && parsed.params.get_decimal("p") == Some(1);
        Verdict::Matches {
            needs_rehash: !current,
        }
    } else if ["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|p| stored.starts_with(p))
    {
        // bcrypt reads only the first 72 bytes; the earlier Ampli hashed with that rule too.
        match bcrypt::verify(password, stored) {
            Ok(true) => Verdict::Matches { needs_rehash: true },
            _ => Verdict::DoesNotMatch,
        }
    } else {
        Verdict::DoesNotMatch
    }
}

impl PasswordHasher {
    pub fn new(threads: usize) -> anyhow::Result<Self> {
        let dummy = hash_blocking("a password nobody has; only its cost matters")?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(threads.max(1))),
            dummy_hash: Arc::new(dummy),
            load: Arc::default(),
        })
    }

    /// Hashes waiting for a thread or running now.
    pub fn in_flight(&self) -> usize {
        self.load.in_flight.load(Ordering::SeqCst)
    }

    /// The most hashes that have been waiting or running at once since start.
    pub fn peak_in_flight(&self) -> usize {
        self.load.peak.load(Ordering::SeqCst)
    }

    /// Password verifications run since start.
    pub fn verifications(&self) -> u64 {
        self.load.verified.load(Ordering::SeqCst)
    }

    /// Runs `work` on the blocking pool once a hashing permit is free. The permit goes into
    /// the blocking task: a request dropped while its hash runs (the client went away) cannot
    /// free the permit of work that goes on without it, which would let dropped connections
    /// run any number of hashes at once.
    async fn bounded<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let in_flight = InFlight::enter(&self.load);
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .context("hasher closed")?;
        tokio::task::spawn_blocking(move || {
            let _held = (in_flight, permit);
            work()
        })
        .await
        .context("password hashing task")
    }

    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let password = password.to_owned();
        self.bounded(move || hash_blocking(&password)).await?
    }

    pub async fn verify(&self, password: &str, stored: &str) -> anyhow::Result<Verdict> {
        let (password, stored) = (password.to_owned(), stored.to_owned());
        let verdict = self
            .bounded(move || verify_blocking(&password, &stored))
            .await;
        self.load.verified.fetch_add(1, Ordering::SeqCst);
        verdict
    }

    /// Spends the time of a real verification and always fails.
    pub async fn verify_dummy(&self, password: &str) -> anyhow::Result<Verdict> {
        let dummy = self.dummy_hash.to_string();
        self.verify(password, &dummy).await?;
        Ok(Verdict::DoesNotMatch)
    }
}

/// Argon2id verification without the pool, for benchmarks' raw baseline.
pub fn verify_raw(password: &str, stored: &str) -> bool {
    matches!(verify_blocking(password, stored), Verdict::Matches { .. })
}

/// Argon2id hashing without the pool, for the admin commands and benchmarks.
pub fn hash_raw(password: &str) -> anyhow::Result<String> {
    hash_blocking(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_with_owasp_parameters() {
        let hash = hash_raw("a long enough password").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_eq!(
            verify_blocking("a long enough password", &hash),
            Verdict::Matches {
                needs_rehash: false
            }
        );
        assert_eq!(
            verify_blocking("another password", &hash),
            Verdict::DoesNotMatch
        );
    }

    #[test]
    fn bcrypt_hashes_from_mongodb_match_and_ask_for_a_rehash() {
        let bcrypt_hash = bcrypt::hash("old mongo password", 4).unwrap();
        for prefix in ["$2a$", "$2b$", "$2y$"] {
            let variant = format!("{prefix}{}", &bcrypt_hash[4..]);
            assert_eq!(
                verify_blocking("old mongo password", &variant),
                Verdict::Matches { needs_rehash: true },
                "{prefix}"
            );
            assert_eq!(verify_blocking("wrong", &variant), Verdict::DoesNotMatch);
        }
    }

    #[tokio::test]
    async fn a_request_dropped_while_its_hash_runs_keeps_the_permit_until_the_hash_ends() {
        let hasher = PasswordHasher::new(1).unwrap();
        let (started, running) = tokio::sync::oneshot::channel();
        let (finish, finished) = std::sync::mpsc::channel::<()>();
        let request = tokio::spawn({
            let hasher = hasher.clone();
            async move {
                hasher
                    .bounded(move || {
                        started.send(()).unwrap();
                        finished.recv().unwrap();
                    })
                    .await
            }
        });
        running.await.unwrap();
        request.abort();
        assert!(request.await.unwrap_err().is_cancelled());
        assert_eq!(
            hasher.permits.available_permits(),
            0,
            "the hash still runs, so its thread is still taken"
        );
        assert_eq!(hasher.in_flight(), 1);
        finish.send(()).unwrap();
        while hasher.permits.available_permits() == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(hasher.in_flight(), 0);
    }

    #[test]
    fn unknown_hash_formats_never_match() {
        assert_eq!(verify_blocking("x", "plaintext"), Verdict::DoesNotMatch);
        assert_eq!(verify_blocking("x", ""), Verdict::DoesNotMatch);
    }
}
