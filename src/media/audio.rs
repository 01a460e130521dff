//! Audio files people upload: the format is decided by the content (never the name or the
//! declared type), and the tags fill in what the upload form left out.

use std::path::Path;

use lofty::file::FileType;
use lofty::prelude::*;
use lofty::probe::Probe;

/// The formats Ampli accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    Mp3,
    Flac,
    OggVorbis,
    OggOpus,
    M4a,
    Wav,
}

impl AudioFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mp3 => "mp3",
            Self::Flac => "flac",
            Self::OggVorbis => "ogg-vorbis",
            Self::OggOpus => "ogg-opus",
            Self::M4a => "m4a",
            Self::Wav => "wav",
        }
    }

    /// The extension of the stored original's key.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Mp3 => "mp3",
            Self::Flac => "flac",
            Self::OggVorbis | Self::OggOpus => "ogg",
            Self::M4a => "m4a",
            Self::Wav => "wav",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Mp3 => "audio/mpeg",
            Self::Flac => "audio/flac",
            Self::OggVorbis | Self::OggOpus => "audio/ogg",
            Self::M4a => "audio/mp4",
            Self::Wav => "audio/wav",
        }
    }

    fn from_file_type(file_type: FileType) -> Option<Self> {
        Some(match file_type {
            FileType::Mpeg => Self::Mp3,
            FileType::Flac => Self::Flac,
            FileType::Vorbis => Self::OggVorbis,
            FileType::Opus => Self::OggOpus,
            FileType::Mp4 => Self::M4a,
            FileType::Wav => Self::Wav,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AudioError {
    /// Not one of the accepted formats (HTML, an executable, a GIF, …).
    #[error("not MP3, FLAC, Ogg (Vorbis, Opus), M4A/AAC or WAV audio")]
    Unsupported,
    /// Claims an accepted format but cannot be read: empty, truncated or corrupt.
    #[error("the audio file is empty, truncated or corrupt")]
    Invalid,
}

/// What reading an audio file found.
#[derive(Debug)]
pub struct AudioInfo {
    pub format: AudioFormat,
    /// Whole seconds, to the nearest (a 0.4 s jingle lasts 1 s).
    pub duration_seconds: i32,
    pub title: Option<String>,
    /// Embedded cover art, if any.
    pub picture: Option<Vec<u8>>,
}

/// Reads `path`: format by content, duration, title and cover art from the tags. Blocking.
pub fn inspect(path: &Path) -> Result<AudioInfo, AudioError> {
    let probe = Probe::open(path)
        .map_err(|_| AudioError::Invalid)?
        .guess_file_type()
        .map_err(|_| AudioError::Invalid)?;
    let format = probe
        .file_type()
        .and_then(AudioFormat::from_file_type)
        .ok_or(AudioError::Unsupported)?;
    let tagged = probe.read().map_err(|_| AudioError::Invalid)?;
    let duration = tagged.properties().duration();
    if duration.is_zero() {
        return Err(AudioError::Invalid);
    }
    // Nearest whole second (encoders pad a few milliseconds), at least 1 for a short jingle.
    let seconds = ((duration.as_millis() + 500) / 1000).max(1);
    let tag = tagged.primary_tag().or_else(|| tagged.first_tag());
    let title = tag
        .and_then(|t| t.title().map(|s| s.trim().to_owned()))
        .filter(|s| !s.is_empty());
    let picture = tag
        .and_then(|t| t.pictures().first())
        .map(|p| p.data().to_vec());
    Ok(AudioInfo {
        format,
        duration_seconds: i32::try_from(seconds).unwrap_or(i32::MAX),
        title,
        picture,
    })
}

/// A mono 16-bit PCM WAV file of `samples` at `rate` Hz (for `ampli demo` and tests).
pub fn wav_pcm16(samples: &[i16], rate: u32) -> Vec<u8> {
    let data = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes()); // bytes per second
    out.extend_from_slice(&2u16.to_le_bytes()); // bytes per frame
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data.to_le_bytes());
    for sample in samples {
        out.extend_from_slice(&sample.to_le_bytes());
    }
    out
}
