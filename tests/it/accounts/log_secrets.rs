//! Tokens never reach a log line: the real server, logging at debug, sends a verification mail
//! to its outbox and the log holds no trace of the link's token.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, token_in, wait_for_mail};
use crate::support::process::{free_port, serve_app, stop_with, wait_until_ready};

#[tokio::test]
async fn the_outbox_never_logs_a_token() {
    let app = TestApp::new().await;
    let port = free_port();
    let log = app.data_dir.path().with_extension("secrets.log");
    let mut server = serve_app(&app, port, &log, &["--log", "debug"]);
    wait_until_ready(&mut server, port, &log);
    let body = format!(r#"{{"name":"Lee","email":"lee@example.test","password":"{PASSWORD}"}}"#);
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            stream,
            "POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
    let token = token_in(&wait_for_mail(&app.outbox(), "lee@example.test", "Confirm").await);
    stop_with(&mut server, nix::sys::signal::Signal::SIGTERM);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("mail written to the outbox"), "{logged}");
    assert!(
        !logged.contains(&token),
        "the token reached the log:\n{logged}"
    );
}
