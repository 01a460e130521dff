//! The song lists: the popular order (with songs never counted), and an artist's songs.

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::songs::uploaded_song;

/// Every page of `uri` (which has a `?`), one song a page; answers the titles in order.
async fn every_title(app: &TestApp, uri: &str) -> Vec<String> {
    let mut titles = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let page_uri = match &cursor {
            Some(cursor) => format!("{uri}&limit=1&cursor={cursor}"),
            None => format!("{uri}&limit=1"),
        };
        let page = app.get(&page_uri).await.json();
        for song in page["items"].as_array().unwrap() {
            titles.push(song["title"].as_str().unwrap().to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return titles,
        }
    }
    panic!("more pages than songs: {titles:?}");
}

#[tokio::test]
async fn the_popular_order_counts_a_song_never_played_as_none() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("pia").await;
    // PlayCount may be NULL (the seed's column has no NOT NULL): such a song has 0 plays and
    // comes after every played one, on its own page, not first.
    for (title, plays) in [("Never", None), ("Five", Some(5_i64)), ("Two", Some(2))] {
        let song = uploaded_song(&app, &me.access, title).await;
        sqlx::query("update songs set playcount = $2 where songid = $1::uuid")
            .bind(song["id"].as_str().unwrap())
            .bind(plays)
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
    assert_eq!(
        every_title(&app, "/api/v1/songs?sort=popular").await,
        ["Five", "Two", "Never"]
    );
}

#[tokio::test]
async fn an_artists_songs_are_the_newest_up_to_the_limit_asked() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("ari").await;
    let artist: Value = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&me.access),
            Some(json!({"name": "Singer S"})),
        )
        .await
        .json();
    let artist = artist["id"].as_str().unwrap().to_owned();
    for title in ["First", "Second", "Third"] {
        let song = uploaded_song(&app, &me.access, title).await;
        let credit = format!(
            "/api/v1/songs/{}/artists/{artist}",
            song["id"].as_str().unwrap()
        );
        let credited = app
            .call(
                Method::PUT,
                &credit,
                Some(&me.access),
                Some(json!({"role": "Performer"})),
            )
            .await;
        assert_eq!(credited.status, 200, "{}", credited.text());
    }
    // An unrelated song is not on the artist's page.
    uploaded_song(&app, &me.access, "Elsewhere").await;

    let titles = |songs: &Value| -> Vec<String> {
        let songs = songs.as_array().unwrap();
        songs
            .iter()
            .map(|s| s["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let uri = format!("/api/v1/artists/{artist}/songs");
    assert_eq!(
        titles(&app.get(&uri).await.json()),
        ["Third", "Second", "First"]
    );
    let two = app.get(&format!("{uri}?limit=2")).await.json();
    assert_eq!(titles(&two), ["Third", "Second"]);
    // Out of range is clamped, as on every list; a parameter not ours is refused.
    assert_eq!(
        titles(&app.get(&format!("{uri}?limit=0")).await.json()),
        ["Third"]
    );
    let unknown = app.get(&format!("{uri}?offset=1")).await;
    assert_eq!(unknown.status, 400, "{}", unknown.text());
    // The same artist through the paged list.
    assert_eq!(
        every_title(&app, &format!("/api/v1/songs?artist={artist}")).await,
        ["Third", "Second", "First"]
    );
}
