//! The web app as served: pages and assets with a strict Content-Security-Policy, and the
//! cookie sign-in it uses (the browser itself is driven by e2e/, in Chromium).

use axum::body::Body;
use axum::http::Request;
use serde_json::json;

use crate::support::TestApp;
use crate::support::accounts::PASSWORD;

#[tokio::test]
async fn pages_and_assets_are_served_with_a_strict_policy() {
    let app = TestApp::new().await;
    for path in [
        "/",
        "/search",
        "/songs/123",
        "/playlists/abc",
        "/verify-email",
        "/categories/Music",
        "/albums",
        "/albums/123",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
        let policy = page.header("content-security-policy").unwrap();
        assert!(
            policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"),
            "{policy}"
        );
        assert!(
            page.text()
                .contains(r#"<script type="module" src="/assets/js/app.js">"#)
        );
    }
    for (asset, kind) in [
        ("/assets/js/app.js", "text/javascript"),
        ("/assets/js/views/pages.js", "text/javascript"),
        ("/assets/app.css", "text/css"),
        ("/assets/icon.svg", "image/svg+xml"),
    ] {
        let response = app.get(asset).await;
        assert_eq!(response.status, 200, "{asset}");
        assert!(
            response.header("content-type").unwrap().starts_with(kind),
            "{asset}"
        );
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    }
    // A browser that takes gzip gets the files gzipped, a client that does not gets them plain.
    for path in ["/", "/assets/js/player.js", "/sw.js"] {
        let plain = app.get(path).await;
        let gzipped = app
            .send(
                Request::get(path)
                    .header("accept-encoding", "gzip, deflate, br")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(gzipped.header("content-encoding"), Some("gzip"), "{path}");
        assert_eq!(gzipped.header("vary"), Some("accept-encoding"));
        assert_eq!(plain.header("content-encoding"), None);
        let mut unpacked = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(gzipped.body.as_slice()),
            &mut unpacked,
        )
        .unwrap();
        assert_eq!(unpacked, plain.text(), "{path}");
        assert!(gzipped.body.len() * 2 < plain.body.len(), "{path} shrinks");
    }
    assert_eq!(app.get("/assets/js/nope.js").await.status, 404);
    assert_eq!(app.get("/assets/../Cargo.toml").await.status, 404);
    // The API keeps its own error shape beside the app.
    app.get("/api/v1/nothing-here")
        .await
        .assert_problem(404, "not_found");
}

fn web_request(
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    body: Option<serde_json::Value>,
) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("x-ampli-web", "1")
        .header("content-type", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap()
}

fn refresh_cookie(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_web_app_keeps_its_refresh_token_in_an_http_only_cookie() {
    let app = TestApp::new().await;
    let (email, _) = app.verified_user("web").await;
    let login = json!({"email": email, "password": PASSWORD});

    // Without the app's header (a cross-site form cannot add one): refused.
    let bare = app.post("/api/v1/auth/web/login", login.clone()).await;
    bare.assert_problem(403, "web_header_missing");

    let signed_in = app
        .send(web_request(
            "POST",
            "/api/v1/auth/web/login",
            None,
            Some(login),
        ))
        .await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text());
    let body = signed_in.json();
    assert!(body["accessToken"].is_string());
    assert!(
        body.get("refreshToken").is_none(),
        "no refresh token in reach of scripts"
    );
    let set_cookie = signed_in.header("set-cookie").unwrap().to_owned();
    for part in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/v1/auth/web",
        "ampli_refresh=",
    ] {
        assert!(set_cookie.contains(part), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain HTTP here: {set_cookie}"
    );

    // Refresh rotates the cookie; the old one, presented again, ends the session.
    let first = refresh_cookie(&set_cookie);
    let refreshed = app
        .send(web_request(
            "POST",
            "/api/v1/auth/web/refresh",
            Some(&first),
            None,
        ))
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text());
    let second = refresh_cookie(refreshed.header("set-cookie").unwrap());
    assert_ne!(first, second);
    let access = refreshed.json()["accessToken"].as_str().unwrap().to_owned();
    let me = app
        .call(axum::http::Method::GET, "/api/v1/me", Some(&access), None)
        .await;
    assert_eq!(me.status, 200);
    let reused = app
        .send(web_request(
            "POST",
            "/api/v1/auth/web/refresh",
            Some(&first),
            None,
        ))
        .await;
    assert_eq!(reused.status, 401);
    let after_reuse = app
        .send(web_request(
            "POST",
            "/api/v1/auth/web/refresh",
            Some(&second),
            None,
        ))
        .await;
    assert_eq!(after_reuse.status, 401, "reuse ended the whole session");

    // No cookie: not signed in. Sign-out clears the cookie.
    app.send(web_request("POST", "/api/v1/auth/web/refresh", None, None))
        .await
        .assert_problem(401, "not_signed_in");
    let again = app
        .send(web_request(
            "POST",
            "/api/v1/auth/web/login",
            None,
            Some(json!({"email": email, "password": PASSWORD})),
        ))
        .await;
    let access = again.json()["accessToken"].as_str().unwrap().to_owned();
    let cookie = refresh_cookie(again.header("set-cookie").unwrap());
    let mut logout = web_request("POST", "/api/v1/auth/web/logout", Some(&cookie), None);
    logout
        .headers_mut()
        .insert("authorization", format!("Bearer {access}").parse().unwrap());
    let out = app.send(logout).await;
    assert_eq!(out.status, 204);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    let dead = app
        .send(web_request(
            "POST",
            "/api/v1/auth/web/refresh",
            Some(&cookie),
            None,
        ))
        .await;
    assert_eq!(dead.status, 401);
}
