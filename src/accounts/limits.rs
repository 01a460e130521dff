//! Per-key allowances against password guessing and mail bombing: events counted over a fixed
//! hour window, and attempts in progress at once. An attempt is admitted against all of its
//! allowances under one lock and counted before its expensive work starts, so parallel
//! requests cannot all pass a check that none of them has counted yet.
//!
//! With Redis (several instances), the hourly windows live there, checked and counted by one
//! Lua script so that instances share one count; a Redis that does not answer refuses the
//! attempt ([`Refusal::Unavailable`]: never unlimited guesses). The at-once allowances stay in
//! each process: they protect its own hashing pool.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::shared::Redis;

const WINDOW: Duration = Duration::from_secs(3600);
/// Past this many keys, expired windows are swept out on the next write.
const SWEEP_ABOVE: usize = 50_000;
/// What a caller refused for having too many attempts in progress is told to wait: they end
/// within a second or so, unlike an hourly allowance.
const BUSY_RETRY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    count: u32,
}

/// How long until the caller may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

/// Why an attempt was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// An allowance is used up.
    TooMany(RetryAfter),
    /// The shared counts (Redis) cannot be reached: refused rather than let through uncounted.
    Unavailable,
}

/// Checks every hourly key and, when none is full, counts the attempt against all of them, in
/// one step. KEYS: the windows; ARGV[1]: the window in ms; ARGV[1 + i]: KEYS[i]'s limit.
/// Answers 0 when admitted, else the longest wait in ms.
const ADMIT_SCRIPT: &str = r"
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i + 1]) then
    local left = redis.call('PTTL', key)
    if left <= 0 then left = 1 end
    if left > wait then wait = left end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0
";

/// Takes a succeeded attempt back out of the windows that still hold it.
const FORGIVE_SCRIPT: &str = r"
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end
end
return 0
";

/// At most `limit` events under `key`: per hour window, or at once, by where it is passed.
#[derive(Debug, Clone)]
pub struct Allowance {
    pub key: String,
    pub limit: u32,
}

impl Allowance {
    pub fn new(key: String, limit: u32) -> Self {
        Self { key, limit }
    }
}

#[derive(Default)]
struct Inner {
    windows: HashMap<String, Window>,
    /// Attempts admitted and not yet finished; a key leaves the map when it reaches zero.
    in_flight: HashMap<String, u32>,
}

#[derive(Clone, Default)]
pub struct Limiter {
    inner: Arc<Mutex<Inner>>,
    /// Where the hourly windows are kept when several instances share them.
    redis: Option<Redis>,
}

/// An admitted attempt. It counts against its hourly allowances unless it is marked
/// [`Attempt::succeeded`], and against its at-once allowances until it is dropped. An attempt
/// dropped half-way (the client went away) stays counted: giving up must not buy more tries.
#[must_use = "dropping the attempt ends it at once"]
pub struct Attempt {
    limiter: Limiter,
    counted: Vec<(String, Instant)>,
    in_flight: Vec<String>,
}

impl Attempt {
    /// The attempt succeeded: it no longer counts against its hourly allowances.
    pub fn succeeded(mut self) {
        let counted = std::mem::take(&mut self.counted);
        if let Some(redis) = self.limiter.redis.clone() {
            if counted.is_empty() {
                return;
            }
            // In the background: the caller signed in whatever Redis answers.
            tokio::spawn(async move {
                let script = redis::Script::new(FORGIVE_SCRIPT);
                let mut invocation = script.prepare_invoke();
                for (key, _) in &counted {
                    invocation.key(shared_key(key));
                }
                if let Err(error) = redis.run_script::<i64>(&invocation).await {
                    tracing::warn!(%error, "taking a successful sign-in off the shared counts");
                }
            });
            return;
        }
        let mut inner = self.limiter.lock();
        for (key, started) in counted {
            // A window that has restarted since does not hold this attempt any more.
            if let Some(window) = inner.windows.get_mut(&key)
                && window.started == started
            {
                window.count = window.count.saturating_sub(1);
            }
        }
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        let mut inner = self.limiter.lock();
        for key in &self.in_flight {
            if let Some(count) = inner.in_flight.get_mut(key) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    inner.in_flight.remove(key);
                }
            }
        }
    }
}

/// The Redis key of an allowance's window: hashed, so that addresses typed at the sign-in
/// form are not kept in Redis as written and a key's length is bounded.
fn shared_key(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    crate::shared::redis::key(format_args!("limit:{}", hex::encode(&digest[..16])))
}

impl Limiter {
    /// Hourly windows shared through `redis` by every instance.
    pub fn shared(redis: Redis) -> Self {
        Self {
            inner: Arc::default(),
            redis: Some(redis),
        }
    }

    /// Admits an attempt if every allowance has room, counting it against all of them at
    /// once; otherwise counts nothing and answers why.
    pub async fn admit(
        &self,
        per_hour: &[Allowance],
        at_once: &[Allowance],
    ) -> Result<Attempt, Refusal> {
        let Some(redis) = &self.redis else {
            return self.admit_here(per_hour, at_once).map_err(Refusal::TooMany);
        };
        // The at-once allowances first: a refusal there costs Redis nothing.
        let mut attempt = self.admit_here(&[], at_once).map_err(Refusal::TooMany)?;
        if per_hour.is_empty() {
            return Ok(attempt);
        }
        let script = redis::Script::new(ADMIT_SCRIPT);
        let mut invocation = script.prepare_invoke();
        invocation.arg(WINDOW.as_millis() as u64);
        for allowance in per_hour {
            invocation
                .key(shared_key(&allowance.key))
                .arg(allowance.limit);
        }
        match redis.run_script::<u64>(&invocation).await {
            Ok(0) => {
                let now = Instant::now();
                attempt.counted = per_hour.iter().map(|a| (a.key.clone(), now)).collect();
                Ok(attempt)
            }
            Ok(wait_ms) => Err(Refusal::TooMany(RetryAfter(Duration::from_millis(wait_ms)))),
            Err(error) => {
                tracing::warn!(%error, "sign-in and mail limits unavailable: refusing");
                Err(Refusal::Unavailable)
            }
        }
    }

    /// Checks and counts one event for `key` in one step: for events limited whether they
    /// succeed or not.
    pub async fn hit(&self, key: &str, limit: u32) -> Result<(), Refusal> {
        self.admit(&[Allowance::new(key.to_owned(), limit)], &[])
            .await
            .map(drop)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `admit` within this process: the longest wait among the full allowances if any.
    fn admit_here(
        &self,
        per_hour: &[Allowance],
        at_once: &[Allowance],
    ) -> Result<Attempt, RetryAfter> {
        let mut inner = self.lock();
        let mut wait = None;
        for allowance in per_hour {
            if let Some(window) = inner.windows.get(&allowance.key)
                && window.started.elapsed() < WINDOW
                && window.count >= allowance.limit
            {
                let left = WINDOW.saturating_sub(window.started.elapsed());
                wait = wait.max(Some(left));
            }
        }
        for allowance in at_once {
            let busy = inner.in_flight.get(&allowance.key).copied().unwrap_or(0);
            if busy >= allowance.limit {
                wait = wait.max(Some(BUSY_RETRY));
            }
        }
        if let Some(wait) = wait {
            return Err(RetryAfter(wait));
        }
        let counted = per_hour
            .iter()
            .map(|allowance| (allowance.key.clone(), inner.count(&allowance.key)))
            .collect();
        for allowance in at_once {
            *inner.in_flight.entry(allowance.key.clone()).or_default() += 1;
        }
        Ok(Attempt {
            limiter: self.clone(),
            counted,
            in_flight: at_once.iter().map(|a| a.key.clone()).collect(),
        })
    }
}

impl Inner {
    /// Counts one event for `key`; answers when its window started.
    fn count(&mut self, key: &str) -> Instant {
        if self.windows.len() > SWEEP_ABOVE {
            self.windows
                .retain(|_, window| window.started.elapsed() < WINDOW);
        }
        let window = self.windows.entry(key.to_owned()).or_insert(Window {
            started: Instant::now(),
            count: 0,
        });
        if window.started.elapsed() >= WINDOW {
            *window = Window {
                started: Instant::now(),
                count: 0,
            };
        }
        window.count = window.count.saturating_add(1);
        window.started
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(key: &str, limit: u32) -> Allowance {
        Allowance::new(key.to_owned(), limit)
    }

    #[test]
    fn a_key_is_refused_once_it_reaches_its_limit() {
        let limiter = Limiter::default();
        for _ in 0..3 {
            assert!(limiter.admit_here(&[allow("ip:1", 3)], &[]).is_ok());
        }
        let Err(RetryAfter(wait)) = limiter.admit_here(&[allow("ip:1", 3)], &[]) else {
            panic!("a fourth event is refused");
        };
        assert!(wait > Duration::from_secs(3500));
        assert!(
            limiter.admit_here(&[allow("ip:2", 3)], &[]).is_ok(),
            "keys are counted apart"
        );
    }

    #[test]
    fn admitted_attempts_count_before_they_finish() {
        let limiter = Limiter::default();
        let rules = [allow("account", 2)];
        let first = limiter.admit_here(&rules, &[]).unwrap();
        let second = limiter.admit_here(&rules, &[]).unwrap();
        assert!(
            limiter.admit_here(&rules, &[]).is_err(),
            "two in progress fill it"
        );
        second.succeeded();
        let third = limiter.admit_here(&rules, &[]).unwrap();
        drop((first, third));
        assert!(
            limiter.admit_here(&rules, &[]).is_err(),
            "attempts that did not succeed stay counted"
        );
    }

    #[test]
    fn a_refused_attempt_counts_against_nothing() {
        let limiter = Limiter::default();
        let _full = limiter.admit_here(&[allow("a", 1)], &[]).unwrap();
        for _ in 0..5 {
            assert!(
                limiter
                    .admit_here(&[allow("b", 1), allow("a", 1)], &[])
                    .is_err()
            );
        }
        assert!(limiter.admit_here(&[allow("b", 1)], &[]).is_ok());
    }

    #[test]
    fn at_once_allowances_free_up_when_attempts_end() {
        let limiter = Limiter::default();
        let busy = [allow("ip", 2)];
        let one = limiter.admit_here(&[], &busy).unwrap();
        let two = limiter.admit_here(&[], &busy).unwrap();
        let Err(RetryAfter(wait)) = limiter.admit_here(&[], &busy) else {
            panic!("a third attempt at once is refused");
        };
        assert_eq!(wait, BUSY_RETRY);
        drop(one);
        let three = limiter.admit_here(&[], &busy).unwrap();
        drop((two, three));
        assert!(
            limiter.lock().in_flight.is_empty(),
            "ended keys leave the map"
        );
    }
}
