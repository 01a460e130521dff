//! The web app, served from the binary at `/`: plain HTML, CSS and JavaScript modules under
//! `web/`, embedded at compile time (no build step, nothing from the network). Every page path
//! of the app answers with the same `index.html`; the app routes in the browser.
//!
//! Imports nothing of the crate: it has no service, no SQL and no error type of its own (a
//! missing asset is a bare 404), so its router and handlers fit in this one file.

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
    asset!("js/app.js", JS),
    asset!("js/api.js", JS),
    asset!("js/dom.js", JS),
    asset!("js/format.js", JS),
    asset!("js/theme.js", JS),
    asset!("js/player.js", JS),
    asset!("js/songs.js", JS),
    asset!("js/views/auth.js", JS),
    asset!("js/views/home.js", JS),
    asset!("js/views/search.js", JS),
    asset!("js/views/pages.js", JS),
    asset!("js/views/library.js", JS),
    asset!("js/views/upload.js", JS),
    asset!("js/views/settings.js", JS),
    asset!("js/views/app_passwords.js", JS),
    asset!("js/views/share.js", JS),
];

const JS: &str = "text/javascript; charset=utf-8";
const INDEX_HTML: &str = include_str!("../../web/index.html");

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
];

/// The app's files and pages; they need nothing from the state, so any state will do.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let mut router = Router::new().route("/assets/{*path}", get(asset));
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
