use serde_json::json;

use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, token_in};

#[tokio::test]
async fn sign_up_mails_a_link_that_verifies_the_address_once() {
    let app = TestApp::new().await;
    let created = app.register("Ada", "  Ada@Example.test ", PASSWORD).await;
    assert_eq!(created.status, 202, "{}", created.text());
    assert_eq!(
        created.json(),
        json!({"email": "Ada@Example.test"}),
        "trimmed"
    );

    let mail = app.wait_for_mail("Ada@Example.test", "Confirm").await;
    assert!(
        mail.contains("http://127.0.0.1:4747/verify-email?token="),
        "{mail}"
    );
    assert!(mail.contains("Content-Type: text/plain") && mail.contains("Content-Type: text/html"));
    let token = token_in(&mail);
    assert!(token.len() >= 43, "at least 256 bits, base64url");

    let verified = app
        .post("/api/v1/auth/verify-email", json!({"token": token}))
        .await;
    assert_eq!(verified.status, 200);
    let me = app.login("ada@example.test", PASSWORD).await;
    let profile = app
        .call(
            axum::http::Method::GET,
            "/api/v1/me",
            Some(&me.access),
            None,
        )
        .await;
    assert_eq!(profile.json()["verified"], true);

    let again = app
        .post("/api/v1/auth/verify-email", json!({"token": token}))
        .await;
    again.assert_problem(400, "invalid_verification_token");
}

#[tokio::test]
async fn two_accounts_cannot_differ_only_by_case() {
    let app = TestApp::new().await;
    let first = app.register("One", "same@example.test", PASSWORD).await;
    assert_eq!(first.status, 202);
    // A taken address answers exactly as a free one: the owner is mailed instead.
    let second = app
        .register("Two", "SAME@Example.TEST", "another long passphrase")
        .await;
    assert_eq!(second.status, 202);
    assert_eq!(second.json(), json!({"email": "SAME@Example.TEST"}));
    let warned = app
        .wait_for_mail("same@example.test", "tried to sign up")
        .await;
    assert!(warned.contains("/forgot-password"), "{warned}");
    assert!(!warned.contains("token="), "the warning carries no token");
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(users, 1);
}

#[tokio::test]
async fn a_resend_replaces_the_older_verification_link() {
    let app = TestApp::new().await;
    app.register("Bo", "bo@example.test", PASSWORD).await;
    let first = token_in(&app.wait_for_mail("bo@example.test", "Confirm").await);
    let resend = app
        .post(
            "/api/v1/auth/resend-verification",
            json!({"email": "BO@example.test"}),
        )
        .await;
    assert_eq!(resend.status, 202);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.mails_to("bo@example.test").len() < 2 {
        assert!(std::time::Instant::now() < deadline, "no second mail");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let second = token_in(app.mails_to("bo@example.test").last().unwrap());
    assert_ne!(first, second);
    app.post("/api/v1/auth/verify-email", json!({"token": first}))
        .await
        .assert_problem(400, "invalid_verification_token");
    assert_eq!(
        app.post("/api/v1/auth/verify-email", json!({"token": second}))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn an_expired_verification_link_is_refused() {
    let app = TestApp::new().await;
    app.register("Cy", "cy@example.test", PASSWORD).await;
    let token = token_in(&app.wait_for_mail("cy@example.test", "Confirm").await);
    sqlx::query("update emailverificationtokens set expiresat = now() - interval '1 second'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    app.post("/api/v1/auth/verify-email", json!({"token": token}))
        .await
        .assert_problem(400, "invalid_verification_token");
}

#[tokio::test]
async fn passwords_are_long_any_characters_and_not_common() {
    let app = TestApp::new().await;
    let short = app.register("S", "s@example.test", "short pass").await;
    short.assert_problem(422, "validation_failed");
    assert_eq!(short.json()["errors"][0]["field"], "password");
    app.register("C", "c@example.test", "Password1234")
        .await
        .assert_problem(422, "validation_failed");
    let long: String = "é🎵x".repeat(43);
    assert_eq!(app.register("L", "l@example.test", &long).await.status, 202);
    let signed_in = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "l@example.test", "password": long}),
        )
        .await;
    assert_eq!(signed_in.status, 200);
}

#[tokio::test]
async fn public_profiles_show_no_email_and_names_can_change() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("dana").await;
    let public = app.get(&format!("/api/v1/users/{}", me.user_id)).await;
    assert_eq!(public.status, 200);
    assert_eq!(public.json()["name"], "dana");
    assert!(public.json().get("email").is_none());
    app.get(&format!("/api/v1/users/{}", uuid::Uuid::new_v4()))
        .await
        .assert_problem(404, "user_not_found");

    let renamed = app
        .call(
            axum::http::Method::PATCH,
            "/api/v1/me",
            Some(&me.access),
            Some(json!({"name": "  Dana K  "})),
        )
        .await;
    assert_eq!(renamed.json()["name"], "Dana K");
}

#[tokio::test]
async fn deleting_the_account_needs_the_password_and_removes_its_rows() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("erin").await;
    app.call(
        axum::http::Method::DELETE,
        "/api/v1/me",
        Some(&me.access),
        Some(json!({"password": "not the password"})),
    )
    .await
    .assert_problem(403, "wrong_password");
    let deleted = app
        .call(
            axum::http::Method::DELETE,
            "/api/v1/me",
            Some(&me.access),
            Some(json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(deleted.status, 204);
    let left: (i64, i64) =
        sqlx::query_as("select (select count(*) from users), (select count(*) from usertokens)")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(left, (0, 0));
    app.call(
        axum::http::Method::GET,
        "/api/v1/me",
        Some(&me.access),
        None,
    )
    .await
    .assert_problem(401, "session_ended");
}
