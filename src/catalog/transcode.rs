//! The bitrate ladder: after an upload, a queued job turns the original into Opus in Ogg at
//! three bitrates plus one MP3 for old players, with ffmpeg run as a subprocess, and measures
//! its loudness where the tags gave none (`loudness.rs`) and its waveform (`peaks.rs`). Until
//! the renditions exist (or on a machine without ffmpeg) the original is served. A job makes
//! only what the song lacks, so running it again (after a crash, or for a song an older
//! version transcoded, as migration 19 queues) repeats no work.
//!
//! Jobs live in the Jobs table and are leased with FOR UPDATE SKIP LOCKED, so several
//! instances share the queue and a job interrupted by a crash is taken again later. Every
//! lease counts as an attempt, so a job that keeps failing, or keeps killing its worker, is
//! given up after `MAX_ATTEMPTS`: its row stays, with its last error, for the operator. The
//! queue's SQL is in `store/transcode_jobs.rs`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::TryStreamExt;
use sqlx::PgPool;
use tokio::io::AsyncWriteExt;
use tokio::sync::watch;
use uuid::Uuid;

use super::store::transcode_jobs::{self as jobs, KIND, NewRendition};
use crate::media::decode::Ffmpeg;
use crate::storage::Storage;

/// A leased job not finished in this time is taken again.
const LEASE: Duration = Duration::from_secs(15 * 60);
/// A job's whole run is cut off before its lease ends, so that two workers never run it at
/// once (ffmpeg is killed with it).
const RUN_LIMIT: Duration = Duration::from_secs(10 * 60);
/// Leases a job gets before it is given up.
pub const MAX_ATTEMPTS: i32 = 5;
/// Each job works in a folder of this name under the temporary folder.
const WORK_PREFIX: &str = "transcode-";

/// One rung of the ladder.
pub struct Rung {
    pub quality: &'static str,
    pub codec: &'static str,
    pub bitrate: i32,
    pub extension: &'static str,
    pub content_type: &'static str,
    ffmpeg_codec: &'static str,
    format: &'static str,
}

pub const LADDER: [Rung; 4] = [
    Rung {
        quality: "high",
        codec: "opus",
        bitrate: 160_000,
        extension: "ogg",
        content_type: "audio/ogg",
        ffmpeg_codec: "libopus",
        format: "ogg",
    },
    Rung {
        quality: "medium",
        codec: "opus",
        bitrate: 96_000,
        extension: "ogg",
        content_type: "audio/ogg",
        ffmpeg_codec: "libopus",
        format: "ogg",
    },
    Rung {
        quality: "low",
        codec: "opus",
        bitrate: 48_000,
        extension: "ogg",
        content_type: "audio/ogg",
        ffmpeg_codec: "libopus",
        format: "ogg",
    },
    Rung {
        quality: "mp3",
        codec: "mp3",
        bitrate: 192_000,
        extension: "mp3",
        content_type: "audio/mpeg",
        ffmpeg_codec: "libmp3lame",
        format: "mp3",
    },
];

/// ffmpeg on PATH, if there is one.
pub fn find_ffmpeg() -> Option<PathBuf> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("ffmpeg"))
        .find(|path| path.is_file())
}

/// Removes the work folders of jobs cut short by a crash (called at start, before the
/// worker runs): each holds a copy of an original and the renditions made so far.
pub fn clear_stale_work(tmp_dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(tmp_dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(WORK_PREFIX) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

pub struct Transcoder {
    pub metrics: crate::metrics::Metrics,
    pub db: PgPool,
    pub storage: Storage,
    pub ffmpeg: Ffmpeg,
    pub tmp_dir: PathBuf,
}

impl Transcoder {
    /// Takes and runs jobs until `stop` turns true; idles a second when the queue is empty.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            match self.run_one().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => tracing::warn!(error = format!("{error:#}"), "transcode queue"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Runs the next due job, if any; answers whether there was one.
    pub async fn run_one(&self) -> anyhow::Result<bool> {
        let Some(jobs::LeasedJob {
            id: job,
            payload,
            attempts,
        }) = jobs::lease(&self.db, LEASE, MAX_ATTEMPTS).await?
        else {
            return Ok(false);
        };
        let song = payload["songId"]
            .as_str()
            .and_then(|s| s.parse::<Uuid>().ok());
        let result = match song {
            Some(song) => self.transcode(song).await,
            None => Err(anyhow::anyhow!("job without a song id")),
        };
        self.metrics
            .record_job(KIND, if result.is_ok() { "ok" } else { "failed" });
        match result {
            Ok(()) => jobs::finish(&self.db, job).await?,
            Err(error) if attempts >= MAX_ATTEMPTS => {
                tracing::error!(error = format!("{error:#}"), %job, "transcode failed for good; the original stays");
                jobs::give_up(&self.db, job, &format!("{error:#}")).await?;
            }
            Err(error) => {
                tracing::warn!(error = format!("{error:#}"), %job, attempts, "transcode failed; will retry");
                let delay = 30.0 * f64::from(attempts * attempts);
                jobs::retry_later(&self.db, job, &format!("{error:#}"), delay).await?;
            }
        }
        Ok(true)
    }

    async fn transcode(&self, song: Uuid) -> anyhow::Result<()> {
        let Some(key) = jobs::original_key(&self.db, song).await? else {
            return Ok(()); // deleted meanwhile: nothing to do
        };
        let work = self
            .tmp_dir
            .join(format!("{WORK_PREFIX}{}", Uuid::new_v4()));
        tokio::fs::create_dir_all(&work).await?;
        let result = tokio::time::timeout(RUN_LIMIT, self.transcode_in(song, &key, &work))
            .await
            .unwrap_or_else(|_| Err(anyhow::anyhow!("transcoding took over {RUN_LIMIT:?}")));
        let _ = tokio::fs::remove_dir_all(&work).await;
        result
    }

    async fn transcode_in(&self, song: Uuid, key: &str, work: &Path) -> anyhow::Result<()> {
        let original = work.join("original");
        let meta = self
            .storage
            .head(key)
            .await?
            .context("the original is missing")?;
        let mut stream = self
            .storage
            .stream_range(key, 0, meta.size.saturating_sub(1))
            .await?;
        let mut file = tokio::fs::File::create(&original).await?;
        while let Some(chunk) = stream.try_next().await? {
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        let made = jobs::recorded_qualities(&self.db, song).await?;
        for rung in LADDER
            .iter()
            .filter(|rung| !made.iter().any(|q| q == rung.quality))
        {
            let output = work.join(format!("{}.{}", rung.quality, rung.extension));
            let permit = self.ffmpeg.permit().await;
            let status = tokio::process::Command::new(&self.ffmpeg.path)
                .args(["-nostdin", "-v", "error", "-y", "-i"])
                .arg(&original)
                .args(["-vn", "-map_metadata", "-1", "-c:a", rung.ffmpeg_codec])
                .args(["-b:a", &rung.bitrate.to_string(), "-f", rung.format])
                .arg(&output)
                .kill_on_drop(true)
                .output()
                .await
                .context("running ffmpeg")?;
            drop(permit);
            if !status.status.success() {
                bail!(
                    "ffmpeg ({}) failed: {}",
                    rung.quality,
                    String::from_utf8_lossy(&status.stderr).trim()
                );
            }
            let rendition_key = format!("songs/{song}/{}.{}", rung.quality, rung.extension);
            let size = self.storage.put_file(&rendition_key, &output).await?;
            let rendition = NewRendition {
                song,
                quality: rung.quality,
                codec: rung.codec,
                bitrate: rung.bitrate,
                size: i64::try_from(size).unwrap_or(i64::MAX),
                object_key: &rendition_key,
                content_type: rung.content_type,
            };
            if !jobs::record_rendition(&self.db, &rendition).await? {
                // The song was deleted while we worked: leave nothing behind.
                self.storage.delete_prefix(&format!("songs/{song}")).await?;
                return Ok(());
            }
        }
        // Loudness is measured from the copy at hand; a failure costs the song only its
        // volume levelling, not its renditions.
        if let Err(error) = super::loudness::measure(&self.db, &self.ffmpeg, song, &original).await
        {
            tracing::warn!(error = format!("{error:#}"), %song, "measuring loudness");
        }
        // The waveform likewise: without it the player's seek bar is a plain line.
        if let Err(error) = super::peaks::measure(&self.db, &self.ffmpeg, song, &original).await {
            tracing::warn!(error = format!("{error:#}"), %song, "measuring the waveform");
        }
        Ok(())
    }
}
