//! Mail through a real SMTP receiver (aiosmtpd, installed by scripts/test).

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, token_in, wait_for_mail};
use crate::support::process::free_port;

/// An aiosmtpd server writing what it receives to a Maildir; stopped when dropped.
struct SmtpReceiver {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpReceiver {
    fn start() -> Self {
        let python = std::env::var("AMPLI_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let maildir = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("Maildir"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run {python} (run the tests with scripts/test): {e}")
            });
        let mut receiver = Self {
            child,
            port,
            maildir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = receiver.child.try_wait().unwrap() {
                let mut stderr = String::new();
                std::io::Read::read_to_string(receiver.child.stderr.as_mut().unwrap(), &mut stderr)
                    .ok();
                panic!(
                    "aiosmtpd exited ({status}); run the tests with scripts/test, which installs it: {stderr}"
                );
            }
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        receiver
    }

    fn inbox(&self) -> std::path::PathBuf {
        self.maildir.path().join("Maildir").join("new")
    }
}

impl Drop for SmtpReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn verification_and_reset_mail_go_through_smtp_with_the_public_url() {
    let receiver = SmtpReceiver::start();
    let app = TestApp::with_settings(|s| {
        s.smtp_host = Some("127.0.0.1".into());
        s.smtp_port = Some(receiver.port.to_string());
        s.smtp_tls = Some("none".into());
        s.mail_from = Some("Ampli Test <noreply@ampli.test>".into());
        s.public_url = Some("https://music.example.test/".into());
    })
    .await;
    let email = "tess@example.test";
    assert_eq!(app.register("Tess <&>", email, PASSWORD).await.status, 202);
    let mail = wait_for_mail(&receiver.inbox(), email, "Confirm").await;
    assert!(
        mail.contains("From: \"Ampli Test\" <noreply@ampli.test>")
            || mail.contains("From: Ampli Test <noreply@ampli.test>"),
        "{mail}"
    );
    assert!(
        mail.contains("https://music.example.test/verify-email?token="),
        "{mail}"
    );
    assert!(mail.contains("multipart/alternative"), "{mail}");
    assert!(
        mail.contains("Tess &lt;&amp;&gt;"),
        "the name is escaped in HTML: {mail}"
    );
    let verified = app
        .post(
            "/api/v1/auth/verify-email",
            json!({"token": token_in(&mail)}),
        )
        .await;
    assert_eq!(verified.status, 200);

    app.post("/api/v1/auth/forgot-password", json!({"email": email}))
        .await;
    let reset = wait_for_mail(&receiver.inbox(), email, "Reset").await;
    assert!(reset.contains("https://music.example.test/reset-password?token="));
    assert!(
        !app.outbox().exists(),
        "with SMTP configured nothing goes to the outbox"
    );
}
