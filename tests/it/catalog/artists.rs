use axum::http::Method;
use serde_json::json;

use crate::support::TestApp;
use crate::support::songs::uploaded_song;

#[tokio::test]
async fn artists_are_edited_by_their_creator_or_an_admin_and_only_admins_verify() {
    let app = TestApp::new().await;
    let (_, maker) = app.verified_user("lou").await;
    let (_, other) = app.verified_user("max").await;
    let created = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&maker.access),
            Some(json!({"name": "Nightjar", "country": "NZ", "genre": "Ambient"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let artist = created.json();
    assert_eq!(artist["verified"], false);
    let uri = format!("/api/v1/artists/{}", artist["id"].as_str().unwrap());

    app.call(
        Method::PATCH,
        &uri,
        Some(&other.access),
        Some(json!({"bio": "mine now"})),
    )
    .await
    .assert_problem(403, "not_owner");
    let edited = app
        .call(
            Method::PATCH,
            &uri,
            Some(&maker.access),
            Some(json!({"bio": "Field recordings."})),
        )
        .await;
    assert_eq!(edited.json()["bio"], "Field recordings.");
    app.call(
        Method::PATCH,
        &uri,
        Some(&maker.access),
        Some(json!({"verified": true})),
    )
    .await
    .assert_problem(403, "admin_only");

    sqlx::query("update users set isadmin = true where email = 'max@example.test'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let verified = app
        .call(
            Method::PATCH,
            &uri,
            Some(&other.access),
            Some(json!({"verified": true})),
        )
        .await;
    assert_eq!(verified.json()["verified"], true);

    app.call(
        Method::POST,
        "/api/v1/artists",
        Some(&maker.access),
        Some(json!({"name": ""})),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.call(
        Method::POST,
        "/api/v1/artists",
        Some(&maker.access),
        Some(json!({"name": "X", "userId": other.user_id})),
    )
    .await
    .assert_problem(403, "not_owner");
    let listed = app.get("/api/v1/artists").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.call(Method::DELETE, &uri, Some(&maker.access), None)
            .await
            .status,
        204
    );
    app.get(&uri).await.assert_problem(404, "artist_not_found");
}

#[tokio::test]
async fn credits_are_added_changed_and_removed_by_the_songs_owner() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("ned").await;
    let (_, other) = app.verified_user("ona").await;
    let song = uploaded_song(&app, &me.access, "Credited").await;
    let artist = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&me.access),
            Some(json!({"name": "Producer P"})),
        )
        .await
        .json();
    let credit = format!(
        "/api/v1/songs/{}/artists/{}",
        song["id"].as_str().unwrap(),
        artist["id"].as_str().unwrap()
    );

    let added = app
        .call(
            Method::PUT,
            &credit,
            Some(&me.access),
            Some(json!({"role": "Producer"})),
        )
        .await;
    assert_eq!(added.json()["artists"][0]["role"], "Producer");
    let changed = app
        .call(
            Method::PUT,
            &credit,
            Some(&me.access),
            Some(json!({"role": "Composer"})),
        )
        .await;
    assert_eq!(
        changed.json()["artists"].as_array().unwrap().len(),
        1,
        "PUT is idempotent"
    );
    assert_eq!(changed.json()["artists"][0]["role"], "Composer");
    app.call(
        Method::PUT,
        &credit,
        Some(&me.access),
        Some(json!({"role": "Tambourine hero"})),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.call(
        Method::PUT,
        &credit,
        Some(&other.access),
        Some(json!({"role": "Primary"})),
    )
    .await
    .assert_problem(403, "not_owner");
    let missing = format!(
        "/api/v1/songs/{}/artists/{}",
        song["id"].as_str().unwrap(),
        uuid::Uuid::new_v4()
    );
    app.call(
        Method::PUT,
        &missing,
        Some(&me.access),
        Some(json!({"role": "Primary"})),
    )
    .await
    .assert_problem(404, "artist_not_found");
    assert_eq!(
        app.call(Method::DELETE, &credit, Some(&me.access), None)
            .await
            .status,
        204
    );
    let read = app
        .get(&format!("/api/v1/songs/{}", song["id"].as_str().unwrap()))
        .await
        .json();
    assert_eq!(read["artists"], json!([]));
}

#[tokio::test]
async fn an_artist_picture_is_re_encoded_and_removed_with_the_artist() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("quin").await;
    let artist = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&me.access),
            Some(json!({"name": "Pictured"})),
        )
        .await
        .json();
    let uri = format!("/api/v1/artists/{}/avatar", artist["id"].as_str().unwrap());
    let request = |bytes: Vec<u8>| {
        axum::http::Request::put(&uri)
            .header("authorization", format!("Bearer {}", me.access))
            .body(axum::body::Body::from(bytes))
            .unwrap()
    };
    let set = app
        .send(request(crate::support::images::picture(
            300,
            300,
            image::ImageFormat::Png,
        )))
        .await;
    assert_eq!(set.status, 200, "{}", set.text());
    let url = set.json()["avatarUrl"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get(&url).await.header("content-type"),
        Some("image/jpeg")
    );
    app.send(request(b"not a picture".to_vec()))
        .await
        .assert_problem(415, "unsupported_image");
    assert_eq!(app.media_files().len(), 3);
    let gone = app
        .call(
            Method::DELETE,
            &format!("/api/v1/artists/{}", artist["id"].as_str().unwrap()),
            Some(&me.access),
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    assert!(app.media_files().is_empty());
}

#[tokio::test]
async fn an_artist_linked_to_an_account_is_credited_only_with_its_consent() {
    let app = TestApp::new().await;
    let (_, singer) = app.verified_user("uma").await;
    let (_, stranger) = app.verified_user("vic").await;
    let artist = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&singer.access),
            Some(json!({"name": "Uma Sings", "userId": singer.user_id})),
        )
        .await;
    assert_eq!(artist.status, 201, "{}", artist.text());
    let artist_id = artist.json()["id"].as_str().unwrap().to_owned();

    // A stranger may not put Uma's artist on their own song, by edit or at upload.
    let theirs = uploaded_song(&app, &stranger.access, "Borrowed fame").await;
    let song_id = theirs["id"].as_str().unwrap().to_owned();
    let credit = format!("/api/v1/songs/{song_id}/artists/{artist_id}");
    app.call(
        Method::PUT,
        &credit,
        Some(&stranger.access),
        Some(json!({"role": "Primary"})),
    )
    .await
    .assert_problem(403, "artist_not_yours");
    let credits = json!([{"artistId": artist_id, "role": "Featured"}]).to_string();
    let wav = crate::support::audio::wav(1);
    crate::support::songs::upload(
        &app,
        &stranger.access,
        &[
            crate::support::songs::Part::Text("title", "Also borrowed"),
            crate::support::songs::Part::Text("artists", &credits),
            crate::support::songs::Part::File("file", "a.wav", &wav),
        ],
    )
    .await
    .assert_problem(403, "artist_not_yours");
    let credited: i64 = sqlx::query_scalar("select count(*) from artistsongs")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(credited, 0);

    // Uma credits her artist on her own song.
    let hers = uploaded_song(&app, &singer.access, "Her own").await;
    let own_credit = format!(
        "/api/v1/songs/{}/artists/{artist_id}",
        hers["id"].as_str().unwrap()
    );
    let added = app
        .call(
            Method::PUT,
            &own_credit,
            Some(&singer.access),
            Some(json!({"role": "Primary"})),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.text());

    // A credit of her artist on someone else's song (made before these rules, or by an
    // importer) is hers to remove.
    sqlx::query(
        "insert into artistsongs (artistid, songid, role) values ($1::uuid, $2::uuid, 'Primary')",
    )
    .bind(&artist_id)
    .bind(&song_id)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let removed = app
        .call(Method::DELETE, &credit, Some(&singer.access), None)
        .await;
    assert_eq!(removed.status, 204, "{}", removed.text());
    // And nobody else's: a third user can remove neither.
    let (_, third) = app.verified_user("wes").await;
    app.call(Method::DELETE, &own_credit, Some(&third.access), None)
        .await
        .assert_problem(403, "not_owner");
}
