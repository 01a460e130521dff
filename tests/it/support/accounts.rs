//! Account helpers: JSON requests with and without a bearer token, sign-up and sign-in, and
//! reading the mail the outbox received.

use std::path::Path;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};

use super::{TestApp, TestResponse};

pub const PASSWORD: &str = "listen to the quiet river";

pub struct Tokens {
    pub access: String,
    pub refresh: String,
    pub session: String,
    pub user_id: String,
}

impl TestApp {
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header("content-type", "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        };
        self.send(request.unwrap()).await
    }

    pub async fn post(&self, uri: &str, body: Value) -> TestResponse {
        self.call(Method::POST, uri, None, Some(body)).await
    }

    pub async fn register(&self, name: &str, email: &str, password: &str) -> TestResponse {
        self.post(
            "/api/v1/auth/register",
            json!({"name": name, "email": email, "password": password}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Tokens {
        let response = self
            .post(
                "/api/v1/auth/login",
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        tokens(&response.json())
    }

    /// A signed-up, verified user; answers its email and a session.
    pub async fn verified_user(&self, name: &str) -> (String, Tokens) {
        let email = format!("{name}@example.test");
        let response = self.register(name, &email, PASSWORD).await;
        assert_eq!(response.status, 202, "{}", response.text());
        let token = token_in(&self.wait_for_mail(&email, "Confirm").await);
        let verified = self
            .post("/api/v1/auth/verify-email", json!({"token": token}))
            .await;
        assert_eq!(verified.status, 200, "{}", verified.text());
        let tokens = self.login(&email, PASSWORD).await;
        (email, tokens)
    }

    /// Waits for a mail to `address` whose subject contains `subject`; answers it decoded.
    pub async fn wait_for_mail(&self, address: &str, subject: &str) -> String {
        wait_for_mail(&self.outbox(), address, subject).await
    }

    pub fn mails_to(&self, address: &str) -> Vec<String> {
        mails_in(&self.outbox(), address)
    }
}

pub fn tokens(body: &Value) -> Tokens {
    Tokens {
        access: body["accessToken"].as_str().unwrap().to_owned(),
        refresh: body["refreshToken"].as_str().unwrap().to_owned(),
        session: body["sessionId"].as_str().unwrap().to_owned(),
        user_id: body["user"]["id"].as_str().unwrap().to_owned(),
    }
}

/// Undoes quoted-printable line folding and `=3D`, enough to read links back.
pub fn unfold(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// Every message (decoded) in `dir` addressed to `address`.
pub fn mails_in(dir: &Path, address: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .map(|raw| unfold(&raw))
        .filter(|mail| {
            mail.lines()
                .any(|l| l.starts_with("To:") && l.contains(address))
        })
        .collect()
}

pub async fn wait_for_mail(dir: &Path, address: &str, subject: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(mail) = mails_in(dir, address).into_iter().rev().find(|m| {
            m.lines()
                .any(|l| l.starts_with("Subject:") && l.contains(subject))
        }) {
            return mail;
        }
        assert!(
            Instant::now() < deadline,
            "no mail {subject:?} to {address}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The token carried by the first link in a mail.
pub fn token_in(mail: &str) -> String {
    let start = mail.find("?token=").expect("a link with a token") + "?token=".len();
    mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}
