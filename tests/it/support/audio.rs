//! Audio made by the tests themselves: a WAV written byte by byte, other formats by ffmpeg.

use std::path::Path;
use std::process::Command;

/// A mono 16-bit WAV of a sine tone, `seconds` long at 8 kHz.
pub fn wav(seconds: u32) -> Vec<u8> {
    let rate = 8000u32;
    let samples: Vec<i16> = (0..rate * seconds)
        .map(|i| ((i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin() * 8000.0) as i16)
        .collect();
    ampli::media::audio::wav_pcm16(&samples, rate)
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
    // `args` may add inputs, so the output's tags come after them.
    command.args(args);
    if let Some(title) = title {
        command.args(["-metadata", &format!("title={title}")]);
    }
    let result = command
        .arg(&output)
        .output()
        .expect("ffmpeg runs (scripts/test needs it)");
    assert!(
        result.status.success(),
        "ffmpeg failed for {name}: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    std::fs::read(output).unwrap()
}

/// A one-second MP3 with these ID3 tags (`-metadata key=value`, as ffmpeg names them).
pub fn tagged_mp3(dir: &Path, name: &str, tags: &[(&str, &str)]) -> Vec<u8> {
    let mut args: Vec<String> = vec!["-c:a".into(), "libmp3lame".into()];
    for (key, value) in tags {
        args.push("-metadata".into());
        args.push(format!("{key}={value}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    encoded(dir, name, 1, None, &args)
}
