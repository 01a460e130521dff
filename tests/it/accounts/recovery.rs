use axum::http::Method;
use serde_json::json;

use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, token_in};

const NEW_PASSWORD: &str = "a brand new melody line";

#[tokio::test]
async fn forgot_password_answers_alike_for_known_and_unknown_addresses() {
    let app = TestApp::new().await;
    let (email, _) = app.verified_user("mo").await;
    let known = app
        .post("/api/v1/auth/forgot-password", json!({"email": email}))
        .await;
    let unknown = app
        .post(
            "/api/v1/auth/forgot-password",
            json!({"email": "ghost@example.test"}),
        )
        .await;
    assert_eq!(known.status, 202);
    assert_eq!(
        (known.status, known.body.clone()),
        (unknown.status, unknown.body.clone())
    );
    let mail = app.wait_for_mail(&email, "Reset").await;
    assert!(mail.contains("/reset-password?token="), "{mail}");
    assert!(app.mails_to("ghost@example.test").is_empty());
}

#[tokio::test]
async fn a_reset_sets_the_password_ends_every_session_and_mails_a_notice() {
    let app = TestApp::new().await;
    let (email, before) = app.verified_user("ned").await;
    app.post("/api/v1/auth/forgot-password", json!({"email": email}))
        .await;
    let token = token_in(&app.wait_for_mail(&email, "Reset").await);

    let weak = app
        .post(
            "/api/v1/auth/reset-password",
            json!({"token": token, "password": "short"}),
        )
        .await;
    weak.assert_problem(422, "validation_failed");
    let reset = app
        .post(
            "/api/v1/auth/reset-password",
            json!({"token": token, "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(reset.status, 204, "{}", reset.text());

    app.call(Method::GET, "/api/v1/me", Some(&before.access), None)
        .await
        .assert_problem(401, "session_ended");
    app.post(
        "/api/v1/auth/login",
        json!({"email": email, "password": PASSWORD}),
    )
    .await
    .assert_problem(401, "invalid_credentials");
    app.login(&email, NEW_PASSWORD).await;
    app.wait_for_mail(&email, "was changed").await;

    app.post(
        "/api/v1/auth/reset-password",
        json!({"token": token, "password": "yet another long one"}),
    )
    .await
    .assert_problem(400, "invalid_reset_token");
}

#[tokio::test]
async fn an_expired_or_forged_reset_token_changes_nothing() {
    let app = TestApp::new().await;
    let (email, _) = app.verified_user("ola").await;
    app.post("/api/v1/auth/forgot-password", json!({"email": email}))
        .await;
    let token = token_in(&app.wait_for_mail(&email, "Reset").await);
    sqlx::query("update passwordresettokens set expiresat = now() - interval '1 second'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    for token in [
        token.as_str(),
        "forged-token-that-was-never-issued-by-ampli",
    ] {
        app.post(
            "/api/v1/auth/reset-password",
            json!({"token": token, "password": NEW_PASSWORD}),
        )
        .await
        .assert_problem(400, "invalid_reset_token");
    }
    app.login(&email, PASSWORD).await;
}

#[tokio::test]
async fn change_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = TestApp::new().await;
    let (email, this) = app.verified_user("pat").await;
    let other = app.login(&email, PASSWORD).await;
    app.call(
        Method::POST,
        "/api/v1/auth/change-password",
        Some(&this.access),
        Some(json!({"currentPassword": "wrong wrong wrong", "newPassword": NEW_PASSWORD})),
    )
    .await
    .assert_problem(403, "wrong_password");
    let changed = app
        .call(
            Method::POST,
            "/api/v1/auth/change-password",
            Some(&this.access),
            Some(json!({"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD})),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.text());
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", Some(&this.access), None)
            .await
            .status,
        200
    );
    app.call(Method::GET, "/api/v1/me", Some(&other.access), None)
        .await
        .assert_problem(401, "session_ended");
    app.login(&email, NEW_PASSWORD).await;
}

#[tokio::test]
async fn reset_and_verification_mails_are_limited_per_address() {
    let app = TestApp::with_settings(|s| s.mail_requests_per_address = Some("2".into())).await;
    for _ in 0..2 {
        let ok = app
            .post(
                "/api/v1/auth/forgot-password",
                json!({"email": "Q@example.test"}),
            )
            .await;
        assert_eq!(ok.status, 202);
    }
    let limited = app
        .post(
            "/api/v1/auth/forgot-password",
            json!({"email": "q@example.test"}),
        )
        .await;
    limited.assert_problem(429, "too_many_attempts");
    assert!(limited.header("retry-after").is_some());
    app.post(
        "/api/v1/auth/resend-verification",
        json!({"email": "q@example.test"}),
    )
    .await
    .assert_problem(429, "too_many_attempts");
}

#[tokio::test]
async fn reset_and_verification_mails_are_limited_per_ip() {
    let app = TestApp::with_settings(|s| s.mail_requests_per_ip = Some("3".into())).await;
    for i in 0..3 {
        let ok = app
            .post(
                "/api/v1/auth/forgot-password",
                json!({"email": format!("r{i}@example.test")}),
            )
            .await;
        assert_eq!(ok.status, 202);
    }
    app.post(
        "/api/v1/auth/resend-verification",
        json!({"email": "r9@example.test"}),
    )
    .await
    .assert_problem(429, "too_many_attempts");
}
