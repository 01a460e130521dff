//! The catalog's own song answers (a song, the song list, an artist's songs) carry what the
//! signed-in caller did with each song (`viewer`), and nothing of the kind for anyone
//! anonymous.

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::accounts::Tokens;
use crate::support::songs::uploaded_song;

/// A maker's two songs, both credited to one artist, and a fan who liked the first.
struct Liked {
    fan: Tokens,
    liked: String,
    artist: String,
}

async fn two_songs_one_liked(app: &TestApp) -> Liked {
    let (_, maker) = app.verified_user("maker").await;
    let (_, fan) = app.verified_user("fan").await;
    let created = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&maker.access),
            Some(json!({"name": "Corncrake"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let artist = created.json()["id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for title in ["Liked Song", "Other Song"] {
        let id = uploaded_song(app, &maker.access, title).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let credit = app
            .call(
                Method::PUT,
                &format!("/api/v1/songs/{id}/artists/{artist}"),
                Some(&maker.access),
                Some(json!({"role": "Primary"})),
            )
            .await;
        assert_eq!(credit.status, 200, "{}", credit.text());
        ids.push(id);
    }
    let like = app
        .call(
            Method::PUT,
            &format!("/api/v1/songs/{}/like", ids[0]),
            Some(&fan.access),
            None,
        )
        .await;
    assert!(like.status.is_success(), "{}", like.text());
    Liked {
        fan,
        liked: ids.swap_remove(0),
        artist,
    }
}

/// `uri` read by `caller` (or anonymously): its body.
async fn read(app: &TestApp, uri: &str, caller: Option<&Tokens>) -> Value {
    let response = app
        .call(Method::GET, uri, caller.map(|c| c.access.as_str()), None)
        .await;
    assert_eq!(response.status, 200, "{uri}: {}", response.text());
    response.json()
}

/// The liked song says so to its fan, the other one says it is not liked; anonymous answers
/// have no `viewer` at all.
fn assert_viewer(signed_in: &[Value], anonymous: &[Value]) {
    let by_title = |title: &str| {
        signed_in
            .iter()
            .find(|song| song["title"] == title)
            .unwrap_or_else(|| panic!("{title} in {signed_in:?}"))
            .clone()
    };
    assert_eq!(
        by_title("Liked Song")["viewer"],
        json!({"liked": true, "favorited": false, "resumeAt": null})
    );
    assert_eq!(by_title("Other Song")["viewer"]["liked"], false);
    assert_eq!(anonymous.len(), 2);
    for song in anonymous {
        assert!(song.get("viewer").is_none(), "{song}");
    }
}

#[tokio::test]
async fn a_song_carries_the_viewer_for_a_signed_in_caller_only() {
    let app = TestApp::new().await;
    let liked = two_songs_one_liked(&app).await;
    let uri = format!("/api/v1/songs/{}", liked.liked);
    let signed_in = read(&app, &uri, Some(&liked.fan)).await;
    assert_eq!(
        signed_in["viewer"],
        json!({"liked": true, "favorited": false, "resumeAt": null})
    );
    let anonymous = read(&app, &uri, None).await;
    assert_eq!(anonymous["id"], liked.liked.as_str());
    assert!(anonymous.get("viewer").is_none(), "{anonymous}");
}

#[tokio::test]
async fn the_song_list_carries_the_viewer() {
    let app = TestApp::new().await;
    let liked = two_songs_one_liked(&app).await;
    let signed_in = read(&app, "/api/v1/songs", Some(&liked.fan)).await;
    let anonymous = read(&app, "/api/v1/songs", None).await;
    assert_viewer(
        signed_in["items"].as_array().unwrap(),
        anonymous["items"].as_array().unwrap(),
    );
}

#[tokio::test]
async fn an_artists_songs_carry_the_viewer() {
    let app = TestApp::new().await;
    let liked = two_songs_one_liked(&app).await;
    let uri = format!("/api/v1/artists/{}/songs", liked.artist);
    let signed_in = read(&app, &uri, Some(&liked.fan)).await;
    let anonymous = read(&app, &uri, None).await;
    assert_viewer(signed_in.as_array().unwrap(), anonymous.as_array().unwrap());
}
