//! The web app, served from the binary at `/`: plain HTML, CSS and JavaScript modules under
//! `web/`, embedded at compile time (no build step, nothing from the network). Every page path
//! of the app answers with the same `index.html`; the app routes in the browser.
//!
//! Imports nothing of the crate: it has no service, no SQL and no error type of its own (a
//! missing asset is a bare 404), so its router and handlers fit in this one file.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Only this origin's own files: no inline script or style, no other origin, no framing.
/// Media and images may be blob: URLs (local previews of an upload before it is sent).
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; \
    base-uri 'none'; frame-ancestors 'none'; form-action 'self'; manifest-src 'self'";

/// One file of `web/`, embedded: `(path under /assets/, content type, bytes)`.
macro_rules! asset {
    ($path:literal, $content_type:expr) => {
        (
            $path,
            $content_type,
            include_bytes!(concat!("../../web/", $path)),
        )
    };
}

/// Every file the app loads. A new file of the app is added here.
const ASSETS: &[(&str, &str, &[u8])] = &[
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("icon.svg", "image/svg+xml"),
    asset!("manifest.webmanifest", "application/manifest+json"),
    asset!("js/app.js", JS),
    asset!("js/api.js", JS),
    asset!("js/dom.js", JS),
    asset!("js/format.js", JS),
    asset!("js/theme.js", JS),
    asset!("js/player.js", JS),
    asset!("js/songs.js", JS),
    asset!("js/lyrics.js", JS),
    asset!("js/waveform.js", JS),
    asset!("js/shortcuts.js", JS),
    asset!("js/views/auth.js", JS),
    asset!("js/views/home.js", JS),
    asset!("js/views/search.js", JS),
    asset!("js/views/pages.js", JS),
    asset!("js/views/library.js", JS),
    asset!("js/views/upload.js", JS),
    asset!("js/views/settings.js", JS),
    asset!("js/views/app_passwords.js", JS),
    asset!("js/views/share.js", JS),
    asset!("js/views/now_playing.js", JS),
];

const JS: &str = "text/javascript; charset=utf-8";
const INDEX_HTML: &str = include_str!("../../web/index.html");
const SERVICE_WORKER: &str = include_str!("../../web/sw.js");

/// The service worker as served: the shell's files and a version that changes with any of
/// them, put above `web/sw.js`, so that its list is this one and a new build renews its cache.
static SERVICE_WORKER_SCRIPT: LazyLock<String> = LazyLock::new(|| {
    // FNV-1a over every file of the shell: cheap, and only needs to change when one does.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let files = ASSETS.iter().map(|(_, _, bytes)| *bytes);
    for byte in files.chain([INDEX_HTML.as_bytes()]).flatten() {
        hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let paths: Vec<String> = ASSETS
        .iter()
        .map(|(path, ..)| format!("/assets/{path}"))
        .collect();
    format!(
        "const SHELL_VERSION = '{hash:016x}';\nconst SHELL_FILES = {};\n{SERVICE_WORKER}",
        serde_json::to_string(&paths).unwrap_or_else(|_| "[]".to_owned())
    )
});

/// The app's page paths (each answers with index.html).
const PAGES: &[&str] = &[
    "/",
    "/sign-in",
    "/sign-up",
    "/forgot-password",
    "/reset-password",
    "/verify-email",
    "/search",
    "/library",
    "/upload",
    "/settings",
    "/songs/{id}",
    "/songs/{id}/edit",
    "/artists/{id}",
    "/users/{id}",
    "/playlists/{id}",
    "/categories/{name}",
    "/albums",
    "/albums/{id}",
    "/share/{token}",
    "/now-playing",
];

/// Each asset gzipped once (in `ASSETS` order), then the page and the service worker: the
/// app's JavaScript and CSS shrink to about a quarter, most of a slow phone connection's wait.
static GZIPPED: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|(_, _, bytes)| *bytes)
        .chain([INDEX_HTML.as_bytes(), SERVICE_WORKER_SCRIPT.as_bytes()])
        .map(gzip)
        .collect()
});

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Whether the client takes gzip (`Accept-Encoding: gzip` or `*`, not refused with `q=0`).
fn takes_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|part| {
                part.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// `plain`, or its gzipped copy `GZIPPED[index]` when the client takes it.
fn body(
    headers: &HeaderMap,
    content_type: &'static str,
    plain: &'static [u8],
    index: usize,
) -> Response {
    let mut response = if takes_gzip(headers) {
        let gzipped = GZIPPED[index].clone();
        let kind = [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_ENCODING, "gzip"),
        ];
        (kind, gzipped).into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], plain).into_response()
    };
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// The app's files and pages; they need nothing from the state, so any state will do.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let mut router = Router::new()
        .route("/assets/{*path}", get(asset))
        // At the root, so that its scope is the whole app.
        .route("/sw.js", get(service_worker));
    for page in PAGES {
        router = router.route(page, get(index));
    }
    router
}

fn secured(mut response: Response, cache: &'static str) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

async fn index(headers: HeaderMap) -> Response {
    let html = "text/html; charset=utf-8";
    secured(
        body(&headers, html, INDEX_HTML.as_bytes(), ASSETS.len()),
        "no-cache",
    )
}

async fn service_worker(headers: HeaderMap) -> Response {
    let script = SERVICE_WORKER_SCRIPT.as_bytes();
    secured(body(&headers, JS, script, ASSETS.len() + 1), "no-cache")
}

async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    match ASSETS.iter().position(|(name, ..)| *name == path) {
        Some(index) => {
            let (_, content_type, bytes) = ASSETS[index];
            // Revalidated each time: the files change with the binary, not their names.
            secured(body(&headers, content_type, bytes, index), "no-cache")
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The modules `path` imports statically, as asset paths (`./x.js` from `js/views/`).
    fn static_imports(path: &str) -> Vec<String> {
        let (_, _, bytes) = ASSETS.iter().find(|(name, ..)| *name == path).unwrap();
        let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
        let text = std::str::from_utf8(bytes).unwrap();
        text.lines()
            .filter(|line| line.starts_with("import "))
            .filter_map(|line| line.split(" from '").nth(1)?.split('\'').next())
            .map(|relative| {
                let mut parts: Vec<&str> = folder.split('/').collect();
                for step in relative.split('/') {
                    match step {
                        "." => {}
                        ".." => {
                            parts.pop();
                        }
                        name => parts.push(name),
                    }
                }
                parts.join("/")
            })
            .collect()
    }

    #[test]
    fn the_first_pages_modules_are_preloaded_and_every_file_is_in_the_offline_shell() {
        // What app.js and the home page import, at any depth: asked for at once by index.html.
        let mut needed = vec!["js/app.js".to_owned(), "js/views/home.js".to_owned()];
        let mut seen = std::collections::HashSet::new();
        while let Some(module) = needed.pop() {
            if seen.insert(module.clone()) {
                needed.extend(static_imports(&module));
            }
        }
        for module in seen.iter().filter(|m| *m != "js/app.js") {
            let link = format!(r#"<link rel="modulepreload" href="/assets/{module}">"#);
            assert!(INDEX_HTML.contains(&link), "index.html preloads {module}");
        }
        assert!(seen.len() > 5, "{seen:?}");
        for (path, ..) in ASSETS {
            assert!(
                SERVICE_WORKER_SCRIPT.contains(&format!("\"/assets/{path}\"")),
                "the service worker keeps {path}"
            );
        }
    }

    #[test]
    fn gzip_is_sent_only_to_clients_that_take_it_and_unpacks_to_the_file() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            takes_gzip(&headers)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, GZIP;q=0.5"));
        assert!(with("*"));
        assert!(!with("gzip;q=0, br"));
        assert!(!with("identity"));
        assert!(!takes_gzip(&HeaderMap::new()));
        for (index, (_, _, bytes)) in ASSETS.iter().enumerate() {
            let mut unpacked = Vec::new();
            let mut decoder = flate2::read::GzDecoder::new(GZIPPED[index].as_slice());
            std::io::Read::read_to_end(&mut decoder, &mut unpacked).unwrap();
            assert_eq!(unpacked, *bytes);
        }
    }

    #[test]
    fn every_preloaded_or_loaded_file_is_served() {
        for line in INDEX_HTML.lines() {
            if let Some(rest) = line.split("/assets/").nth(1) {
                let path = rest.split('"').next().unwrap_or_default();
                assert!(
                    ASSETS.iter().any(|(name, ..)| *name == path),
                    "index.html names /assets/{path}, which is not served"
                );
            }
        }
    }
}
