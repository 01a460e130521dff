//! What the media route serves (pictures, streamed, with ranges) and what it never does
//! (audio), and deletes that take their files with them at once.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;

use crate::support::accounts::PASSWORD;
use crate::support::audio::wav;
use crate::support::images::picture;
use crate::support::songs::{Part, upload};
use crate::support::{TestApp, TestResponse};

async fn get_with(
    app: &TestApp,
    uri: &str,
    token: Option<&str>,
    range: Option<&str>,
) -> TestResponse {
    let mut request = Request::get(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(range) = range {
        request = request.header("range", range);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

/// A song with a poster and its bitrate ladder made; answers its id.
async fn song_with_ladder(app: &TestApp, token: &str) -> String {
    let response = upload(
        app,
        token,
        &[
            Part::Text("title", "Private audio"),
            Part::File("file", "a.wav", &wav(2)),
            Part::File("poster", "p.png", &picture(64, 64, image::ImageFormat::Png)),
        ],
    )
    .await;
    assert_eq!(response.status, 201, "{}", response.text());
    let transcoder = app
        .state
        .catalog
        .transcoder(app.state.metrics.clone())
        .expect("ffmpeg is installed for the tests");
    assert!(transcoder.run_one().await.unwrap());
    response.json()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn audio_is_never_served_by_the_media_route() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("ada").await;
    let id = song_with_ladder(&app, &me.access).await;
    let mut keys: Vec<String> = sqlx::query_scalar(
        "select objectkey from songrenditions where songid = $1::uuid
         union all select filepublicid from songs where songid = $1::uuid",
    )
    .bind(&id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(keys.len(), 5, "original and four renditions");
    keys.push(format!("songs/{id}/original.mp3"));
    for key in &keys {
        for token in [None, Some(me.access.as_str())] {
            get_with(&app, &format!("/media/{key}"), token, None)
                .await
                .assert_problem(404, "media_not_found");
        }
    }
    // The owner still reaches every quality through the authorised stream route.
    for quality in ["original", "high", "medium", "low", "mp3"] {
        let uri = format!("/api/v1/songs/{id}/stream?quality={quality}");
        assert_eq!(
            get_with(&app, &uri, Some(&me.access), None).await.status,
            200
        );
    }
}

#[tokio::test]
async fn pictures_are_streamed_with_ranges_and_validators() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("bo").await;
    let id = song_with_ladder(&app, &me.access).await;
    let song = app.get(&format!("/api/v1/songs/{id}")).await.json();
    let uri = song["posterUrls"]["large"].as_str().unwrap().to_owned();
    let whole = get_with(&app, &uri, None, None).await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.header("content-type"), Some("image/jpeg"));
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    let length = whole.body.len();
    let part = get_with(&app, &uri, None, Some("bytes=10-19")).await;
    assert_eq!(part.status, 206);
    assert_eq!(part.body, &whole.body[10..20]);
    assert_eq!(
        part.header("content-range"),
        Some(format!("bytes 10-19/{length}").as_str())
    );
    // A Range the server will not satisfy as asked is ignored (RFC 9110 §14.2).
    for ignored in ["bytes=0-1,4-5", "bytes=9-3", "pages=1-2"] {
        let answer = get_with(&app, &uri, None, Some(ignored)).await;
        assert_eq!(
            (answer.status.as_u16(), answer.body.len()),
            (200, length),
            "{ignored}"
        );
    }
    let etag = whole.header("etag").unwrap().to_owned();
    let cached = app
        .send(
            Request::get(&uri)
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(cached.status, 304);
    assert!(cached.body.is_empty());
}

#[tokio::test]
async fn deleting_an_account_removes_its_files_at_once() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("cy").await;
    let (_, other) = app.verified_user("di").await;
    song_with_ladder(&app, &me.access).await;
    song_with_ladder(&app, &me.access).await;
    let kept = song_with_ladder(&app, &other.access).await;
    let avatar = app
        .send(
            Request::put("/api/v1/me/avatar")
                .header("authorization", format!("Bearer {}", me.access))
                .body(Body::from(picture(80, 80, image::ImageFormat::Png)))
                .unwrap(),
        )
        .await;
    assert_eq!(avatar.status, 200, "{}", avatar.text());
    // Each song: original, four renditions, two poster sizes; the avatar: three sizes.
    assert_eq!(app.media_files().len(), 3 * 7 + 3);

    let deleted = app
        .call(
            Method::DELETE,
            "/api/v1/me",
            Some(&me.access),
            Some(json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    let left = app.media_files();
    assert_eq!(left.len(), 7, "{left:?}");
    assert!(
        left.iter()
            .all(|file| file.to_string_lossy().contains(&kept))
    );
    let queued: i64 = sqlx::query_scalar("select count(*) from mediadeletions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(queued, 0, "every queued deletion was carried out");
}

#[tokio::test]
async fn deletions_a_crash_left_queued_are_carried_out_later() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("ed").await;
    let id = song_with_ladder(&app, &me.access).await;
    // A crash right after the delete's commit: the row is gone, the files are not.
    sqlx::query("delete from songs where songid = $1::uuid")
        .bind(&id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(app.media_files().len(), 7);
    let removed = app
        .state
        .storage
        .remove_deleted(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(app.media_files().is_empty());
}
