//! Artwork: a song or album with no poster gets a picture generated from its id and title, the
//! same every time and cacheable; one with a poster is sent to it; Subsonic apps get the same.

use axum::body::Body;
use axum::http::Request;
use image::ImageFormat;

use crate::support::TestApp;
use crate::support::images::picture;
use crate::support::songs::{uploaded_song, uploaded_song_with};

fn decoded_side(body: &[u8]) -> u32 {
    let picture = image::load_from_memory_with_format(body, ImageFormat::Png).expect("a PNG");
    assert_eq!(picture.width(), picture.height());
    picture.width()
}

#[tokio::test]
async fn a_song_without_a_poster_has_generated_artwork_in_both_sizes() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("ana").await;
    let song = uploaded_song(&app, &me.access, "Blue Monday").await;
    let id = song["id"].as_str().unwrap();
    assert!(song["posterUrls"].is_null());
    assert_eq!(
        song["artworkUrls"]["small"],
        format!("/api/v1/songs/{id}/artwork?size=small")
    );

    // Anyone may fetch it, as anyone may read the song.
    let small = app
        .get(song["artworkUrls"]["small"].as_str().unwrap())
        .await;
    assert_eq!(small.status, 200, "{}", small.text());
    assert_eq!(small.headers["content-type"], "image/png");
    assert_eq!(small.headers["cache-control"], "public, max-age=86400");
    assert_eq!(decoded_side(&small.body), 128);
    let large = app
        .get(song["artworkUrls"]["large"].as_str().unwrap())
        .await;
    assert_eq!(decoded_side(&large.body), 512);
    assert_eq!(
        decoded_side(&app.get(&format!("/api/v1/songs/{id}/artwork")).await.body),
        512,
        "large unless asked"
    );

    // The same picture every time, and a validator that saves sending it again.
    let again = app
        .get(&format!("/api/v1/songs/{id}/artwork?size=small"))
        .await;
    assert_eq!(again.body, small.body);
    let etag = small.headers["etag"].to_str().unwrap().to_owned();
    let revalidated = app
        .send(
            Request::get(format!("/api/v1/songs/{id}/artwork?size=small"))
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(revalidated.status, 304);
    assert!(revalidated.body.is_empty());

    // Another song's picture differs.
    let other = uploaded_song(&app, &me.access, "Blue Monday").await;
    let other_id = other["id"].as_str().unwrap();
    let other_small = app
        .get(&format!("/api/v1/songs/{other_id}/artwork?size=small"))
        .await;
    assert_ne!(other_small.body, small.body);
}

#[tokio::test]
async fn a_song_with_a_poster_sends_its_artwork_route_to_the_poster() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("bo").await;
    let song = uploaded_song(&app, &me.access, "Framed").await;
    let id = song["id"].as_str().unwrap();
    let request = Request::put(format!("/api/v1/songs/{id}/poster"))
        .header("authorization", format!("Bearer {}", me.access))
        .body(Body::from(picture(300, 300, ImageFormat::Jpeg)))
        .unwrap();
    let framed = app.send(request).await;
    assert_eq!(framed.status, 200, "{}", framed.text());
    let framed = framed.json();

    for (size, poster) in [("small", "small"), ("large", "large")] {
        let artwork = app
            .get(&format!("/api/v1/songs/{id}/artwork?size={size}"))
            .await;
        assert_eq!(artwork.status, 302);
        assert_eq!(
            artwork.headers["location"],
            framed["posterUrls"][poster].as_str().unwrap()
        );
    }
}

#[tokio::test]
async fn an_album_without_a_cover_has_generated_artwork() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("cy").await;
    let song = uploaded_song_with(&app, &me.access, "Dawn", &[("album", "Sunrise Tapes")]).await;
    let album = song["album"]["id"].as_str().unwrap();
    let answer = app.get(&format!("/api/v1/albums/{album}")).await.json();
    assert_eq!(
        answer["artworkUrls"]["large"],
        format!("/api/v1/albums/{album}/artwork?size=large")
    );
    let large = app
        .get(answer["artworkUrls"]["large"].as_str().unwrap())
        .await;
    assert_eq!(large.status, 200, "{}", large.text());
    assert_eq!(decoded_side(&large.body), 512);
}

#[tokio::test]
async fn artwork_requests_for_nothing_or_in_sizes_ampli_does_not_make_are_refused() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("di").await;
    let song = uploaded_song(&app, &me.access, "Sized").await;
    let id = song["id"].as_str().unwrap();
    let missing = uuid::Uuid::new_v4();
    app.get(&format!("/api/v1/songs/{missing}/artwork"))
        .await
        .assert_problem(404, "song_not_found");
    app.get(&format!("/api/v1/albums/{missing}/artwork"))
        .await
        .assert_problem(404, "album_not_found");
    assert_eq!(
        app.get(&format!("/api/v1/songs/{id}/artwork?size=huge"))
            .await
            .status,
        400
    );
    assert_eq!(
        app.get(&format!("/api/v1/songs/{id}/artwork?sizes=small"))
            .await
            .status,
        400
    );
    assert_eq!(
        app.get("/api/v1/songs/not-a-uuid/artwork").await.status,
        400
    );
}
