//! Songs in search results, the discovery lists, the feed and a user's songs carry what the
//! signed-in caller did with them (`viewer`), and nothing of the kind for anyone anonymous.

use axum::http::Method;
use serde_json::Value;

use crate::support::TestApp;
use crate::support::accounts::Tokens;
use crate::support::songs::uploaded_song;

async fn like(app: &TestApp, token: &str, song: &Value) {
    let uri = format!("/api/v1/songs/{}/like", song["id"].as_str().unwrap());
    let response = app.call(Method::PUT, &uri, Some(token), None).await;
    assert!(response.status.is_success(), "{}", response.text());
}

/// `uri` read by `caller` (or anonymously), its songs at `songs` in the answer.
async fn songs_at(app: &TestApp, uri: &str, caller: Option<&Tokens>, songs: &str) -> Vec<Value> {
    let response = app
        .call(Method::GET, uri, caller.map(|c| c.access.as_str()), None)
        .await;
    assert_eq!(response.status, 200, "{uri}: {}", response.text());
    let body = response.json();
    body[songs].as_array().expect(songs).clone()
}

fn by_title<'a>(songs: &'a [Value], title: &str) -> &'a Value {
    songs
        .iter()
        .find(|song| song["title"] == title)
        .unwrap_or_else(|| panic!("{title} in {songs:?}"))
}

/// The liked song says so to its fan, the other one says it is not liked; anonymous
/// answers have no `viewer` at all.
fn assert_viewer(signed_in: &[Value], anonymous: Option<&[Value]>) {
    assert_eq!(by_title(signed_in, "Liked Song")["viewer"]["liked"], true);
    assert_eq!(by_title(signed_in, "Other Song")["viewer"]["liked"], false);
    for song in anonymous.unwrap_or_default() {
        assert!(song.get("viewer").is_none(), "{song}");
    }
}

/// A maker with two songs and a fan who liked one of them.
async fn two_songs_one_liked(app: &TestApp) -> (Tokens, Tokens) {
    let (_, maker) = app.verified_user("maker").await;
    let (_, fan) = app.verified_user("fan").await;
    let liked = uploaded_song(app, &maker.access, "Liked Song").await;
    uploaded_song(app, &maker.access, "Other Song").await;
    like(app, &fan.access, &liked).await;
    (maker, fan)
}

#[tokio::test]
async fn searched_songs_carry_the_viewer() {
    let app = TestApp::new().await;
    let (_, fan) = two_songs_one_liked(&app).await;
    let uri = "/api/v1/search?q=song&type=songs";
    let signed_in = songs_at(&app, uri, Some(&fan), "songs").await;
    let anonymous = songs_at(&app, uri, None, "songs").await;
    assert_eq!(anonymous.len(), 2);
    assert_viewer(&signed_in, Some(&anonymous));
}

#[tokio::test]
async fn discovery_lists_carry_the_viewer() {
    let app = TestApp::new().await;
    let (_, fan) = two_songs_one_liked(&app).await;
    assert!(
        ampli::discovery::rebuild::rebuild_all(&app.db.pool)
            .await
            .unwrap()
    );
    let lists = app.get("/api/v1/discover/playlists").await.json();
    let releases = lists
        .as_array()
        .unwrap()
        .iter()
        .find(|list| list["title"] == "New Releases")
        .expect("New Releases");
    let by_id = format!(
        "/api/v1/discover/playlists/{}",
        releases["id"].as_str().unwrap()
    );
    for uri in ["/api/v1/discover/new-releases", by_id.as_str()] {
        let signed_in = songs_at(&app, uri, Some(&fan), "songs").await;
        let anonymous = songs_at(&app, uri, None, "songs").await;
        assert_eq!(anonymous.len(), 2, "{uri}");
        assert_viewer(&signed_in, Some(&anonymous));
    }
    // Trending holds only the liked song: nobody played or liked the other.
    let uri = "/api/v1/discover/trending";
    let signed_in = songs_at(&app, uri, Some(&fan), "songs").await;
    assert_eq!(by_title(&signed_in, "Liked Song")["viewer"]["liked"], true);
    let anonymous = songs_at(&app, uri, None, "songs").await;
    assert_eq!(anonymous.len(), 1);
    assert!(anonymous[0].get("viewer").is_none());
}

#[tokio::test]
async fn the_feed_carries_the_viewer() {
    let app = TestApp::new().await;
    let (maker, fan) = two_songs_one_liked(&app).await;
    let follow = format!("/api/v1/users/{}/follow", maker.user_id);
    let response = app
        .call(Method::PUT, &follow, Some(&fan.access), None)
        .await;
    assert_eq!(response.status, 204);
    let signed_in = songs_at(&app, "/api/v1/me/feed", Some(&fan), "items").await;
    assert_eq!(signed_in.len(), 2);
    assert_viewer(&signed_in, None);
    assert_eq!(app.get("/api/v1/me/feed").await.status, 401);
}

#[tokio::test]
async fn a_users_songs_carry_the_viewer() {
    let app = TestApp::new().await;
    let (maker, fan) = two_songs_one_liked(&app).await;
    let uri = format!("/api/v1/songs?owner={}", maker.user_id);
    let signed_in = songs_at(&app, &uri, Some(&fan), "items").await;
    let anonymous = songs_at(&app, &uri, None, "items").await;
    assert_eq!(anonymous.len(), 2);
    assert_viewer(&signed_in, Some(&anonymous));
}
