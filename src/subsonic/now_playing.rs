//! Who is playing what (`scrobble` with `submission=false`, read by `getNowPlaying`): one
//! entry per user, standing for a quarter of an hour. Kept in Redis when instances share it,
//! so that an app's report to one instance shows on every other; in this process otherwise,
//! and while Redis does not answer.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use uuid::Uuid;

use crate::shared::Redis;

/// How long a now-playing report stands without another.
const STANDS_FOR: Duration = Duration::from_secs(15 * 60);

/// One listener's current song.
pub struct Playing {
    pub user: Uuid,
    pub song: Uuid,
    pub player: String,
    pub ago: Duration,
}

pub struct NowPlaying {
    redis: Option<Redis>,
    here: Mutex<HashMap<Uuid, (Uuid, String, Instant)>>,
}

fn redis_key() -> String {
    crate::shared::redis::key(format_args!("now-playing"))
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}

impl NowPlaying {
    pub fn new(redis: Option<Redis>) -> Self {
        Self {
            redis,
            here: Mutex::default(),
        }
    }

    pub async fn set(&self, user: Uuid, song: Uuid, player: String) {
        if let Some(redis) = &self.redis {
            // "song millis player": the player name is last, so it may hold spaces.
            let entry = format!("{song} {} {player}", now_ms());
            let set = redis::cmd("HSET")
                .arg(redis_key())
                .arg(user.to_string())
                .arg(entry)
                .clone();
            match redis.run::<i64>(&set).await {
                Ok(_) => return,
                Err(error) => tracing::warn!(%error, "now playing in Redis; keeping it here"),
            }
        }
        let mut here = self.here.lock().unwrap_or_else(|e| e.into_inner());
        here.retain(|_, (_, _, at)| at.elapsed() < STANDS_FOR);
        here.insert(user, (song, player, Instant::now()));
    }

    pub async fn current(&self) -> Vec<Playing> {
        if let Some(redis) = &self.redis {
            match self.current_shared(redis).await {
                Ok(playing) => return playing,
                Err(error) => tracing::warn!(%error, "now playing in Redis; answering from here"),
            }
        }
        let here = self.here.lock().unwrap_or_else(|e| e.into_inner());
        here.iter()
            .filter(|(_, (_, _, at))| at.elapsed() < STANDS_FOR)
            .map(|(user, (song, player, at))| Playing {
                user: *user,
                song: *song,
                player: player.clone(),
                ago: at.elapsed(),
            })
            .collect()
    }

    async fn current_shared(
        &self,
        redis: &Redis,
    ) -> Result<Vec<Playing>, crate::shared::RedisError> {
        let all = redis::cmd("HGETALL").arg(redis_key()).clone();
        let entries: HashMap<String, String> = redis.run(&all).await?;
        let now = now_ms();
        let mut playing = Vec::new();
        let mut stale = Vec::new();
        for (user, entry) in entries {
            let mut parts = entry.splitn(3, ' ');
            let parsed = (|| {
                let song = parts.next()?.parse::<Uuid>().ok()?;
                let at = parts.next()?.parse::<u64>().ok()?;
                let player = parts.next().unwrap_or("").to_owned();
                Some((user.parse::<Uuid>().ok()?, song, at, player))
            })();
            match parsed {
                Some((user, song, at, player))
                    if now.saturating_sub(at) < STANDS_FOR.as_millis() as u64 =>
                {
                    playing.push(Playing {
                        user,
                        song,
                        player,
                        ago: Duration::from_millis(now.saturating_sub(at)),
                    })
                }
                _ => stale.push(user),
            }
        }
        if !stale.is_empty() {
            let forget = redis::cmd("HDEL").arg(redis_key()).arg(stale).clone();
            // Only tidying: a failure leaves entries the next read skips again.
            let _ = redis.run::<i64>(&forget).await;
        }
        Ok(playing)
    }
}
