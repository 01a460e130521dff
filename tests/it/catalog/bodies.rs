//! Bodies sent where they are not welcome: who may send one is settled before a byte is
//! read, and the limit is enforced while reading, not after buffering the whole.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, Bytes};
use axum::http::{Method, Request};
use serde_json::json;

use crate::support::songs::uploaded_song;
use crate::support::{TestApp, TestResponse};

const CHUNK: usize = 64 * 1024;

/// A body of `total` bytes made as it is read; `read` counts what the server took.
fn counted_body(total: usize, read: Arc<AtomicUsize>) -> Body {
    let chunks = futures_util::stream::unfold(0usize, move |sent| {
        let read = read.clone();
        async move {
            if sent >= total {
                return None;
            }
            read.fetch_add(CHUNK, Ordering::SeqCst);
            Some((
                Ok::<_, std::io::Error>(Bytes::from(vec![0u8; CHUNK])),
                sent + CHUNK,
            ))
        }
    });
    Body::from_stream(chunks)
}

async fn put_body(app: &TestApp, uri: &str, token: &str, total: usize) -> (TestResponse, usize) {
    let read = Arc::new(AtomicUsize::new(0));
    let request = Request::put(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(counted_body(total, read.clone()))
        .unwrap();
    let response = app.send(request).await;
    (response, read.load(Ordering::SeqCst))
}

const GIGABYTE: usize = 1 << 30;
const LIMIT: usize = 15 * 1024 * 1024;

#[tokio::test]
async fn a_poster_for_someone_elses_song_is_refused_before_its_body_is_read() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("ola").await;
    let (_, stranger) = app.verified_user("pim").await;
    let song = uploaded_song(&app, &owner.access, "Mine").await;
    let uri = format!("/api/v1/songs/{}/poster", song["id"].as_str().unwrap());

    let (refused, read) = put_body(&app, &uri, &stranger.access, GIGABYTE).await;
    refused.assert_problem(403, "not_owner");
    assert!(read <= CHUNK, "read {read} bytes of a body it refused");

    let missing = format!("/api/v1/songs/{}/poster", uuid::Uuid::new_v4());
    let (refused, read) = put_body(&app, &missing, &owner.access, GIGABYTE).await;
    refused.assert_problem(404, "song_not_found");
    assert!(read <= CHUNK, "read {read} bytes of a body it refused");

    // The owner's own oversized body stops at the limit, not at its end.
    let (too_large, read) = put_body(&app, &uri, &owner.access, GIGABYTE).await;
    too_large.assert_problem(413, "payload_too_large");
    assert!(read <= LIMIT + 2 * CHUNK, "read {read} bytes");
}

#[tokio::test]
async fn an_artist_picture_from_someone_else_is_refused_before_its_body_is_read() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("quin").await;
    let (_, stranger) = app.verified_user("rue").await;
    let artist = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&owner.access),
            Some(json!({"name": "Guarded"})),
        )
        .await
        .json();
    let uri = format!("/api/v1/artists/{}/avatar", artist["id"].as_str().unwrap());
    let (refused, read) = put_body(&app, &uri, &stranger.access, GIGABYTE).await;
    refused.assert_problem(403, "not_owner");
    assert!(read <= CHUNK, "read {read} bytes of a body it refused");
    let (too_large, read) = put_body(&app, &uri, &owner.access, GIGABYTE).await;
    too_large.assert_problem(413, "payload_too_large");
    assert!(read <= LIMIT + 2 * CHUNK, "read {read} bytes");
}

#[tokio::test]
async fn an_oversized_avatar_stops_at_the_limit() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("sol").await;
    let (too_large, read) = put_body(&app, "/api/v1/me/avatar", &me.access, GIGABYTE).await;
    too_large.assert_problem(413, "payload_too_large");
    assert!(read <= LIMIT + 2 * CHUNK, "read {read} bytes");
}
