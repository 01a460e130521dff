//! The full decode: ffmpeg reads an audio file from its first sample to its last into a null
//! sink, so that a file which only looks right (sound headers, a cut or corrupt stream) is
//! caught before anyone can play it. Uploads and the transcoder share one set of permits, so
//! decodes never outnumber the cores however many uploads arrive at once.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::audio::AudioError;

/// How long an upload waits for a free decoder before it is told to come back later.
const PERMIT_WAIT: Duration = Duration::from_secs(60);
/// A decode taking longer than this is not a file worth keeping: the largest upload allowed
/// (hours of MP3) decodes in well under a minute on one core.
const DECODE_LIMIT: Duration = Duration::from_secs(180);

/// ffmpeg and the permits that bound how many copies of it run at once.
#[derive(Clone)]
pub struct Ffmpeg {
    pub path: PathBuf,
    permits: Arc<Semaphore>,
}

impl Ffmpeg {
    /// `path` may run `slots` times at once.
    pub fn new(path: PathBuf, slots: usize) -> Self {
        Self {
            path,
            permits: Arc::new(Semaphore::new(slots.max(1))),
        }
    }

    /// A permit to run ffmpeg once; hold it while it runs.
    pub async fn permit(&self) -> OwnedSemaphorePermit {
        self.permits
            .clone()
            .acquire_owned()
            .await
            .expect("the permits are never closed")
    }

    /// Decodes `path`'s first audio stream to its end and checks it lasts what its headers
    /// `claimed`. Answers the decoded duration.
    pub async fn check_decodes(
        &self,
        path: &Path,
        claimed: Duration,
    ) -> Result<Duration, CheckError> {
        let _permit = tokio::time::timeout(PERMIT_WAIT, self.permit())
            .await
            .map_err(|_| CheckError::Audio(AudioError::Busy))?;
        let run = tokio::process::Command::new(&self.path)
            .args(["-nostdin", "-hide_banner", "-v", "error", "-xerror", "-i"])
            .arg(path)
            // Only the audio: cover art is not what is played, and a file with no audio
            // stream at all fails here.
            .args([
                "-map",
                "0:a:0",
                "-f",
                "null",
                "-progress",
                "pipe:1",
                "-nostats",
                "-",
            ])
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(DECODE_LIMIT, run)
            .await
            .map_err(|_| CheckError::Audio(AudioError::Undecodable))?
            .map_err(|error| {
                CheckError::Unexpected(anyhow::Error::from(error).context("running ffmpeg"))
            })?;
        if !output.status.success() {
            tracing::info!(
                error = String::from_utf8_lossy(&output.stderr).trim(),
                "an upload does not decode"
            );
            return Err(CheckError::Audio(AudioError::Undecodable));
        }
        let decoded = decoded_duration(&String::from_utf8_lossy(&output.stdout));
        if !lasts_as_claimed(decoded, claimed) {
            tracing::info!(
                ?decoded,
                ?claimed,
                "an upload decodes shorter than it claims"
            );
            return Err(CheckError::Audio(AudioError::Truncated));
        }
        Ok(decoded)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Audio(AudioError),
    #[error(transparent)]
    Unexpected(anyhow::Error),
}

/// The last `out_time_us` of ffmpeg's progress report: how far the decode got.
fn decoded_duration(progress: &str) -> Duration {
    progress
        .lines()
        .rev()
        .filter_map(|line| line.strip_prefix("out_time_us="))
        .find_map(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_micros)
        .unwrap_or_default()
}

/// Encoders pad and trim a few milliseconds (MP3 and AAC priming, Opus pre-skip), so half a
/// second and 1% are allowed; a cut file misses far more.
fn lasts_as_claimed(decoded: Duration, claimed: Duration) -> bool {
    decoded + Duration::from_millis(500) + claimed / 100 >= claimed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_progress_report_counts() {
        let progress = "out_time_us=500000\nprogress=continue\nout_time_us=N/A\n\
                        out_time_us=2990000\nprogress=end\n";
        assert_eq!(decoded_duration(progress), Duration::from_millis(2990));
        assert_eq!(decoded_duration("progress=end\n"), Duration::ZERO);
    }

    #[test]
    fn padding_is_allowed_and_a_missing_end_is_not() {
        let claimed = Duration::from_millis(3030);
        assert!(lasts_as_claimed(Duration::from_millis(3000), claimed));
        assert!(lasts_as_claimed(Duration::from_millis(3100), claimed));
        assert!(!lasts_as_claimed(Duration::from_millis(1490), claimed));
        assert!(!lasts_as_claimed(Duration::from_millis(79), claimed));
    }
}
