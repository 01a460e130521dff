//! Loudness as ReplayGain 2.0 has it, measured by ffmpeg's EBU R128 filter: a track's gain is
//! how far its integrated loudness lies from the −18 LUFS reference, its peak the true peak
//! as a linear sample value. An album's values come from its tracks'.

use std::path::Path;

use anyhow::{Context, bail};

use super::decode::Ffmpeg;

/// ReplayGain 2.0's reference loudness.
pub const REFERENCE_LUFS: f64 = -18.0;

/// A track's measured loudness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// dB to add to reach the reference.
    pub gain: f32,
    /// The true peak, linear (1.0 is full scale).
    pub peak: f32,
}

impl Ffmpeg {
    /// Measures `path`'s first audio stream (one ffmpeg run, holding a decode permit).
    pub async fn measure_loudness(&self, path: &Path) -> anyhow::Result<Measured> {
        let _permit = self.permit().await;
        let output = tokio::process::Command::new(&self.path)
            .args(["-nostdin", "-hide_banner", "-nostats", "-i"])
            .arg(path)
            .args([
                "-map",
                "0:a:0",
                "-af",
                "ebur128=peak=true",
                "-f",
                "null",
                "-",
            ])
            .kill_on_drop(true)
            .output()
            .await
            .context("running ffmpeg")?;
        if !output.status.success() {
            bail!(
                "ffmpeg's loudness measurement failed: {}",
                String::from_utf8_lossy(&output.stderr)
                    .lines()
                    .last()
                    .unwrap_or_default()
            );
        }
        summary(&String::from_utf8_lossy(&output.stderr))
            .context("ffmpeg printed no loudness summary")
    }
}

/// The gain and peak from the filter's closing summary (`I: -22.2 LUFS` under "Integrated
/// loudness", `Peak: -18.5 dBFS` under "True peak"). Silence (−70 LUFS and below, a peak of
/// −inf) has no gain worth applying: none is answered.
fn summary(log: &str) -> Option<Measured> {
    let summary = &log[log.rfind("Summary:")?..];
    let value = |label: &str| -> Option<f64> {
        let line = summary
            .lines()
            .find(|l| l.trim_start().starts_with(label))?;
        line.trim_start()[label.len()..]
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    let integrated = value("I:")?;
    let peak_dbfs = value("Peak:")?;
    if !integrated.is_finite() || integrated <= -70.0 || !peak_dbfs.is_finite() {
        return None;
    }
    Some(Measured {
        gain: (REFERENCE_LUFS - integrated) as f32,
        peak: 10f64.powf(peak_dbfs / 20.0) as f32,
    })
}

/// An album's gain and peak from its tracks' `(gain, peak, seconds)`: the loudness of the
/// tracks played one after another is the energy mean of theirs weighted by length (what
/// integrated loudness over the whole gives where its gating drops nothing), the peak the
/// highest.
pub fn album(tracks: &[(f32, f32, f64)]) -> Option<Measured> {
    let seconds: f64 = tracks.iter().map(|(_, _, s)| s.max(0.0)).sum();
    if tracks.is_empty() || seconds <= 0.0 {
        return None;
    }
    let energy: f64 = tracks
        .iter()
        .map(|(gain, _, s)| s.max(0.0) * 10f64.powf((REFERENCE_LUFS - f64::from(*gain)) / 10.0))
        .sum::<f64>()
        / seconds;
    let loudness = 10.0 * energy.log10();
    Some(Measured {
        gain: (REFERENCE_LUFS - loudness) as f32,
        peak: tracks.iter().map(|(_, p, _)| *p).fold(0.0, f32::max),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "[Parsed_ebur128_0 @ 0x5] Summary:

  Integrated loudness:
    I:         -22.2 LUFS
    Threshold: -32.2 LUFS

  True peak:
    Peak:      -18.5 dBFS
";

    #[test]
    fn the_summary_gives_gain_to_the_reference_and_a_linear_peak() {
        let measured = summary(LOG).unwrap();
        assert!((measured.gain - 4.2).abs() < 1e-4);
        assert!((measured.peak - 0.1189).abs() < 1e-3);
        assert_eq!(summary(&LOG.replace("-18.5 dBFS", "-inf dBFS")), None);
        assert_eq!(summary(&LOG.replace("-22.2", "-70.0")), None);
        assert_eq!(summary("no summary"), None);
    }

    #[test]
    fn an_album_is_as_loud_as_its_tracks_together() {
        // Two equally long tracks at the same loudness: the album is that loud.
        let same = album(&[(-3.0, 0.5, 60.0), (-3.0, 0.9, 60.0)]).unwrap();
        assert!((same.gain + 3.0).abs() < 1e-4);
        assert_eq!(same.peak, 0.9);
        // A loud track dominates the energy: the album gain lies nearer its gain.
        let mixed = album(&[(-10.0, 1.0, 60.0), (0.0, 0.2, 60.0)]).unwrap();
        assert!(mixed.gain < -5.0 && mixed.gain > -10.0, "{mixed:?}");
        assert_eq!(album(&[]), None);
    }
}
