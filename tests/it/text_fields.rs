//! Text fields are checked as their OpenAPI schema reads them: length counted as sent, no
//! control characters in a name, and at least one character that shows. A client validating
//! against the schema and the server never disagree (schemathesis found a name ending in a
//! form feed accepted, because the server trimmed it before looking).

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

#[tokio::test]
async fn a_name_is_refused_for_what_trimming_would_hide() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("tess").await;
    let token = Some(me.access.as_str());
    let refused = [
        "su\u{ce626}g\u{a9}\u{c}".to_owned(),
        "\u{b}Name".to_owned(),
        "\u{3000}\u{feff}".to_owned(),
        format!("  {}", "n".repeat(99)),
    ];
    for name in refused {
        let answer = app
            .call(
                Method::PATCH,
                "/api/v1/me",
                token,
                Some(json!({"name": name})),
            )
            .await;
        answer.assert_problem(422, "validation_failed");
        assert_eq!(answer.json()["errors"][0]["field"], "name", "{name:?}");
    }
    let kept = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            token,
            Some(json!({"name": "  Tess Ray  "})),
        )
        .await;
    assert_eq!(kept.status, 200, "{}", kept.text());
    assert_eq!(kept.json()["name"], "Tess Ray", "stored trimmed");
}

#[tokio::test]
async fn a_playlist_title_is_counted_as_sent() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("tom").await;
    let token = Some(me.access.as_str());
    let create = |title: String| {
        app.call(
            Method::POST,
            "/api/v1/playlists",
            token,
            Some(json!({"title": title, "visibility": "private"})),
        )
    };
    for title in [format!("{} ", "t".repeat(255)), "\u{c}\u{2028}".to_owned()] {
        create(title.clone())
            .await
            .assert_problem(422, "validation_failed");
    }
    let created = create(format!(" {} ", "t".repeat(253))).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let body: Value = created.json();
    assert_eq!(body["title"], "t".repeat(253));
    let count: i64 = sqlx::query_scalar("select count(*) from playlists")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "nothing written for a refused title");
}
