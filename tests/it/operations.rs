//! Health, readiness, metrics, request ids and the API documents.

use ampli::app::AppState;
use axum::body::Body;
use axum::http::Request;
use sqlx::postgres::PgPoolOptions;

use crate::support::TestApp;
use crate::support::app::send;

#[tokio::test]
async fn healthz_and_readyz_answer_ok_with_a_database() {
    let app = TestApp::new().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["status"], "ready");
}

#[tokio::test]
async fn readyz_is_503_while_the_database_is_unreachable() {
    let port = crate::support::process::free_port();
    let app = TestApp::new().await;
    // Everything built on a real database through a pool that keeps no idle connection; then
    // the pool is pointed at a port where nobody listens, so every service's next query finds
    // the database gone (each service holds this same pool, not a copy).
    let pool = PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_secs(1))
        .after_release(|_, _| Box::pin(async { Ok(false) }))
        .connect_lazy_with((*app.db.pool.connect_options()).clone());
    let state = AppState::build(pool.clone(), &app.config).await.unwrap();
    pool.set_connect_options(
        format!("postgres://nobody@127.0.0.1:{port}/none")
            .parse()
            .unwrap(),
    );
    let router = ampli::app::router(state, &app.config);
    let response = send(
        &router,
        Request::get("/readyz").body(Body::empty()).unwrap(),
    )
    .await;
    response.assert_problem(503, "database_unavailable");
    assert_eq!(response.header("retry-after"), Some("2"));
    // A route that needs the database says the same, not 500.
    let songs = send(
        &router,
        Request::get("/api/v1/songs").body(Body::empty()).unwrap(),
    )
    .await;
    songs.assert_problem(503, "database_unavailable");
    assert_eq!(songs.header("retry-after"), Some("2"));
    // Liveness does not depend on the database.
    let health = send(
        &router,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(health.status, 200);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_the_callers() {
    let app = TestApp::new().await;
    let fresh = app.get("/healthz").await;
    let id = fresh.header("x-request-id").expect("a request id");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    let given = app
        .send(
            Request::get("/nope")
                .header("x-request-id", "trace-me-42")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(given.header("x-request-id"), Some("trace-me-42"));
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_show_the_pool() {
    let app = TestApp::new().await;
    for _ in 0..3 {
        app.get("/healthz").await;
    }
    app.get("/api/v1/songs/123/nothing").await;
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text();
    assert!(
        text.contains(r#"ampli_http_requests_total{method="GET",route="/healthz",status="200"} 3"#),
        "{text}"
    );
    assert!(
        text.contains(
            r#"ampli_http_requests_total{method="GET",route="unmatched",status="404"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"ampli_http_request_duration_seconds_count{route="/healthz"} 3"#));
    assert!(
        text.contains(
            r#"ampli_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"} 3"#
        )
    );
    // The test pool allows five connections (support::db).
    assert!(text.contains("ampli_db_pool_max_connections 5"), "{text}");
    assert!(text.contains("\nampli_db_pool_connections "), "{text}");
    assert!(text.contains("\nampli_db_pool_idle_connections "), "{text}");
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let app = TestApp::new().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status, 200);
    let document = response.json();
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1"),
        "{document}"
    );
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/openapi.json",
        "/api/docs",
    ] {
        assert!(document["paths"][path]["get"].is_object(), "{path} missing");
    }
    assert!(document["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn the_docs_page_works_without_network() {
    let app = TestApp::new().await;
    let page = app.get("/api/docs").await;
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    let html = page.text();
    // Every asset the page loads is served by Ampli itself.
    for asset in ["/api/docs/docs.js", "/api/docs/docs.css"] {
        assert!(html.contains(asset));
        assert_eq!(app.get(asset).await.status, 200, "{asset}");
    }
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("<script>"), "no inline script");
}
