//! No token or password is ever stored in the clear.

use axum::http::Method;
use serde_json::json;

use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, token_in};

#[tokio::test]
async fn tables_hold_only_hashes_of_tokens_and_passwords() {
    let app = TestApp::new().await;
    let email = "sam@example.test";
    app.register("Sam", email, PASSWORD).await;
    let verification = token_in(&app.wait_for_mail(email, "Confirm").await);
    let tokens = app.login(email, PASSWORD).await;
    app.post("/api/v1/auth/forgot-password", json!({"email": email}))
        .await;
    let reset = token_in(&app.wait_for_mail(email, "Reset").await);

    let stored: Vec<String> = sqlx::query_scalar(
        "select token::text from usertokens
         union all select token from emailverificationtokens
         union all select token from passwordresettokens
         union all select password from users",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), 4, "{stored:?}");
    for secret in [
        &verification,
        &reset,
        &tokens.refresh,
        &tokens.access,
        &PASSWORD.to_owned(),
    ] {
        assert!(
            stored.iter().all(|value| !value.contains(secret.as_str())),
            "a secret is stored in the clear"
        );
    }
    let password: String = sqlx::query_scalar("select password from users")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(password.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    // The refresh token's hash is what is stored: the session row matches it.
    use sha2::Digest;
    let expected = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        sha2::Sha256::digest(tokens.refresh.as_bytes()),
    );
    assert!(stored.contains(&expected));
    let me = app
        .call(Method::GET, "/api/v1/me", Some(&tokens.access), None)
        .await;
    assert_eq!(me.status, 200);
}
