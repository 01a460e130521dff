use axum::body::Body;
use axum::http::{Method, Request};
use image::ImageFormat;
use serde_json::json;

use crate::support::accounts::PASSWORD;
use crate::support::images::{picture, png_claiming};
use crate::support::{TestApp, TestResponse};

async fn put_avatar(app: &TestApp, token: &str, bytes: Vec<u8>) -> TestResponse {
    let request = Request::put("/api/v1/me/avatar")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/octet-stream")
        .body(Body::from(bytes))
        .unwrap();
    app.send(request).await
}

#[tokio::test]
async fn an_avatar_is_stored_re_encoded_in_three_sizes_and_replaced_cleanly() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("uma").await;
    let first = put_avatar(&app, &me.access, picture(640, 480, ImageFormat::Png)).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let urls = first.json()["avatarUrls"].clone();
    assert_eq!(first.json()["avatarUrl"], urls["medium"]);
    for (name, size) in [("small", 64), ("medium", 256), ("large", 512)] {
        let file = app.get(urls[name].as_str().unwrap()).await;
        assert_eq!(file.status, 200);
        assert_eq!(file.header("content-type"), Some("image/jpeg"));
        let decoded = image::load_from_memory(&file.body).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (size, size));
    }
    assert_eq!(app.media_files().len(), 3);
    let public = app.get(&format!("/api/v1/users/{}", me.user_id)).await;
    assert_eq!(public.json()["avatarUrls"], urls);

    let second = put_avatar(&app, &me.access, picture(300, 300, ImageFormat::WebP)).await;
    assert_eq!(second.status, 200, "{}", second.text());
    assert_ne!(second.json()["avatarUrls"], urls);
    assert_eq!(app.media_files().len(), 3, "the old files are gone");
    app.get(urls["small"].as_str().unwrap())
        .await
        .assert_problem(404, "media_not_found");

    let removed = app
        .call(Method::DELETE, "/api/v1/me/avatar", Some(&me.access), None)
        .await;
    assert_eq!(removed.status, 200);
    assert!(removed.json()["avatarUrl"].is_null());
    assert!(app.media_files().is_empty());
}

#[tokio::test]
async fn bad_pictures_are_refused_and_leave_no_files() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("vic").await;
    put_avatar(
        &app,
        &me.access,
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
    )
    .await
    .assert_problem(415, "unsupported_image");
    put_avatar(
        &app,
        &me.access,
        b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
    )
    .await
    .assert_problem(415, "unsupported_image");
    let mut truncated = picture(200, 200, ImageFormat::Png);
    truncated.truncate(100);
    put_avatar(&app, &me.access, truncated)
        .await
        .assert_problem(422, "invalid_image");
    let bomb = png_claiming(picture(1, 1, ImageFormat::Png), 30_000);
    put_avatar(&app, &me.access, bomb)
        .await
        .assert_problem(413, "image_too_large");
    put_avatar(&app, &me.access, vec![0xFF; 16 * 1024 * 1024])
        .await
        .assert_problem(413, "payload_too_large");
    assert!(app.media_files().is_empty());
    let me_now = app
        .call(Method::GET, "/api/v1/me", Some(&me.access), None)
        .await;
    assert!(me_now.json()["avatarUrl"].is_null());
    // Signed out, nothing is accepted at all.
    let anonymous = Request::put("/api/v1/me/avatar")
        .body(Body::from(picture(10, 10, ImageFormat::Png)))
        .unwrap();
    app.send(anonymous)
        .await
        .assert_problem(401, "authentication_required");
}

#[tokio::test]
async fn deleting_the_account_deletes_its_files() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("wyn").await;
    assert_eq!(
        put_avatar(&app, &me.access, picture(100, 100, ImageFormat::Jpeg))
            .await
            .status,
        200
    );
    assert_eq!(app.media_files().len(), 3);
    let deleted = app
        .call(
            Method::DELETE,
            "/api/v1/me",
            Some(&me.access),
            Some(json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert!(app.media_files().is_empty());
}

#[tokio::test]
async fn media_keys_cannot_escape_the_store() {
    let app = TestApp::new().await;
    for path in [
        "/media/../../etc/passwd",
        "/media/avatars/%2e%2e/x.jpg",
        "/media/a//b.jpg",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, 404, "{path}");
    }
}
