//! The OpenAPI document and the docs page that shows it. The page is Ampli's own small
//! viewer, served from the binary: it needs no network and no third-party assets.

use std::sync::Arc;

use axum::Extension;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const INDEX_HTML: &str = include_str!("docs_assets/index.html");
const DOCS_JS: &str = include_str!("docs_assets/docs.js");
const DOCS_CSS: &str = include_str!("docs_assets/docs.css");

/// Only this origin's own files; no inline script, no other origin.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

pub fn router<S: Clone + Send + Sync + 'static>() -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .routes(routes!(openapi_json))
        .routes(routes!(docs_page))
        .routes(routes!(docs_script))
        .routes(routes!(docs_style))
}

/// The OpenAPI 3.1 document describing every route.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
async fn openapi_json(Extension(document): Extension<Arc<String>>) -> Response {
    asset("application/json", document.to_string())
}

/// The browsable API documentation.
#[utoipa::path(get, path = "/api/docs", tag = "operations",
    responses((status = 200, description = "The docs page", content_type = "text/html")))]
async fn docs_page() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML.to_owned())
}

/// The docs page's script.
#[utoipa::path(get, path = "/api/docs/docs.js", tag = "operations",
    responses((status = 200, description = "Script", content_type = "text/javascript")))]
async fn docs_script() -> Response {
    asset("text/javascript; charset=utf-8", DOCS_JS.to_owned())
}

/// The docs page's style sheet.
#[utoipa::path(get, path = "/api/docs/docs.css", tag = "operations",
    responses((status = 200, description = "Style sheet", content_type = "text/css")))]
async fn docs_style() -> Response {
    asset("text/css; charset=utf-8", DOCS_CSS.to_owned())
}

fn asset(content_type: &'static str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
