//! Text holding the NUL character, which PostgreSQL cannot store, in every kind of field:
//! JSON bodies, multipart text parts and query strings. Each is a 422 naming the field, never
//! a 500, and nothing is written.

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::audio::wav;
use crate::support::songs::{Part, song_count, upload, uploaded_song};

fn assert_nul_refused(answer: &crate::support::TestResponse, field: &str) {
    answer.assert_problem(422, "validation_failed");
    let body: Value = answer.json();
    assert_eq!(body["errors"][0]["field"], field, "{body}");
}

#[tokio::test]
async fn nul_in_any_json_text_field_is_a_field_error() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("nia").await;
    let token = Some(me.access.as_str());
    let song = uploaded_song(&app, &me.access, "Clean").await;
    let song_uri = format!("/api/v1/songs/{}", song["id"].as_str().unwrap());
    let playlist = app
        .call(
            Method::POST,
            "/api/v1/playlists",
            token,
            Some(json!({"title": "Fine", "visibility": "public"})),
        )
        .await;
    assert_eq!(playlist.status, 201, "{}", playlist.text());
    let playlist_uri = format!(
        "/api/v1/playlists/{}",
        playlist.json()["id"].as_str().unwrap()
    );
    let artist = app
        .call(
            Method::POST,
            "/api/v1/artists",
            token,
            Some(json!({"name": "Fine"})),
        )
        .await
        .json();
    let artist_uri = format!("/api/v1/artists/{}", artist["id"].as_str().unwrap());

    let nul = "a\u{0}b";
    let cases = [
        (
            Method::POST,
            "/api/v1/playlists".to_owned(),
            json!({"title": nul, "visibility": "public"}),
            "title",
        ),
        (
            Method::PATCH,
            playlist_uri.clone(),
            json!({"title": nul}),
            "title",
        ),
        (
            Method::PATCH,
            song_uri.clone(),
            json!({"title": nul}),
            "title",
        ),
        (
            Method::PATCH,
            song_uri.clone(),
            json!({"about": nul}),
            "about",
        ),
        (
            Method::POST,
            "/api/v1/artists".to_owned(),
            json!({"name": nul}),
            "name",
        ),
        (
            Method::PATCH,
            artist_uri.clone(),
            json!({"bio": nul}),
            "bio",
        ),
        (
            Method::PATCH,
            artist_uri.clone(),
            json!({"country": nul}),
            "country",
        ),
        (
            Method::PATCH,
            artist_uri.clone(),
            json!({"genre": nul}),
            "genre",
        ),
        (
            Method::PATCH,
            "/api/v1/me".to_owned(),
            json!({"name": nul}),
            "name",
        ),
    ];
    for (method, uri, body, field) in cases {
        let answer = app.call(method.clone(), &uri, token, Some(body)).await;
        assert_nul_refused(&answer, field);
    }
    // Nothing changed.
    let read = app.get(&song_uri).await.json();
    assert_eq!(read["title"], "Clean");
    let playlists: i64 = sqlx::query_scalar("select count(*) from playlists")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(playlists, 1);
}

#[tokio::test]
async fn nul_in_an_upload_text_part_is_a_field_error() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("oto").await;
    for name in ["title", "about"] {
        let answer = upload(
            &app,
            &me.access,
            &[
                Part::Text(name, "a\u{0}b"),
                Part::File("file", "a.wav", &wav(1)),
            ],
        )
        .await;
        assert_nul_refused(&answer, name);
    }
    assert_eq!(song_count(&app).await, 0);
    assert!(app.media_files().is_empty());
}

#[tokio::test]
async fn nul_in_a_query_string_is_a_field_error() {
    let app = TestApp::new().await;
    for (uri, field) in [
        ("/api/v1/search?q=a%00b", "q"),
        ("/api/v1/songs?category=%00", "category"),
        ("/api/v1/songs?cursor=x%00", "cursor"),
        ("/api/v1/artists?cursor=%00", "cursor"),
    ] {
        assert_nul_refused(&app.get(uri).await, field);
    }
}
