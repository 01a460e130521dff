//! The application called in-process, the way a client would call it over HTTP.

use ampli::app::AppState;
use ampli::cli::RawSettings;
use ampli::config::Config;
use axum::Router;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::TestDb;

/// The defaults, with the data directory (and so the mail outbox) in `data_dir`.
pub fn config_in(data_dir: &std::path::Path, adjust: impl FnOnce(&mut RawSettings)) -> Config {
    let mut raw = RawSettings {
        data_dir: Some(data_dir.to_string_lossy().into_owned()),
        ..RawSettings::default()
    };
    adjust(&mut raw);
    Config::load(&raw).expect("the test settings are valid")
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub db: TestDb,
    pub config: Config,
    pub data_dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_settings(|_| {}).await
    }

    /// An app whose settings `adjust` changes (limits, mail, …).
    pub async fn with_settings(adjust: impl FnOnce(&mut RawSettings)) -> Self {
        let db = TestDb::migrated().await;
        let data_dir = tempfile::tempdir().unwrap();
        let config = config_in(data_dir.path(), adjust);
        let state = AppState::build(db.pool.clone(), &config).await.unwrap();
        let router = ampli::app::router(state.clone(), &config);
        Self {
            router,
            state,
            db,
            config,
            data_dir,
        }
    }

    /// Every file under the app's media folder.
    pub fn media_files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if entry.path().is_dir() {
                    walk(&entry.path(), out);
                } else {
                    out.push(entry.path());
                }
            }
        }
        let mut files = Vec::new();
        walk(&self.data_dir.path().join("media"), &mut files);
        files
    }

    pub fn outbox(&self) -> std::path::PathBuf {
        self.data_dir.path().join("outbox")
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        send(&self.router, request).await
    }
}

pub async fn send(router: &Router, mut request: Request<Body>) -> TestResponse {
    // What `into_make_service_with_connect_info` adds for a real connection.
    if request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_none()
    {
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 50000))));
    }
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    TestResponse {
        status,
        headers,
        body: body.to_vec(),
    }
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts that this is a problem answer with `status` and `code`.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text()
        );
        let body = self.json();
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["status"], status, "{body}");
        assert!(
            body["title"].is_string() && body["detail"].is_string(),
            "{body}"
        );
        assert_eq!(body["type"], format!("urn:ampli:problem:{code}"), "{body}");
    }
}
