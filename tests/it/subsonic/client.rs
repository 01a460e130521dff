//! A real Subsonic client library, py-opensonic (PyPI), against a real `ampli serve`: the
//! script `tests/subsonic/opensonic_client.py` walks what an app does (browse, stream with a
//! range, cover art, search with a typo and an empty query paged to the end, stars, ratings,
//! playlists, scrobbles, the play queue, bookmarks, lyrics, wrong and revoked credentials), in
//! JSON through the library and in XML, JSONP and a DSub-style form POST by hand.

use std::process::Command;

use axum::http::Method;
use serde_json::json;

use super::app_password;
use crate::support::TestApp;
use crate::support::accounts::PASSWORD;
use crate::support::audio::tagged_mp3;
use crate::support::images::picture;
use crate::support::process::{KillOnDrop, free_port, serve_app, wait_until_ready};
use crate::support::songs::{Part, upload};

async fn upload_mp3(
    app: &TestApp,
    token: &str,
    bytes: &[u8],
    poster: Option<&[u8]>,
) -> serde_json::Value {
    let mut parts = vec![Part::File("file", "song.mp3", bytes)];
    if let Some(poster) = poster {
        parts.push(Part::File("poster", "cover.png", poster));
    }
    let response = upload(app, token, &parts).await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()
}

#[tokio::test]
async fn py_opensonic_uses_ampli_like_an_app_would() {
    let app = TestApp::new().await;
    let (email, listener) = app.verified_user("listener").await;
    let (_, stranger) = app.verified_user("stranger").await;
    let dir = tempfile::tempdir().unwrap();

    // An album of three songs, uploaded out of order, and a single with synced lyrics.
    let cover = picture(300, 300, image::ImageFormat::Png);
    let mut album_id = String::new();
    for (title, number) in [("Three", "3"), ("One", "1"), ("Two", "2")] {
        let bytes = tagged_mp3(
            dir.path(),
            &format!("{title}.mp3"),
            &[
                ("title", title),
                ("album", "Long Roads"),
                ("album_artist", "The Drivers"),
                ("artist", "The Drivers"),
                ("track", &format!("{number}/3")),
                ("date", "2019-05-03"),
                ("genre", "Synthwave"),
            ],
        );
        let poster = (title == "One").then_some(cover.as_slice());
        let song = upload_mp3(&app, &listener.access, &bytes, poster).await;
        album_id = format!("al-{}", song["album"]["id"].as_str().unwrap());
    }
    let bytes = tagged_mp3(
        dir.path(),
        "sung.mp3",
        &[
            ("title", "Sung"),
            ("artist", "Solo"),
            ("lyrics", "[00:00.50]la\n[00:01.00]di da"),
        ],
    );
    let single = upload_mp3(&app, &listener.access, &bytes, None).await;
    let single_id = format!("so-{}", single["id"].as_str().unwrap());

    let private = app
        .call(
            Method::POST,
            "/api/v1/playlists",
            Some(&stranger.access),
            Some(json!({"title": "Secret", "visibility": "private"})),
        )
        .await;
    assert_eq!(private.status, 201, "{}", private.text());
    let private = format!("pl-{}", private.json()["id"].as_str().unwrap());
    let password = app_password(&app, &listener.access).await;

    let port = free_port();
    let log = dir.path().join("serve.log");
    let mut server = KillOnDrop(serve_app(&app, port, &log, &[]));
    wait_until_ready(&mut server.0, port, &log);

    let context = json!({
        "port": port,
        "email": email,
        "appPassword": password,
        "accountPassword": PASSWORD,
        "accessToken": listener.access,
        "albumId": album_id,
        "singleId": single_id,
        "lyricsSongId": single_id,
        "songCount": 4,
        "strangersPrivatePlaylist": private,
    });
    let context_file = dir.path().join("context.json");
    std::fs::write(&context_file, context.to_string()).unwrap();
    let python = std::env::var("AMPLI_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/subsonic/opensonic_client.py"
    );
    let run = Command::new(python)
        .arg(script)
        .arg(&context_file)
        .output()
        .expect("python runs (scripts/test installs py-opensonic)");
    let server_log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        run.status.success(),
        "py-opensonic failed:\n{}\n{}\nserver log:\n{server_log}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr),
    );
    // No credential reached a log line.
    for secret in [password.as_str(), PASSWORD, &hex::encode(&password)] {
        assert!(!server_log.contains(secret), "a credential is in the log");
    }
    assert!(
        !server_log.contains("apiKey") && !server_log.contains("&t="),
        "{server_log}"
    );
}
