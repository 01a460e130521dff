//! Audio made by the tests themselves: a WAV written byte by byte, other formats by ffmpeg.

use std::path::Path;
use std::process::Command;

/// A mono 16-bit WAV of a sine tone, `seconds` long at 8 kHz.
pub fn wav(seconds: u32) -> Vec<u8> {
    let rate = 8000u32;
    let samples: Vec<i16> = (0..rate * seconds)
        .map(|i| ((i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin() * 8000.0) as i16)
        .collect();
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for sample in samples {
        out.extend_from_slice(&sample.to_le_bytes());
    }
    out
}

/// A tone encoded by ffmpeg (installed by .ci/run) with `args` (codec, format), tagged with
/// `title` when given.
pub fn encoded(
    dir: &Path,
    name: &str,
    seconds: u32,
    title: Option<&str>,
    args: &[&str],
) -> Vec<u8> {
    let output = dir.join(name);
    let mut command = Command::new("ffmpeg");
    command
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("sine=frequency=440:duration={seconds}"));
    if let Some(title) = title {
        command.args(["-metadata", &format!("title={title}")]);
    }
    let status = command
        .args(args)
        .arg(&output)
        .status()
        .expect("ffmpeg runs (scripts/test needs it)");
    assert!(status.success(), "ffmpeg failed for {name}");
    std::fs::read(output).unwrap()
}
