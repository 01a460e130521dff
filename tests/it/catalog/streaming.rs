use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;

use crate::support::audio::wav;
use crate::support::songs::{Part, upload, uploaded_song};
use crate::support::{TestApp, TestResponse};

async fn get(
    app: &TestApp,
    uri: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> TestResponse {
    let mut request = Request::get(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn streaming_answers_ranges_like_a_file_server() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("gil").await;
    let original = wav(2);
    let song = upload(
        &app,
        &me.access,
        &[
            Part::Text("title", "Ranged"),
            Part::File("file", "a.wav", &original),
        ],
    )
    .await
    .json();
    let uri = format!("/api/v1/songs/{}/stream", song["id"].as_str().unwrap());
    let token = Some(me.access.as_str());
    let length = original.len();

    let whole = get(&app, &uri, token, &[]).await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body, original);
    assert_eq!(whole.header("content-type"), Some("audio/wav"));
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    assert_eq!(
        whole.header("content-length"),
        Some(length.to_string().as_str())
    );
    assert!(whole.header("content-encoding").is_none());
    let etag = whole.header("etag").unwrap().to_owned();
    assert!(whole.header("last-modified").is_some());

    let first = get(&app, &uri, token, &[("range", "bytes=0-99")]).await;
    assert_eq!(first.status, 206);
    assert_eq!(first.body, &original[..100]);
    assert_eq!(
        first.header("content-range"),
        Some(format!("bytes 0-99/{length}").as_str())
    );

    let tail = get(&app, &uri, token, &[("range", "bytes=-10")]).await;
    assert_eq!(tail.body, &original[length - 10..]);
    let open = get(
        &app,
        &uri,
        token,
        &[("range", &format!("bytes={}-", length - 5))],
    )
    .await;
    assert_eq!(open.body, &original[length - 5..]);

    let beyond = get(&app, &uri, token, &[("range", &format!("bytes={length}-"))]).await;
    beyond.assert_problem(416, "range_not_satisfiable");
    assert_eq!(
        beyond.header("content-range"),
        Some(format!("bytes */{length}").as_str())
    );
    // A Range the server will not satisfy as asked is ignored (RFC 9110 §14.2): the whole file.
    for ignored in ["bytes=9-3", "bytes=0-1,4-5", "bytes=abc", "pages=1-2"] {
        let answer = get(&app, &uri, token, &[("range", ignored)]).await;
        assert_eq!(
            (answer.status.as_u16(), answer.body.len()),
            (200, length),
            "{ignored}"
        );
    }

    // If-Range: a stale validator gets the whole, current file.
    let stale = get(
        &app,
        &uri,
        token,
        &[("range", "bytes=0-9"), ("if-range", "\"old\"")],
    )
    .await;
    assert_eq!((stale.status.as_u16(), stale.body.len()), (200, length));
    let fresh = get(
        &app,
        &uri,
        token,
        &[("range", "bytes=0-9"), ("if-range", &etag)],
    )
    .await;
    assert_eq!(fresh.status, 206);

    let head = app
        .send(
            Request::head(&uri)
                .header("authorization", format!("Bearer {}", me.access))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(length.to_string().as_str())
    );
}

#[tokio::test]
async fn streams_need_a_token_or_a_signed_link() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("hil").await;
    let song = uploaded_song(&app, &me.access, "Signed").await;
    let id = song["id"].as_str().unwrap();
    let uri = format!("/api/v1/songs/{id}/stream");
    get(&app, &uri, None, &[])
        .await
        .assert_problem(401, "authentication_required");
    get(&app, &format!("{uri}?quality=ultra"), Some(&me.access), &[])
        .await
        .assert_problem(400, "unknown_quality");

    let link = app
        .call(
            Method::POST,
            &format!("/api/v1/songs/{id}/stream-url"),
            Some(&me.access),
            Some(json!({})),
        )
        .await
        .json();
    let url = link["url"].as_str().unwrap();
    assert!(!url.contains(&me.access), "no long-lived token in a URL");
    let played = get(&app, url, None, &[("range", "bytes=0-3")]).await;
    assert_eq!(
        (played.status.as_u16(), played.body.as_slice()),
        (206, b"RIFF".as_slice())
    );

    let tampered = url.replace("quality=original", "quality=mp3");
    get(&app, &tampered, None, &[])
        .await
        .assert_problem(401, "invalid_stream_link");
    let expired = format!("{uri}?quality=original&expires=1&signature=AAAA");
    get(&app, &expired, None, &[])
        .await
        .assert_problem(401, "invalid_stream_link");
    get(
        &app,
        &format!("/api/v1/songs/{}/stream", uuid::Uuid::new_v4()),
        Some(&me.access),
        &[],
    )
    .await
    .assert_problem(404, "song_not_found");
}

#[tokio::test]
async fn plays_count_once_per_listener_and_reach_the_row_in_batches() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("ida").await;
    let (_, friend) = app.verified_user("jon").await;
    let song = uploaded_song(&app, &me.access, "Counted").await;
    let uri = format!("/api/v1/songs/{}/plays", song["id"].as_str().unwrap());
    let first = app.call(Method::POST, &uri, Some(&me.access), None).await;
    assert_eq!(
        (first.status.as_u16(), first.json()["counted"].clone()),
        (202, json!(true))
    );
    let again = app.call(Method::POST, &uri, Some(&me.access), None).await;
    assert_eq!(
        again.json()["counted"],
        false,
        "a second report moments later counts once"
    );
    app.call(Method::POST, &uri, Some(&friend.access), None)
        .await;
    assert_eq!(app.state.catalog.plays.flush().await.unwrap(), 2);
    let read = app
        .get(&format!("/api/v1/songs/{}", song["id"].as_str().unwrap()))
        .await;
    assert_eq!(read.json()["playCount"], 2);
    app.call(
        Method::POST,
        &format!("/api/v1/songs/{}/plays", uuid::Uuid::new_v4()),
        Some(&me.access),
        None,
    )
    .await
    .assert_problem(404, "song_not_found");
}

#[tokio::test]
async fn the_bitrate_ladder_is_made_and_served() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("kai").await;
    let song = uploaded_song(&app, &me.access, "Laddered").await;
    let id = song["id"].as_str().unwrap();
    let uri = format!("/api/v1/songs/{id}/stream?quality=low");
    // Before the job runs, the original is served, to be asked again (the same URL will
    // serve the rendition); the original itself never changes.
    let before = get(&app, &uri, Some(&me.access), &[]).await;
    assert_eq!(before.header("content-type"), Some("audio/wav"));
    assert_eq!(before.header("cache-control"), Some("private, no-cache"));
    let original = format!("/api/v1/songs/{id}/stream?quality=original");
    let original = get(&app, &original, Some(&me.access), &[]).await;
    assert_eq!(
        original.header("cache-control"),
        Some("private, max-age=31536000, immutable")
    );

    let transcoder = app
        .state
        .catalog
        .transcoder(app.state.metrics.clone())
        .expect("ffmpeg is installed for the tests");
    assert!(
        transcoder.run_one().await.unwrap(),
        "a job was queued by the upload"
    );
    assert!(!transcoder.run_one().await.unwrap(), "and only one");
    let read = app.get(&format!("/api/v1/songs/{id}")).await.json();
    assert_eq!(read["qualities"], json!(["mp3", "high", "medium", "low"]));
    let low = get(&app, &uri, Some(&me.access), &[]).await;
    assert_eq!(low.header("content-type"), Some("audio/ogg"));
    assert_eq!(
        low.header("cache-control"),
        Some("private, max-age=31536000, immutable"),
        "a rendition, once made, never changes"
    );
    let revalidated = get(
        &app,
        &uri,
        Some(&me.access),
        &[("if-none-match", before.header("etag").unwrap())],
    )
    .await;
    assert_eq!(
        revalidated.status, 200,
        "the stand-in's ETag no longer matches"
    );
    assert_eq!(&low.body[..4], b"OggS");
    let mp3 = get(
        &app,
        &format!("/api/v1/songs/{id}/stream?quality=mp3"),
        Some(&me.access),
        &[],
    )
    .await;
    assert_eq!(mp3.header("content-type"), Some("audio/mpeg"));
    let renditions: Vec<(String, i64)> =
        sqlx::query_as("select codec, size from songrenditions order by bitrate")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(renditions.len(), 4);
    assert!(renditions.iter().all(|(_, size)| *size > 0));
    assert_eq!(app.media_files().len(), 5, "original and four renditions");
    app.call(
        Method::DELETE,
        &format!("/api/v1/songs/{id}"),
        Some(&me.access),
        None,
    )
    .await;
    assert!(app.media_files().is_empty());
}
