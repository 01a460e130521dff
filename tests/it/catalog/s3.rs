//! The object store on a real S3-compatible server (moto, installed by scripts/test).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request};

use crate::support::TestApp;
use crate::support::audio::wav;
use crate::support::images::picture;
use crate::support::process::free_port;
use crate::support::songs::{Part, upload};

const BUCKET: &str = "ampli-media";

struct S3Server {
    child: Child,
    port: u16,
}

impl S3Server {
    fn start() -> Self {
        let python = std::env::var("AMPLI_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let port = free_port();
        let child = Command::new(&python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run {python} (run the tests with scripts/test): {e}")
            });
        let mut server = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                server.child.try_wait().unwrap().is_none(),
                "moto exited; run the tests with scripts/test"
            );
            assert!(Instant::now() < deadline, "moto did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(
            server.raw("PUT", &format!("/{BUCKET}")).0,
            200,
            "bucket created"
        );
        server
    }

    /// A plain unsigned request (moto accepts them); answers (status, body).
    fn raw(&mut self, method: &str, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(stream, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, answer)
    }

    /// Every key in the bucket.
    fn keys(&mut self) -> Vec<String> {
        let (_, listing) = self.raw("GET", &format!("/{BUCKET}?list-type=2"));
        listing
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split("</Key>").next().map(str::to_owned))
            .collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn songs_and_avatars_live_in_an_s3_bucket() {
    let mut s3 = S3Server::start();
    let port = s3.port;
    let app = TestApp::with_settings(|s| {
        s.s3_bucket = Some(BUCKET.into());
        s.s3_endpoint = Some(format!("http://127.0.0.1:{port}"));
        s.s3_access_key_id = Some("test".into());
        s.s3_secret_access_key = Some("test-secret".into());
    })
    .await;
    let (_, me) = app.verified_user("sky").await;
    let original = wav(2);
    let response = upload(
        &app,
        &me.access,
        &[
            Part::Text("title", "In the bucket"),
            Part::File("file", "a.wav", &original),
            Part::File("poster", "p.png", &picture(64, 64, image::ImageFormat::Png)),
        ],
    )
    .await;
    assert_eq!(response.status, 201, "{}", response.text());
    let song = response.json();
    let id = song["id"].as_str().unwrap();
    let keys = s3.keys();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(keys.contains(&format!("songs/{id}/original.wav")));
    assert!(app.media_files().is_empty(), "nothing on local disk");

    let ranged = app
        .send(
            Request::get(format!("/api/v1/songs/{id}/stream"))
                .header("authorization", format!("Bearer {}", me.access))
                .header("range", "bytes=100-199")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(ranged.status, 206);
    assert_eq!(ranged.body, &original[100..200]);
    assert_eq!(
        ranged.header("content-range"),
        Some(format!("bytes 100-199/{}", original.len()).as_str())
    );
    let poster = app.get(song["posterUrls"]["small"].as_str().unwrap()).await;
    assert_eq!(poster.header("content-type"), Some("image/jpeg"));

    let transcoder = app
        .state
        .catalog
        .transcoder(app.state.metrics.clone())
        .expect("ffmpeg is installed for the tests");
    assert!(transcoder.run_one().await.unwrap());
    assert_eq!(
        s3.keys().len(),
        7,
        "original, two poster sizes, four renditions"
    );

    let deleted = app
        .call(
            Method::DELETE,
            &format!("/api/v1/songs/{id}"),
            Some(&me.access),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert!(s3.keys().is_empty(), "{:?}", s3.keys());

    // Deleting the account takes its avatar and the songs it still owns with it, at once.
    let again = upload(
        &app,
        &me.access,
        &[
            Part::Text("title", "Goes with the account"),
            Part::File("file", "a.wav", &original),
        ],
    )
    .await;
    assert_eq!(again.status, 201, "{}", again.text());
    let avatar = app
        .send(
            Request::put("/api/v1/me/avatar")
                .header("authorization", format!("Bearer {}", me.access))
                .body(Body::from(picture(80, 80, image::ImageFormat::Png)))
                .unwrap(),
        )
        .await;
    assert_eq!(avatar.status, 200, "{}", avatar.text());
    assert_eq!(s3.keys().len(), 4, "an original and three avatar sizes");
    let gone = app
        .call(
            Method::DELETE,
            "/api/v1/me",
            Some(&me.access),
            Some(serde_json::json!({"password": crate::support::accounts::PASSWORD})),
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text());
    assert!(s3.keys().is_empty(), "{:?}", s3.keys());
}
