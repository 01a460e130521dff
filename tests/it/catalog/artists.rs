use axum::http::Method;
use serde_json::json;

use super::uploaded_song;
use crate::support::TestApp;

#[tokio::test]
async fn artists_are_edited_by_their_creator_or_an_admin_and_only_admins_verify() {
    let app = TestApp::new().await;
    let (_, maker) = app.verified_user("lou").await;
    let (_, other) = app.verified_user("max").await;
    let created = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&maker.access),
            Some(json!({"name": "Nightjar", "country": "NZ", "genre": "Ambient"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let artist = created.json();
    assert_eq!(artist["verified"], false);
    let uri = format!("/api/v1/artists/{}", artist["id"].as_str().unwrap());

    app.call(
        Method::PATCH,
        &uri,
        Some(&other.access),
        Some(json!({"bio": "mine now"})),
    )
    .await
    .assert_problem(403, "not_owner");
    let edited = app
        .call(
            Method::PATCH,
            &uri,
            Some(&maker.access),
            Some(json!({"bio": "Field recordings."})),
        )
        .await;
    assert_eq!(edited.json()["bio"], "Field recordings.");
    app.call(
        Method::PATCH,
        &uri,
        Some(&maker.access),
        Some(json!({"verified": true})),
    )
    .await
    .assert_problem(403, "admin_only");

    sqlx::query("update users set isadmin = true where email = 'max@example.test'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let verified = app
        .call(
            Method::PATCH,
            &uri,
            Some(&other.access),
            Some(json!({"verified": true})),
        )
        .await;
    assert_eq!(verified.json()["verified"], true);

    app.call(
        Method::POST,
        "/api/v1/artists",
        Some(&maker.access),
        Some(json!({"name": ""})),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.call(
        Method::POST,
        "/api/v1/artists",
        Some(&maker.access),
        Some(json!({"name": "X", "userId": other.user_id})),
    )
    .await
    .assert_problem(403, "not_owner");
    let listed = app.get("/api/v1/artists").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.call(Method::DELETE, &uri, Some(&maker.access), None)
            .await
            .status,
        204
    );
    app.get(&uri).await.assert_problem(404, "artist_not_found");
}

#[tokio::test]
async fn credits_are_added_changed_and_removed_by_the_songs_owner() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("ned").await;
    let (_, other) = app.verified_user("ona").await;
    let song = uploaded_song(&app, &me.access, "Credited").await;
    let artist = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&me.access),
            Some(json!({"name": "Producer P"})),
        )
        .await
        .json();
    let credit = format!(
        "/api/v1/songs/{}/artists/{}",
        song["id"].as_str().unwrap(),
        artist["id"].as_str().unwrap()
    );

    let added = app
        .call(
            Method::PUT,
            &credit,
            Some(&me.access),
            Some(json!({"role": "Producer"})),
        )
        .await;
    assert_eq!(added.json()["artists"][0]["role"], "Producer");
    let changed = app
        .call(
            Method::PUT,
            &credit,
            Some(&me.access),
            Some(json!({"role": "Composer"})),
        )
        .await;
    assert_eq!(
        changed.json()["artists"].as_array().unwrap().len(),
        1,
        "PUT is idempotent"
    );
    assert_eq!(changed.json()["artists"][0]["role"], "Composer");
    app.call(
        Method::PUT,
        &credit,
        Some(&me.access),
        Some(json!({"role": "Tambourine hero"})),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.call(
        Method::PUT,
        &credit,
        Some(&other.access),
        Some(json!({"role": "Primary"})),
    )
    .await
    .assert_problem(403, "not_owner");
    let missing = format!(
        "/api/v1/songs/{}/artists/{}",
        song["id"].as_str().unwrap(),
        uuid::Uuid::new_v4()
    );
    app.call(
        Method::PUT,
        &missing,
        Some(&me.access),
        Some(json!({"role": "Primary"})),
    )
    .await
    .assert_problem(404, "artist_not_found");
    assert_eq!(
        app.call(Method::DELETE, &credit, Some(&me.access), None)
            .await
            .status,
        204
    );
    let read = app
        .get(&format!("/api/v1/songs/{}", song["id"].as_str().unwrap()))
        .await
        .json();
    assert_eq!(read["artists"], json!([]));
}

#[tokio::test]
async fn an_artist_picture_is_re_encoded_and_removed_with_the_artist() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("quin").await;
    let artist = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&me.access),
            Some(json!({"name": "Pictured"})),
        )
        .await
        .json();
    let uri = format!("/api/v1/artists/{}/avatar", artist["id"].as_str().unwrap());
    let request = |bytes: Vec<u8>| {
        axum::http::Request::put(&uri)
            .header("authorization", format!("Bearer {}", me.access))
            .body(axum::body::Body::from(bytes))
            .unwrap()
    };
    let set = app
        .send(request(crate::support::images::picture(
            300,
            300,
            image::ImageFormat::Png,
        )))
        .await;
    assert_eq!(set.status, 200, "{}", set.text());
    let url = set.json()["avatarUrl"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get(&url).await.header("content-type"),
        Some("image/jpeg")
    );
    app.send(request(b"not a picture".to_vec()))
        .await
        .assert_problem(415, "unsupported_image");
    assert_eq!(app.media_files().len(), 3);
    let gone = app
        .call(
            Method::DELETE,
            &format!("/api/v1/artists/{}", artist["id"].as_str().unwrap()),
            Some(&me.access),
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    assert!(app.media_files().is_empty());
}
