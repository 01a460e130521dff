//! The real server's bounds on slow and stalled clients: headers must arrive in time, a
//! connection where no byte moves is closed, and an upload is bounded by idle time, not by
//! the request timeout, nor cut off while the server checks it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::process::Child;
use std::time::{Duration, Instant};

use crate::support::TestApp;
use crate::support::audio::wav;
use crate::support::process::{
    free_port, serve_app, spawn_serve_with_env, stop_with, wait_until_ready,
};
use crate::support::songs::{BOUNDARY, Part, multipart_body, song_count};

/// The server under test: a 2 s request timeout, 2 s for headers, 3 s of idleness.
async fn start(app: &TestApp) -> (Child, u16, std::path::PathBuf) {
    let port = free_port();
    let log = app.data_dir.path().with_extension("limits.log");
    let mut server = serve_app(
        app,
        port,
        &log,
        &[
            "--request-timeout",
            "2s",
            "--header-read-timeout",
            "2s",
            "--idle-timeout",
            "3s",
        ],
    );
    wait_until_ready(&mut server, port, &log);
    (server, port, log)
}

/// Whether the server closed `stream` (a read answers end of file or a reset).
fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            // A 408 or similar before closing is fine; keep reading to the end.
            Ok(_) => continue,
            Err(error) => {
                return !matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                );
            }
        }
    }
}

#[tokio::test]
async fn headers_sent_a_line_at_a_time_are_cut_off() {
    let app = TestApp::new().await;
    let (mut server, port, _log) = start(&app).await;
    let dripping = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        let started = Instant::now();
        // A header line every half second: never idle, never done, for up to 20 s.
        while started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(500));
            if stream.write_all(b"X-Drip: 1\r\n").is_err() {
                break;
            }
        }
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        (closed_by_server(&mut stream), started.elapsed())
    })
    .await
    .unwrap();
    stop_with(&mut server, nix::sys::signal::Signal::SIGTERM);
    let (closed, after) = dripping;
    assert!(closed, "the connection stayed open");
    assert!(
        after < Duration::from_secs(10),
        "closed only after {after:?}"
    );
}

#[tokio::test]
async fn a_slow_upload_outlasts_the_request_timeout_and_a_stalled_one_is_closed() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("sloth").await;
    let (mut server, port, log) = start(&app).await;
    let body = multipart_body(&[
        Part::Text("title", "Slow but steady"),
        Part::File("file", "a.wav", &wav(1)),
    ]);
    let head = format!(
        "POST /api/v1/songs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        me.access,
        body.len()
    );
    let (steady, stalled) = tokio::task::spawn_blocking(move || {
        // Steady: the body over about 4 s, twice the request timeout, a piece every 0.4 s.
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        for piece in body.chunks(body.len().div_ceil(10)) {
            std::thread::sleep(Duration::from_millis(400));
            stream.write_all(piece).unwrap();
        }
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);

        // Stalled: half the body, then nothing.
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&body[..body.len() / 2]).unwrap();
        let started = Instant::now();
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        let closed = closed_by_server(&mut stream);
        (answer, (closed, started.elapsed()))
    })
    .await
    .unwrap();
    stop_with(&mut server, nix::sys::signal::Signal::SIGTERM);
    let status = steady.split_whitespace().nth(1).unwrap_or("");
    assert_eq!(
        status,
        "201",
        "{steady}\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    let (closed, after) = stalled;
    assert!(closed, "the stalled upload's connection stayed open");
    assert!(
        after < Duration::from_secs(10),
        "closed only after {after:?}"
    );
    assert_eq!(
        song_count(&app).await,
        1,
        "only the steady upload became a song"
    );
    let spools = std::fs::read_dir(app.data_dir.path().join("tmp"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("upload-"))
        .count();
    assert_eq!(spools, 0, "the stalled upload's spool was removed");
}

#[tokio::test]
async fn a_head_too_large_is_a_problem_not_a_bare_answer() {
    let app = TestApp::new().await;
    let (mut server, port, _log) = start(&app).await;
    let answers = tokio::task::spawn_blocking(move || {
        let ask = |head: String| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream.write_all(head.as_bytes()).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            answer
        };
        let long_uri = format!(
            "GET /api/v1/search?q={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "a".repeat(20_000)
        );
        let many: String = (0..150).map(|n| format!("X-Header-{n}: {n}\r\n")).collect();
        let many_headers =
            format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many}Connection: close\r\n\r\n");
        (ask(long_uri), ask(many_headers))
    })
    .await
    .unwrap();
    stop_with(&mut server, nix::sys::signal::Signal::SIGTERM);
    for (answer, status, code) in [
        (&answers.0, "414", "uri_too_long"),
        (&answers.1, "431", "headers_too_large"),
    ] {
        assert_eq!(answer.split_whitespace().nth(1), Some(status), "{answer}");
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("content-type: application/problem+json"),
            "{answer}"
        );
        assert!(answer.contains(code), "{answer}");
    }
}

#[tokio::test]
async fn an_upload_checked_for_longer_than_the_idle_timeout_still_gets_its_answer() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("patient").await;
    // The real ffmpeg behind a wrapper that first waits 3 s: the audio check of a whole body
    // then takes longer than the 1 s idle timeout, as a 50 MB upload's does on a busy machine.
    let tools = tempfile::tempdir().unwrap();
    let wrapper = tools.path().join("ffmpeg");
    let real = std::process::Command::new("sh")
        .args(["-c", "command -v ffmpeg"])
        .output()
        .unwrap();
    let real = String::from_utf8(real.stdout).unwrap().trim().to_owned();
    assert!(
        !real.is_empty(),
        "ffmpeg is installed (scripts/test needs it)"
    );
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\nsleep 3\nexec {real} \"$@\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        tools.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let port = free_port();
    let log = app.data_dir.path().with_extension("checked.log");
    let mut server = spawn_serve_with_env(
        app.data_dir.path(),
        &app.db.url(),
        port,
        &["--idle-timeout", "1s"],
        &[("PATH", path)],
        &log,
    );
    wait_until_ready(&mut server, port, &log);

    let body = multipart_body(&[
        Part::Text("title", "Worth the wait"),
        Part::File("file", "a.wav", &wav(1)),
    ]);
    let head = format!(
        "POST /api/v1/songs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        me.access,
        body.len()
    );
    let (answer, took) = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&body).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        (answer, started.elapsed())
    })
    .await
    .unwrap();
    stop_with(&mut server, nix::sys::signal::Signal::SIGTERM);
    assert!(
        took >= Duration::from_secs(3),
        "the check ran through the wrapper ({took:?})"
    );
    let status = answer.split_whitespace().nth(1).unwrap_or("");
    assert_eq!(
        status,
        "201",
        "answer: {answer:?}\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    assert_eq!(song_count(&app).await, 1);
}
