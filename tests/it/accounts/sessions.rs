use axum::http::Method;
use serde_json::json;

use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, tokens};

#[tokio::test]
async fn sign_in_works_on_many_devices_each_listed() {
    let app = TestApp::new().await;
    let (email, phone) = app.verified_user("fay").await;
    let laptop = app
        .post(
            "/api/v1/auth/login",
            json!({"email": email, "password": PASSWORD, "deviceName": "Laptop"}),
        )
        .await;
    let laptop = tokens(&laptop.json());
    let listed = app
        .call(
            Method::GET,
            "/api/v1/auth/sessions",
            Some(&laptop.access),
            None,
        )
        .await;
    let items = listed.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    let current: Vec<_> = items.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["deviceName"], "Laptop");
    assert_eq!(current[0]["id"], laptop.session.as_str());

    // Ending the phone's session from the laptop: its access token is refused at once.
    let ended = app
        .call(
            Method::DELETE,
            &format!("/api/v1/auth/sessions/{}", phone.session),
            Some(&laptop.access),
            None,
        )
        .await;
    assert_eq!(ended.status, 204);
    app.call(Method::GET, "/api/v1/me", Some(&phone.access), None)
        .await
        .assert_problem(401, "session_ended");
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", Some(&laptop.access), None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn another_users_session_is_not_found() {
    let app = TestApp::new().await;
    let (_, gus) = app.verified_user("gus").await;
    let (_, hal) = app.verified_user("hal").await;
    app.call(
        Method::DELETE,
        &format!("/api/v1/auth/sessions/{}", hal.session),
        Some(&gus.access),
        None,
    )
    .await
    .assert_problem(404, "session_not_found");
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", Some(&hal.access), None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_ends_the_session() {
    let app = TestApp::new().await;
    let (_, first) = app.verified_user("ivy").await;
    let refreshed = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refreshToken": first.refresh}),
        )
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text());
    let second = tokens(&refreshed.json());
    assert_ne!(second.refresh, first.refresh);
    assert_eq!(second.session, first.session, "same device, same session");
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", Some(&second.access), None)
            .await
            .status,
        200
    );

    // The old refresh token again: someone copied it. The whole session ends.
    app.post(
        "/api/v1/auth/refresh",
        json!({"refreshToken": first.refresh}),
    )
    .await
    .assert_problem(401, "refresh_token_reused");
    app.post(
        "/api/v1/auth/refresh",
        json!({"refreshToken": second.refresh}),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    app.call(Method::GET, "/api/v1/me", Some(&second.access), None)
        .await
        .assert_problem(401, "session_ended");
}

#[tokio::test]
async fn logout_ends_this_device_and_logout_all_every_one() {
    let app = TestApp::new().await;
    let (email, one) = app.verified_user("jo").await;
    let two = app.login(&email, PASSWORD).await;
    let three = app.login(&email, PASSWORD).await;
    assert_eq!(
        app.call(Method::POST, "/api/v1/auth/logout", Some(&one.access), None)
            .await
            .status,
        204
    );
    app.call(Method::GET, "/api/v1/me", Some(&one.access), None)
        .await
        .assert_problem(401, "session_ended");
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", Some(&two.access), None)
            .await
            .status,
        200
    );

    assert_eq!(
        app.call(
            Method::POST,
            "/api/v1/auth/logout-all",
            Some(&two.access),
            None
        )
        .await
        .status,
        204
    );
    for token in [&two.access, &three.access] {
        app.call(Method::GET, "/api/v1/me", Some(token), None)
            .await
            .assert_problem(401, "session_ended");
    }
    app.post(
        "/api/v1/auth/refresh",
        json!({"refreshToken": three.refresh}),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
}

#[tokio::test]
async fn wrong_passwords_and_unknown_emails_get_the_same_answer() {
    let app = TestApp::new().await;
    let (email, _) = app.verified_user("kim").await;
    let wrong = app
        .post(
            "/api/v1/auth/login",
            json!({"email": email, "password": "not my password"}),
        )
        .await;
    let unknown = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "nobody@example.test", "password": PASSWORD}),
        )
        .await;
    wrong.assert_problem(401, "invalid_credentials");
    unknown.assert_problem(401, "invalid_credentials");
    assert_eq!(wrong.json()["detail"], unknown.json()["detail"]);
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_account_and_per_ip() {
    let app = TestApp::with_settings(|s| {
        s.sign_in_failures_per_account = Some("3".into());
        s.sign_in_failures_per_ip = Some("5".into());
    })
    .await;
    let (email, _) = app.verified_user("lee").await;
    for _ in 0..3 {
        app.post(
            "/api/v1/auth/login",
            json!({"email": email, "password": "guess guess guess"}),
        )
        .await
        .assert_problem(401, "invalid_credentials");
    }
    let limited = app
        .post(
            "/api/v1/auth/login",
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    limited.assert_problem(429, "too_many_attempts");
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 3600, "{retry}");

    // Two more failures on other accounts reach the per-IP allowance of five.
    for other in ["a@example.test", "b@example.test"] {
        app.post(
            "/api/v1/auth/login",
            json!({"email": other, "password": "guess guess guess"}),
        )
        .await
        .assert_problem(401, "invalid_credentials");
    }
    app.post(
        "/api/v1/auth/login",
        json!({"email": "c@example.test", "password": "guess guess guess"}),
    )
    .await
    .assert_problem(429, "too_many_attempts");
}

#[tokio::test]
async fn a_bcrypt_password_from_mongodb_signs_in_and_is_rehashed() {
    let app = TestApp::new().await;
    let legacy = bcrypt::hash("my old ampli password", 6)
        .unwrap()
        .replacen("$2b$", "$2a$", 1);
    sqlx::query("insert into users (name, email, password, verified) values ('Old', 'old@example.test', $1, true)")
        .bind(&legacy)
        .execute(&app.db.pool)
        .await
        .unwrap();
    app.login("old@example.test", "my old ampli password").await;
    let stored: String =
        sqlx::query_scalar("select password from users where email = 'old@example.test'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    app.login("old@example.test", "my old ampli password").await;
}
