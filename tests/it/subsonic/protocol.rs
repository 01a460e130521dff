//! The protocol in-process: app passwords, every sign-in scheme, the envelope in XML, JSON
//! and JSONP, GET and form POST, and the errors clients expect.

use axum::body::Body;
use axum::http::{Method, Request};
use md5::{Digest, Md5};
use serde_json::{Value, json};

use super::{app_password, error_code, rest, urlencode};
use crate::support::TestApp;
use crate::support::accounts::PASSWORD;

fn token(password: &str, salt: &str) -> String {
    hex::encode(Md5::digest(format!("{password}{salt}").as_bytes()))
}

async fn envelope(app: &TestApp, uri: &str) -> Value {
    let answer = app.get(uri).await;
    assert_eq!(answer.status, 200, "{uri}: {}", answer.text());
    answer.json()["subsonic-response"].clone()
}

#[tokio::test]
async fn an_app_password_is_shown_once_listed_without_its_secret_and_revoked_at_once() {
    let app = TestApp::new().await;
    let (email, owner) = app.verified_user("owner").await;
    let (_, stranger) = app.verified_user("stranger").await;
    let made = app
        .call(
            Method::POST,
            "/api/v1/me/app-passwords",
            Some(&owner.access),
            Some(json!({"name": "Phone (Symfonium)"})),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    let made = made.json();
    let password = made["password"].as_str().unwrap().to_owned();
    assert_eq!(password.len(), 24);
    assert!(password.bytes().all(|b| b.is_ascii_alphanumeric()));

    let list = |token: String| {
        let app = &app;
        async move {
            app.call(Method::GET, "/api/v1/me/app-passwords", Some(&token), None)
                .await
                .json()
        }
    };
    let listed = list(owner.access.clone()).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let item = &listed["items"][0];
    assert_eq!(item["name"], "Phone (Symfonium)");
    assert_eq!(item["lastUsedAt"], Value::Null);
    assert!(item.get("password").is_none(), "{item}");
    assert!(!listed.to_string().contains(&password));
    assert_eq!(list(stranger.access.clone()).await["items"], json!([]));

    // Kept sealed: neither the secret nor its lookup hash is the password.
    let (secret, lookup): (Vec<u8>, String) =
        sqlx::query_as("select secret, lookuphash from apppasswords")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(
        !secret
            .windows(password.len())
            .any(|w| w == password.as_bytes())
    );
    assert!(!lookup.contains(&password));

    assert_eq!(
        rest(&app, &email, &password, "ping", "").await["status"],
        "ok"
    );
    assert!(list(owner.access.clone()).await["items"][0]["lastUsedAt"].is_string());

    // Someone else cannot revoke it; its owner can, and it stops working at once.
    let uri = format!("/api/v1/me/app-passwords/{}", made["id"].as_str().unwrap());
    app.call(Method::DELETE, &uri, Some(&stranger.access), None)
        .await
        .assert_problem(404, "app_password_not_found");
    assert_eq!(
        rest(&app, &email, &password, "ping", "").await["status"],
        "ok"
    );
    let revoked = app
        .call(Method::DELETE, &uri, Some(&owner.access), None)
        .await;
    assert_eq!(revoked.status, 204);
    assert_eq!(
        error_code(&rest(&app, &email, &password, "ping", "").await),
        40
    );

    // Names are checked like display names.
    for name in [json!(""), json!("x".repeat(101)), json!("tab\tname")] {
        app.call(
            Method::POST,
            "/api/v1/me/app-passwords",
            Some(&owner.access),
            Some(json!({"name": name})),
        )
        .await
        .assert_problem(422, "validation_failed");
    }
    app.call(
        Method::POST,
        "/api/v1/me/app-passwords",
        None,
        Some(json!({"name": "x"})),
    )
    .await
    .assert_problem(401, "authentication_required");
}

#[tokio::test]
async fn every_scheme_signs_in_with_an_app_password_and_never_with_the_account_password() {
    let app = TestApp::new().await;
    let (email, owner) = app.verified_user("owner").await;
    let password = app_password(&app, &owner.access).await;
    let base = "/rest/ping?f=json&v=1.16.1&c=test";
    let user = urlencode(&email);
    let enc = |text: &str| format!("enc:{}", hex::encode_upper(text));
    let good = [
        format!("{base}&u={user}&p={password}"),
        format!("{base}&u={user}&p={}", enc(&password)),
        format!("{base}&u={user}&t={}&s=a1b2c3", token(&password, "a1b2c3")),
        format!("{base}&apiKey={password}"),
        // The user name is the email address, in any case.
        format!("{base}&u={}&p={password}", urlencode(&email.to_uppercase())),
    ];
    for uri in &good {
        assert_eq!(envelope(&app, uri).await["status"], "ok", "{uri}");
    }
    let tokened = envelope(&app, &format!("/rest/tokenInfo?f=json&apiKey={password}")).await;
    assert_eq!(tokened["tokenInfo"]["username"], email.as_str());

    let account = urlencode(PASSWORD);
    let refused = [
        (format!("{base}&u={user}&p={account}"), 40),
        (format!("{base}&u={user}&p={}", enc(PASSWORD)), 40),
        (
            format!("{base}&u={user}&t={}&s=a1b2c3", token(PASSWORD, "a1b2c3")),
            40,
        ),
        (format!("{base}&apiKey={account}"), 44),
        (format!("{base}&u={user}&p=wrong"), 40),
        (format!("{base}&u=nobody%40example.test&p={password}"), 40),
        (format!("{base}&u={user}&p=enc:zz"), 40),
        (format!("{base}&apiKey={password}&u={user}"), 43),
        (format!("{base}&u={user}&p={password}&t=x&s=y"), 43),
        (format!("{base}&u={user}"), 10),
        (format!("{base}&u={user}&t=x"), 10),
        (format!("{base}&p={password}"), 10),
        (base.to_owned(), 10),
    ];
    for (uri, code) in &refused {
        let answer = envelope(&app, uri).await;
        assert_eq!(error_code(&answer), *code, "{uri}");
        // An error never echoes a credential back.
        let text = answer.to_string();
        assert!(
            !text.contains(&password) && !text.contains(PASSWORD),
            "{text}"
        );
    }
}

#[tokio::test]
async fn failed_app_sign_ins_count_against_the_sign_in_limits() {
    let app = TestApp::with_settings(|s| s.sign_in_failures_per_account = Some("3".into())).await;
    let (email, owner) = app.verified_user("owner").await;
    let password = app_password(&app, &owner.access).await;
    // Successes give their allowance back.
    for _ in 0..5 {
        assert_eq!(
            rest(&app, &email, &password, "ping", "").await["status"],
            "ok"
        );
    }
    for _ in 0..3 {
        let answer = rest(&app, &email, "guess", "ping", "").await;
        assert_eq!(error_code(&answer), 40);
    }
    // Now even the right password waits out the hour, and says why.
    let answer = rest(&app, &email, &password, "ping", "").await;
    assert_eq!(error_code(&answer), 40);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Too many"),
        "{answer}"
    );
}

#[tokio::test]
async fn answers_come_in_xml_json_and_jsonp_by_get_and_by_form_post() {
    let app = TestApp::new().await;
    let (email, owner) = app.verified_user("owner").await;
    let password = app_password(&app, &owner.access).await;
    let auth = format!("u={}&p={password}&v=1.16.1&c=test", urlencode(&email));

    // XML is the default, in the Subsonic namespace.
    for method in ["ping", "ping.view"] {
        let answer = app.get(&format!("/rest/{method}?{auth}")).await;
        assert_eq!(answer.status, 200);
        assert_eq!(
            answer.header("content-type"),
            Some("text/xml; charset=utf-8")
        );
        let text = answer.text();
        assert!(
            text.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#),
            "{text}"
        );
        assert!(
            text.contains(r#"<subsonic-response xmlns="http://subsonic.org/restapi" status="ok" version="1.16.1" type="ampli" serverVersion=""#)
                && text.contains(r#"openSubsonic="true"/>"#),
            "{text}"
        );
    }
    let json = envelope(&app, &format!("/rest/getMusicFolders?f=json&{auth}")).await;
    assert_eq!(json["status"], "ok");
    assert_eq!(json["version"], "1.16.1");
    assert_eq!(json["type"], "ampli");
    assert_eq!(json["openSubsonic"], true);
    assert_eq!(
        json["musicFolders"]["musicFolder"],
        json!([{"id": 1, "name": "Ampli"}])
    );

    let jsonp = app
        .get(&format!("/rest/ping?f=jsonp&callback=app.done&{auth}"))
        .await;
    assert_eq!(
        jsonp.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    let text = jsonp.text();
    let inner = text
        .strip_prefix("app.done(")
        .unwrap()
        .strip_suffix(");")
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(inner).unwrap()["subsonic-response"]["status"],
        "ok"
    );
    let hostile = app
        .get(&format!(
            "/rest/ping?f=jsonp&callback=alert(document.cookie)&{auth}"
        ))
        .await;
    assert!(!hostile.text().contains("alert"), "{}", hostile.text());
    assert_eq!(hostile.json()["subsonic-response"]["error"]["code"], 0);

    // A form body, as DSub and py-opensonic send, with the query's parameters merged in.
    let request = Request::post("/rest/ping.view?f=json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(auth.clone()))
        .unwrap();
    let posted = app.send(request).await;
    assert_eq!(
        posted.json()["subsonic-response"]["status"],
        "ok",
        "{}",
        posted.text()
    );

    // Extensions need no sign-in; unknown and unoffered methods are Subsonic errors.
    let extensions = envelope(&app, "/rest/getOpenSubsonicExtensions?f=json").await;
    let names: Vec<&str> = extensions["openSubsonicExtensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "apiKeyAuthentication",
            "formPost",
            "songLyrics",
            "indexBasedQueue"
        ]
    );
    assert_eq!(
        extensions["openSubsonicExtensions"][0]["versions"],
        json!([1])
    );
    for method in [
        "getPodcasts",
        "jukeboxControl",
        "createUser",
        "noSuchThing",
        "%3Cscript%3E",
    ] {
        let answer = envelope(&app, &format!("/rest/{method}?f=json&{auth}")).await;
        assert_eq!(error_code(&answer), 70, "{method}");
        assert!(!answer.to_string().contains("script"), "{answer}");
    }
    // Text with control characters is refused before it reaches anything.
    let nul = envelope(
        &app,
        &format!("/rest/createPlaylist?f=json&{auth}&name=a%01b"),
    )
    .await;
    assert_eq!(error_code(&nul), 0);
    // A body too big for a form is refused while it is read.
    let big = Request::post("/rest/ping.view")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "{auth}&pad={}",
            "x".repeat(2 * 1024 * 1024)
        )))
        .unwrap();
    assert_eq!(app.send(big).await.status, 413);

    // Metrics are labelled by method, and only by methods Ampli knows.
    let metrics = app.get("/metrics").await.text();
    assert!(metrics.contains(r#"route="/rest/ping""#), "{metrics}");
    assert!(
        metrics.contains(r#"route="/rest/(not offered)""#),
        "{metrics}"
    );
    assert!(!metrics.contains("noSuchThing"), "{metrics}");
}
