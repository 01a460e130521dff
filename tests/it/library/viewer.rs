//! The library's song lists answer each song with what the caller did with it, through the
//! catalog's one read path: `viewer` for a signed-in caller, none for an anonymous one.

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::songs::uploaded_song;

async fn put(app: &TestApp, token: &str, uri: &str, body: Option<Value>) {
    let response = app.call(Method::PUT, uri, Some(token), body).await;
    assert_eq!(response.status, 204, "{}", response.text());
}

async fn first_song(app: &TestApp, token: Option<&str>, uri: &str) -> Value {
    let page = app.call(Method::GET, uri, token, None).await;
    assert_eq!(page.status, 200, "{}", page.text());
    page.json()["items"][0]["song"].clone()
}

#[tokio::test]
async fn my_likes_show_each_song_as_liked() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("lia").await;
    let song = uploaded_song(&app, &me.access, "Liked").await;
    let id = song["id"].as_str().unwrap();
    put(&app, &me.access, &format!("/api/v1/songs/{id}/like"), None).await;
    let listed = first_song(&app, Some(&me.access), "/api/v1/me/likes").await;
    assert_eq!(listed["id"], id);
    assert_eq!(
        listed["viewer"],
        json!({"liked": true, "favorited": false, "resumeAt": null})
    );
}

#[tokio::test]
async fn my_favourites_show_each_song_as_favourited() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("fin").await;
    let song = uploaded_song(&app, &me.access, "Kept").await;
    let id = song["id"].as_str().unwrap();
    put(
        &app,
        &me.access,
        &format!("/api/v1/songs/{id}/favorite"),
        None,
    )
    .await;
    let listed = first_song(&app, Some(&me.access), "/api/v1/me/favorites").await;
    assert_eq!(listed["id"], id);
    assert_eq!(
        listed["viewer"],
        json!({"liked": false, "favorited": true, "resumeAt": null})
    );
}

#[tokio::test]
async fn my_history_shows_where_each_song_resumes() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("hew").await;
    let song = uploaded_song(&app, &me.access, "Halfway").await;
    let id = song["id"].as_str().unwrap();
    put(
        &app,
        &me.access,
        &format!("/api/v1/me/history/{id}"),
        Some(json!({"progress": 1})),
    )
    .await;
    let listed = first_song(&app, Some(&me.access), "/api/v1/me/history").await;
    assert_eq!(listed["id"], id);
    assert_eq!(listed["viewer"]["resumeAt"], 1);
}

#[tokio::test]
async fn playlist_items_carry_the_viewer_for_a_signed_in_caller_only() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("pam").await;
    let (_, fan) = app.verified_user("pip").await;
    let song = uploaded_song(&app, &owner.access, "Shared").await;
    let id = song["id"].as_str().unwrap();
    let created = app
        .call(
            Method::POST,
            "/api/v1/playlists",
            Some(&owner.access),
            Some(json!({"title": "Open", "visibility": "public"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let playlist = created.json()["id"].as_str().unwrap().to_owned();
    let items = format!("/api/v1/playlists/{playlist}/items");
    let added = app
        .call(
            Method::POST,
            &items,
            Some(&owner.access),
            Some(json!({"songId": id})),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    put(&app, &fan.access, &format!("/api/v1/songs/{id}/like"), None).await;

    let as_fan = first_song(&app, Some(&fan.access), &items).await;
    assert_eq!(
        as_fan["viewer"],
        json!({"liked": true, "favorited": false, "resumeAt": null})
    );
    let as_owner = first_song(&app, Some(&owner.access), &items).await;
    assert_eq!(
        as_owner["viewer"]["liked"], false,
        "the viewer is the caller's, not anyone else's"
    );
    let anonymous = first_song(&app, None, &items).await;
    assert_eq!(anonymous["id"], id);
    assert!(anonymous.get("viewer").is_none(), "{anonymous}");
}
