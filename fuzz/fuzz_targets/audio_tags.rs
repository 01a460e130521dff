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

/// `inspect`, with libFuzzer's panic hook set aside for the call. `inspect` catches a panic of
/// lofty's (overflowing arithmetic on a file's own numbers, known and answered as an invalid
/// file), but the hook would abort at the panic before the catch: a panic that escapes
/// `inspect` still reaches `fuzz_target!`, which aborts on it.
fn inspect_catching_lofty() -> Result<audio::AudioInfo, audio::AudioError> {
    let fuzzer_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| audio::inspect(path()));
    std::panic::set_hook(fuzzer_hook);
    match result {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fuzz_target!(|bytes: &[u8]| {
    let mut file = std::fs::File::create(path()).unwrap();
    file.write_all(bytes).unwrap();
    drop(file);
    if let Ok(info) = inspect_catching_lofty() {
        assert!(info.duration_seconds >= 1, "{info:?}");
        if let Some(title) = &info.title {
            assert!(!title.is_empty() && title.trim() == title, "{title:?}");
        }
        // The same bytes are read the same way again (no state carried between files).
        let again = inspect_catching_lofty().expect("read once, read twice");
        assert_eq!(again.format, info.format);
        assert_eq!(again.duration_seconds, info.duration_seconds);
        assert_eq!(again.title, info.title);
    }
});
