//! The web app, served from the binary at `/`: plain HTML, CSS and JavaScript modules under
//! `web/`, embedded at compile time (no build step, nothing from the network). Every page path
//! of the app answers with the same `index.html`; the app routes in the browser.
//!
//! Imports nothing of the crate: it has no service, no SQL and no error type of its own (a
//! missing asset is a bare 404), so its router and handlers fit in this one file.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
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

async fn index() -> Response {
    secured(
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            INDEX_HTML,
        )
            .into_response(),
        "no-cache",
    )
}

async fn service_worker() -> Response {
    secured(
        ([(header::CONTENT_TYPE, JS)], SERVICE_WORKER_SCRIPT.as_str()).into_response(),
        "no-cache",
    )
}

async fn asset(Path(path): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, ..)| *name == path) {
        Some((_, content_type, bytes)) => secured(
            ([(header::CONTENT_TYPE, *content_type)], *bytes).into_response(),
            // Revalidated each time: the files change with the binary, not their names.
            "no-cache",
        ),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_is_preloaded_and_in_the_offline_shell() {
        for (path, content_type, _) in ASSETS {
            if *content_type == JS && !matches!(*path, "js/app.js" | "js/theme.js") {
                let link = format!(r#"<link rel="modulepreload" href="/assets/{path}">"#);
                assert!(INDEX_HTML.contains(&link), "index.html preloads {path}");
            }
            assert!(
                SERVICE_WORKER_SCRIPT.contains(&format!("\"/assets/{path}\"")),
                "the service worker keeps {path}"
            );
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
