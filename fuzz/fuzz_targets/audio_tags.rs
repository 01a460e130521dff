//! Uploaded audio as `media::audio::inspect` reads it (format by content, duration, title and
//! cover art from the tags): any file is refused or read, never a panic or a hang, and what is
//! read is what the upload relies on.
#![no_main]

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use ampli::media::audio;
use libfuzzer_sys::fuzz_target;

/// The file each input is written to: `inspect` reads a path, as the upload's spooled file.
fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("ampli-fuzz-audio-{}", std::process::id()))
    })
}

fuzz_target!(|bytes: &[u8]| {
    let mut file = std::fs::File::create(path()).unwrap();
    file.write_all(bytes).unwrap();
    drop(file);
    if let Ok(info) = audio::inspect(path()) {
        assert!(info.duration_seconds >= 1, "{info:?}");
        if let Some(title) = &info.title {
            assert!(!title.is_empty() && title.trim() == title, "{title:?}");
        }
        // The same bytes are read the same way again (no state carried between files).
        let again = audio::inspect(path()).expect("read once, read twice");
        assert_eq!(again.format, info.format);
        assert_eq!(again.duration_seconds, info.duration_seconds);
        assert_eq!(again.title, info.title);
    }
});
