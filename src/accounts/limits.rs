//! Per-key allowances over a fixed hour window, against password guessing and mail bombing.
//! Kept in-process: each instance counts on its own (behind a load balancer, the effective
//! allowance is at most instances × limit, which still bounds an attacker).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(3600);
/// Past this many keys, expired windows are swept out on the next write.
const SWEEP_ABOVE: usize = 50_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    count: u32,
}

/// How long until the caller may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

#[derive(Clone, Default)]
pub struct Limiter {
    windows: Arc<Mutex<HashMap<String, Window>>>,
}

impl Limiter {
    /// Whether `key` is still under `limit` in its current window (without counting).
    pub fn check(&self, key: &str, limit: u32) -> Result<(), RetryAfter> {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        match windows.get(key) {
            Some(window) if window.started.elapsed() < WINDOW && window.count >= limit => {
                Err(RetryAfter(WINDOW.saturating_sub(window.started.elapsed())))
            }
            _ => Ok(()),
        }
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > SWEEP_ABOVE {
            windows.retain(|_, window| window.started.elapsed() < WINDOW);
        }
        let window = windows.entry(key.to_owned()).or_insert(Window {
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
    }

    /// Checks, then counts: for events limited whether they succeed or not.
    pub fn hit(&self, key: &str, limit: u32) -> Result<(), RetryAfter> {
        self.check(key, limit)?;
        self.record(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_once_it_reaches_its_limit() {
        let limiter = Limiter::default();
        for _ in 0..3 {
            assert!(limiter.hit("ip:1", 3).is_ok());
        }
        let RetryAfter(wait) = limiter.hit("ip:1", 3).unwrap_err();
        assert!(wait > Duration::from_secs(3500));
        assert!(limiter.hit("ip:2", 3).is_ok(), "keys are counted apart");
    }
}
