//! Songs for tests: multipart bodies and uploads through the API.

use axum::body::Body;
use axum::http::Request;
use serde_json::Value;

use super::{TestApp, TestResponse};

/// One part of a multipart body.
pub enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

/// The boundary `multipart_body` separates parts with.
pub const BOUNDARY: &str = "ampli-test-boundary-7d1c";

/// A multipart/form-data body of `parts`, separated by [`BOUNDARY`].
pub fn multipart_body(parts: &[Part<'_>]) -> Vec<u8> {
    let boundary = BOUNDARY;
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                body.extend_from_slice(value.as_bytes());
            }
            Part::File(name, file_name, bytes) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

pub async fn upload(app: &TestApp, token: &str, parts: &[Part<'_>]) -> TestResponse {
    let request = Request::post("/api/v1/songs")
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart_body(parts)))
        .unwrap();
    app.send(request).await
}

/// Uploads a 2-second WAV titled `title`; answers the song.
pub async fn uploaded_song(app: &TestApp, token: &str, title: &str) -> Value {
    let wav = super::audio::wav(2);
    let response = upload(
        app,
        token,
        &[
            Part::Text("title", title),
            Part::File("file", "tone.wav", &wav),
        ],
    )
    .await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()
}

/// Uploads a 2-second WAV titled `title` with more form parts (album, albumArtist, genre,
/// category…); answers the song.
pub async fn uploaded_song_with(
    app: &TestApp,
    token: &str,
    title: &str,
    fields: &[(&str, &str)],
) -> Value {
    let wav = super::audio::wav(2);
    let mut parts = vec![Part::Text("title", title)];
    parts.extend(fields.iter().map(|(name, value)| Part::Text(name, value)));
    parts.push(Part::File("file", "tone.wav", &wav));
    let response = upload(app, token, &parts).await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()
}

pub async fn song_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from songs")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// The app's transcoding worker, for a test to run queued jobs one at a time (ffmpeg is
/// installed for the tests by .ci/run).
pub fn transcoder(app: &TestApp) -> ampli::catalog::transcode::Transcoder {
    app.state
        .catalog
        .transcoder(app.state.metrics.clone())
        .expect("ffmpeg is installed for the tests")
}
