//! `POST /songs` bodies: whatever the parts, an upload is refused with a client error or
//! checked whole (title, description, category and credits within their limits), and the
//! spooled audio never outlives the request.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use ampli::catalog::categories::CATEGORIES;
use ampli::catalog::canonical_role;
use ampli::fuzzing::{self, CatalogError};
use libfuzzer_sys::fuzz_target;

/// The boundary the corpus's bodies are written with.
const BOUNDARY: &str = "ampli-fuzz";

/// This process's own spool directory, so that a file left behind is this target's doing.
fn tmp_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ampli-fuzz-upload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a spool directory");
        dir
    })
}

fuzz_target!(|body: &[u8]| {
    let result = fuzzing::upload(body, BOUNDARY, tmp_dir(), 1024 * 1024);
    let left: Vec<_> = std::fs::read_dir(tmp_dir()).unwrap().collect();
    assert!(left.is_empty(), "spooled files left behind: {left:?}");
    match result {
        Ok(upload) => {
            assert!(upload.spooled_existed && !upload.spooled.exists());
            assert!(upload.duration_seconds >= 1);
            let title = &upload.title;
            assert!(!title.is_empty() && title.trim() == title && title.chars().count() <= 200);
            if let Some(about) = &upload.about {
                assert!(!about.is_empty() && about.trim() == about);
                assert!(about.chars().count() <= 5000);
            }
            assert!(CATEGORIES.contains(&upload.category));
            assert!(upload.credits.len() <= 50);
            for (n, (artist, role)) in upload.credits.iter().enumerate() {
                assert_eq!(canonical_role(role), Some(*role));
                assert!(upload.credits[..n].iter().all(|(other, _)| other != artist));
            }
        }
        // Nothing a client sends is the server's fault (500).
        Err(CatalogError::Unexpected(error)) => panic!("an upload failed as a 500: {error:#}"),
        Err(_) => {}
    }
});
