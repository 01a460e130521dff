//! Every error, whatever produced it, is a problem with a stable code.

use ampli::app::AppState;
use ampli::http::{ApiError, ApiJson, ErrorKind};
use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::support::app::{config_in, send};
use crate::support::{TestApp, TestDb};

#[derive(Deserialize)]
struct Greeting {
    name: String,
}

async fn greet(ApiJson(greeting): ApiJson<Greeting>) -> Result<String, ApiError> {
    if greeting.name.is_empty() {
        return Err(ApiError::new(
            ErrorKind::BadRequest,
            "name_empty",
            "Give a name.",
        ));
    }
    Ok(format!("hello {}", greeting.name))
}

async fn explode() -> &'static str {
    panic!("deliberate test panic")
}

async fn fail_inside() -> Result<(), ApiError> {
    Err(ApiError::internal(anyhow::anyhow!(
        "connection to /secret/path failed: select * from users"
    )))
}

/// A router with test-only routes behind the same shared layers as the real one.
async fn app_with_test_routes() -> (Router, TestDb) {
    let db = TestDb::migrated().await;
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), |_| {});
    let routes: Router<AppState> = Router::new()
        .route("/greet", post(greet))
        .route("/explode", get(explode))
        .route("/fail", get(fail_inside));
    let state = AppState::build(db.pool.clone(), &config).await.unwrap();
    let router = ampli::app::with_common_layers(routes, state, &config);
    (router, db)
}

fn post_json(uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap()
}

#[tokio::test]
async fn an_unknown_route_is_a_not_found_problem() {
    let app = TestApp::new().await;
    app.get("/api/v1/no-such-thing")
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_wrong_method_is_a_problem_that_names_the_allowed_ones() {
    let app = TestApp::new().await;
    let response = app
        .send(Request::delete("/healthz").body(Body::empty()).unwrap())
        .await;
    response.assert_problem(405, "method_not_allowed");
    assert!(response.header("allow").unwrap().contains("GET"));
}

#[tokio::test]
async fn a_malformed_json_body_is_a_bad_request_problem() {
    let (router, _db) = app_with_test_routes().await;
    send(&router, post_json("/greet", "{\"name\": "))
        .await
        .assert_problem(400, "malformed_json");
}

#[tokio::test]
async fn json_of_the_wrong_shape_names_the_field() {
    let (router, _db) = app_with_test_routes().await;
    let response = send(&router, post_json("/greet", "{\"name\": 42}")).await;
    response.assert_problem(422, "invalid_body");
    assert!(response.json()["detail"].as_str().unwrap().contains("name"));
}

#[tokio::test]
async fn a_body_without_json_content_type_is_refused() {
    let (router, _db) = app_with_test_routes().await;
    let request = Request::post("/greet")
        .body(Body::from("{\"name\":\"x\"}"))
        .unwrap();
    send(&router, request)
        .await
        .assert_problem(415, "unsupported_media_type");
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let (router, _db) = app_with_test_routes().await;
    let huge = format!("{{\"name\": \"{}\"}}", "a".repeat(2 << 20));
    send(&router, post_json("/greet", huge))
        .await
        .assert_problem(413, "payload_too_large");
}

#[tokio::test]
async fn handler_errors_keep_their_own_code() {
    let (router, _db) = app_with_test_routes().await;
    send(&router, post_json("/greet", "{\"name\": \"\"}"))
        .await
        .assert_problem(400, "name_empty");
    let ok = send(&router, post_json("/greet", "{\"name\": \"Ada\"}")).await;
    assert_eq!(ok.text(), "hello Ada");
}

#[tokio::test]
async fn a_panic_is_a_plain_internal_error() {
    let (router, _db) = app_with_test_routes().await;
    let response = send(
        &router,
        Request::get("/explode").body(Body::empty()).unwrap(),
    )
    .await;
    response.assert_problem(500, "internal_error");
    assert!(!response.text().contains("deliberate"));
}

#[tokio::test]
async fn internal_errors_never_show_their_cause() {
    let (router, _db) = app_with_test_routes().await;
    let response = send(&router, Request::get("/fail").body(Body::empty()).unwrap()).await;
    response.assert_problem(500, "internal_error");
    let text = response.text();
    assert!(
        !text.contains("/secret/path") && !text.contains("select"),
        "{text}"
    );
}
