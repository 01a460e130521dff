//! The OpenSubsonic API under /rest: app passwords and the protocol in-process
//! (`protocol.rs`), who sees what (`visibility.rs`), and a real client library against a
//! real `ampli serve` (`client.rs`).

mod client;
mod lists;
mod protocol;
mod visibility;

use serde_json::{Value, json};

use crate::support::TestApp;

/// A new app password of the user with this access token.
pub async fn app_password(app: &TestApp, token: &str) -> String {
    let made = app
        .call(
            axum::http::Method::POST,
            "/api/v1/me/app-passwords",
            Some(token),
            Some(json!({"name": "Phone"})),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    made.json()["password"].as_str().unwrap().to_owned()
}

/// A Subsonic call in-process, JSON, with `u` + `p`: the envelope.
pub async fn rest(app: &TestApp, user: &str, password: &str, method: &str, query: &str) -> Value {
    let uri = format!(
        "/rest/{method}?f=json&v=1.16.1&c=test&u={}&p={}{}{query}",
        urlencode(user),
        urlencode(password),
        if query.is_empty() { "" } else { "&" },
    );
    let answer = app.get(&uri).await;
    assert_eq!(answer.status, 200, "{method}: {}", answer.text());
    answer.json()["subsonic-response"].clone()
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The error code of a failed envelope.
pub fn error_code(envelope: &Value) -> i64 {
    assert_eq!(envelope["status"], "failed", "{envelope}");
    envelope["error"]["code"].as_i64().unwrap()
}
