//! Audio files people upload: the format is decided by the content (never the name or the
//! declared type), and the tags fill in what the upload form left out.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use lofty::config::ParseOptions;
use lofty::file::FileType;
use lofty::picture::PictureType;
use lofty::prelude::*;
use lofty::probe::Probe;

use super::tags::{self, Tags};

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
    /// The headers read, but the stream does not decode to its end.
    #[error("the audio does not decode")]
    Undecodable,
    /// Decodes, but to less than the duration its headers claim: the end is missing.
    #[error("the audio is shorter than its headers claim")]
    Truncated,
    /// Every decoder slot stayed busy for too long to check the file now.
    #[error("no decoder free to check the audio")]
    Busy,
}

/// What reading an audio file found.
#[derive(Debug)]
pub struct AudioInfo {
    pub format: AudioFormat,
    /// Whole seconds, to the nearest (a 0.4 s jingle lasts 1 s).
    pub duration_seconds: i32,
    /// What the headers claim, to the millisecond, for the decode check to compare with.
    pub duration: std::time::Duration,
    pub title: Option<String>,
    /// Embedded cover art, if any: the front cover when the file marks one.
    pub picture: Option<Vec<u8>>,
    /// Album, artists, numbers, genres, gains and lyrics (see `tags`).
    pub tags: Tags,
}

/// Reads `path`: format by content, duration, title and cover art from the tags. Blocking.
pub fn inspect(path: &Path) -> Result<AudioInfo, AudioError> {
    let probe = probe(path, true)?;
    let format = probe
        .file_type()
        .and_then(AudioFormat::from_file_type)
        .ok_or(AudioError::Unsupported)?;
    // lofty skips junk before an MPEG frame, so a GIF with MP3 data behind it would pass as
    // MP3: the file must begin the way its format does.
    if !begins_as(format, path).map_err(|_| AudioError::Invalid)? {
        return Err(AudioError::Unsupported);
    }
    // lofty's arithmetic on a file's own numbers can overflow (an Opus file whose last granule
    // position is near 2^64, found by fuzz/: `total_samples * 1000` in its properties), which
    // panics wherever overflow checks are on: such a file is corrupt, not the server's fault.
    let read = |probe: Probe<_>| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| probe.read()))
            .map_err(|_| AudioError::Invalid)?
            .map_err(|_| AudioError::Invalid)
    };
    // A cover past lofty's allocation limit (16 MiB) fails the whole read: such a file is
    // read again without its pictures, and keeps its audio and other tags.
    let tagged = match read(probe) {
        Ok(tagged) => tagged,
        Err(_) => read(self::probe(path, false)?)?,
    };
    let properties = tagged.properties();
    let duration = properties.duration();
    // No decoder plays a stream of zero samples a second or zero channels.
    if duration.is_zero()
        || properties.sample_rate().is_none_or(|rate| rate == 0)
        || properties.channels() == Some(0)
    {
        return Err(AudioError::Invalid);
    }
    if format == AudioFormat::Mp3 && shorter_than_declared(properties) {
        return Err(AudioError::Truncated);
    }
    // Nearest whole second (encoders pad a few milliseconds), at least 1 for a short jingle.
    let seconds = ((duration.as_millis() + 500) / 1000).max(1);
    let tag = tagged.primary_tag().or_else(|| tagged.first_tag());
    let title = tag
        .and_then(|t| t.title().map(|s| s.trim().to_owned()))
        .filter(|s| !s.is_empty());
    let picture = tag
        .and_then(|t| {
            let pictures = t.pictures();
            pictures
                .iter()
                .find(|p| p.pic_type() == PictureType::CoverFront)
                .or(pictures.first())
        })
        .map(|p| p.data().to_vec());
    Ok(AudioInfo {
        format,
        duration_seconds: i32::try_from(seconds).unwrap_or(i32::MAX),
        duration,
        title: title.and_then(|t| tags::clean(&t, tags::MAX_NAME_CHARS)),
        picture,
        tags: tags::read(&tagged, path),
    })
}

/// lofty's reader for `path`, its type guessed from the content.
fn probe(
    path: &Path,
    read_cover_art: bool,
) -> Result<Probe<std::io::BufReader<std::fs::File>>, AudioError> {
    Probe::open(path)
        .map_err(|_| AudioError::Invalid)?
        .options(ParseOptions::new().read_cover_art(read_cover_art))
        .guess_file_type()
        .map_err(|_| AudioError::Invalid)
}

/// Whether an MP3's own header (Xing or VBRI, which count its frames and bytes) promises more
/// bytes than the file has: lofty takes the duration from that header, and the bitrate over
/// the whole file then falls short of the stream's. A cut CBR file without such a header is
/// timed by its size and so is consistent. Only MP3: other formats' nominal bitrates are no
/// promise (a Vorbis file at q3 often runs far below its nominal rate).
fn shorter_than_declared(properties: &lofty::properties::FileProperties) -> bool {
    match (properties.overall_bitrate(), properties.audio_bitrate()) {
        (Some(overall), Some(audio)) if audio > 0 => u64::from(overall) * 10 < u64::from(audio) * 9,
        _ => false,
    }
}

/// Whether the file starts with its format's signature, after any ID3v2 tags (allowed before
/// MP3 and FLAC).
fn begins_as(format: AudioFormat, path: &Path) -> std::io::Result<bool> {
    let mut file = std::fs::File::open(path)?;
    let mut head = [0u8; 12];
    let mut offset = 0u64;
    loop {
        file.seek(SeekFrom::Start(offset))?;
        let read = read_up_to(&mut file, &mut head)?;
        let head = &head[..read];
        if matches!(format, AudioFormat::Mp3 | AudioFormat::Flac) && head.starts_with(b"ID3") {
            let Some(size) = id3v2_size(head) else {
                return Ok(false);
            };
            offset += size;
            continue;
        }
        return Ok(match format {
            AudioFormat::Mp3 => head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0,
            AudioFormat::Flac => head.starts_with(b"fLaC"),
            AudioFormat::OggVorbis | AudioFormat::OggOpus => head.starts_with(b"OggS"),
            // ISO media: a box size, then the first box's type.
            AudioFormat::M4a => head.get(4..8).is_some_and(|kind| {
                matches!(
                    kind,
                    b"ftyp" | b"moov" | b"mdat" | b"wide" | b"free" | b"skip"
                )
            }),
            AudioFormat::Wav => head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WAVE"),
        });
    }
}

/// The whole length of the ID3v2 tag `head` starts with: header, body (a 28-bit "syncsafe"
/// size) and optional footer.
fn id3v2_size(head: &[u8]) -> Option<u64> {
    let size = head.get(6..10)?;
    if size.iter().any(|byte| byte & 0x80 != 0) {
        return None;
    }
    let body = size
        .iter()
        .fold(0u64, |total, byte| (total << 7) | u64::from(*byte));
    let footer = if head[5] & 0x10 != 0 { 10 } else { 0 };
    Some(10 + body + footer)
}

fn read_up_to(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opus_file_whose_sample_count_overflows_is_invalid_not_a_panic() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/opus-granule-overflow.opus");
        assert_eq!(inspect(&path).unwrap_err(), AudioError::Invalid);
    }
}
