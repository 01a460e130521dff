use axum::body::Body;
use axum::http::{Method, Request};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use crate::support::TestApp;
use crate::support::accounts::PASSWORD;

async fn user_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn malformed_sign_ups_get_a_stable_code_and_create_nothing() {
    let app = TestApp::new().await;
    let cases = [
        (
            json!({"name": "A", "email": "not-an-email", "password": PASSWORD}),
            422,
            "validation_failed",
        ),
        (
            json!({"name": "A", "email": "a@b", "password": PASSWORD}),
            422,
            "validation_failed",
        ),
        (
            json!({"name": "   ", "email": "a@example.test", "password": PASSWORD}),
            422,
            "validation_failed",
        ),
        (
            json!({"name": "n".repeat(101), "email": "a@example.test", "password": PASSWORD}),
            422,
            "validation_failed",
        ),
        (
            json!({"name": 5, "email": "a@example.test", "password": PASSWORD}),
            422,
            "invalid_body",
        ),
        (
            json!({"name": "A", "email": "a@example.test"}),
            422,
            "invalid_body",
        ),
        (
            json!({"name": "A", "email": "a@example.test", "password": PASSWORD, "admin": true}),
            422,
            "invalid_body",
        ),
        (json!(["not", "an", "object"]), 422, "invalid_body"),
    ];
    for (body, status, code) in cases {
        let response = app.post("/api/v1/auth/register", body.clone()).await;
        response.assert_problem(status, code);
    }
    let all_wrong = app
        .post(
            "/api/v1/auth/register",
            json!({"name": "", "email": "x", "password": "y"}),
        )
        .await;
    let fields: Vec<_> = all_wrong.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        ["name", "email", "password"],
        "every invalid field named at once"
    );
    assert_eq!(user_count(&app).await, 0);
    assert!(app.mails_to("a@example.test").is_empty());
}

#[tokio::test]
async fn forged_and_foreign_access_tokens_are_refused() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("quinn").await;

    app.call(Method::GET, "/api/v1/me", None, None)
        .await
        .assert_problem(401, "authentication_required");
    app.call(Method::GET, "/api/v1/me", Some("garbage"), None)
        .await
        .assert_problem(401, "invalid_token");

    // Same claims, signed with another key.
    let foreign = ampli::accounts::access_tokens::AccessTokens::from_secret(
        b"some other deployment's key",
        std::time::Duration::from_secs(900),
    );
    let user = uuid::Uuid::parse_str(&me.user_id).unwrap();
    let session = uuid::Uuid::parse_str(&me.session).unwrap();
    let forged = foreign.issue(user, session).unwrap();
    app.call(Method::GET, "/api/v1/me", Some(&forged), None)
        .await
        .assert_problem(401, "invalid_token");

    // alg: none, with the real token's payload.
    let payload = me.access.split('.').nth(1).unwrap();
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    app.call(
        Method::GET,
        "/api/v1/me",
        Some(&format!("{header}.{payload}.")),
        None,
    )
    .await
    .assert_problem(401, "invalid_token");

    // A tampered payload under the real signature.
    let parts: Vec<&str> = me.access.split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = json!(uuid::Uuid::new_v4());
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    app.call(Method::GET, "/api/v1/me", Some(&tampered), None)
        .await
        .assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn malformed_sign_ins_and_tokens_get_4xx_codes() {
    let app = TestApp::new().await;
    app.post(
        "/api/v1/auth/login",
        json!({"email": "nope", "password": PASSWORD}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        "/api/v1/auth/login",
        json!({"email": "a@example.test", "password": 12345}),
    )
    .await
    .assert_problem(422, "invalid_body");
    app.post("/api/v1/auth/refresh", json!({"refreshToken": "made-up"}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    app.post("/api/v1/auth/verify-email", json!({"token": ""}))
        .await
        .assert_problem(400, "invalid_verification_token");
    let request = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from("{\"email\": "))
        .unwrap();
    app.send(request)
        .await
        .assert_problem(400, "malformed_json");
    app.call(Method::GET, "/api/v1/users/not-a-uuid", None, None)
        .await
        .assert_problem(400, "bad_request");
}
