//! Synced lyrics an MP3 carries in an ID3v2 `SYLT` frame, which lofty's format-neutral tag
//! leaves out: the file's ID3v2 tag is read again on its own for them.

use std::path::Path;

use lofty::config::ParseOptions;
use lofty::file::AudioFile;
use lofty::id3::v2::{Frame, SyncTextContentType, SynchronizedTextFrame, TimestampFormat};
use lofty::mpeg::MpegFile;

use super::lyrics::Lyrics;

/// The first `SYLT` frame of lyrics timed in milliseconds, if the file is an MP3 that has one.
/// Frames timed in MPEG frames are left out: turning those into time needs the stream's frame
/// rate, and taggers hardly write them. Blocking.
pub fn read(path: &Path) -> Option<Lyrics> {
    // Buffered: lofty reads an MP3 a few bytes at a time while it looks for frames, and each
    // read of a bare file is a system call (64 uploads of 50 MB at once took minutes of the
    // machine's whole CPU in the kernel under bench/load).
    let mut file = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    let options = ParseOptions::new()
        .read_properties(false)
        .read_cover_art(false);
    // Not an MP3, or a tag lofty cannot read: no synced lyrics, and the upload goes on.
    let mpeg = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        MpegFile::read_from(&mut file, options)
    }))
    .ok()?
    .ok()?;
    mpeg.id3v2()?.into_iter().find_map(|frame| {
        let Frame::Binary(binary) = frame else {
            return None;
        };
        if binary.id().as_str() != "SYLT" {
            return None;
        }
        let sylt = SynchronizedTextFrame::parse(&binary.data, binary.flags()).ok()?;
        if sylt.timestamp_format != TimestampFormat::MS
            || !matches!(sylt.content_type, SyncTextContentType::Lyrics)
        {
            return None;
        }
        let language = std::str::from_utf8(&sylt.language).ok();
        Lyrics::from_timed(sylt.content, language)
    })
}
