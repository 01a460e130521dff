//! Albums made from uploads' tags: joined by title and album artist as people mean them, read
//! back in disc and track order, edited and deleted by their owner only, deleted with or
//! without their songs; artists named by tags found or made; genres and lyrics from tags.

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::audio::{encoded, tagged_mp3};
use crate::support::songs::{Part, upload, uploaded_song_with};

/// A one-second MP3 with `tags` (ffmpeg `-metadata` keys).
async fn upload_file(app: &TestApp, token: &str, bytes: &[u8], extra: &[Part<'_>]) -> Value {
    let mut parts = vec![Part::File("file", "song.mp3", bytes)];
    parts.extend(extra.iter().map(|part| match part {
        Part::Text(name, value) => Part::Text(name, value),
        Part::File(name, file, bytes) => Part::File(name, file, bytes),
    }));
    let response = upload(app, token, &parts).await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()
}

fn track(title: &str, number: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_owned()),
        ("album", "Long Roads".to_owned()),
        ("album_artist", "The Drivers".to_owned()),
        ("artist", "The Drivers feat. Guest Star".to_owned()),
        ("track", format!("{number}/3")),
        ("date", "2019-05-03".to_owned()),
        ("genre", "Synthwave".to_owned()),
    ]
}

fn as_refs<'a>(tags: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    tags.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn titles(songs: &Value) -> Vec<&str> {
    songs
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_album_uploaded_out_of_order_reads_back_in_track_order() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("owner").await;
    let dir = tempfile::tempdir().unwrap();
    let mut album_id = None;
    for (title, number) in [("Third", "3"), ("First", "1"), ("Second", "2")] {
        let tags = track(title, number);
        let bytes = tagged_mp3(dir.path(), &format!("{number}.mp3"), &as_refs(&tags));
        let song = upload_file(&app, &owner.access, &bytes, &[]).await;
        assert_eq!(song["album"]["title"], "Long Roads");
        assert_eq!(song["trackNumber"], number.parse::<i64>().unwrap());
        assert_eq!(song["year"], 2019);
        assert_eq!(song["genres"], json!(["Synthwave"]));
        let id = song["album"]["id"].as_str().unwrap().to_owned();
        assert_eq!(
            *album_id.get_or_insert(id.clone()),
            id,
            "one album for all three"
        );
    }
    // The same album typed differently by the tagger joins it too.
    let bytes = tagged_mp3(
        dir.path(),
        "bonus.mp3",
        &[
            ("title", "Bonus"),
            ("album", "  long   ROADS "),
            ("album_artist", "the drivers"),
        ],
    );
    let bonus = upload_file(&app, &owner.access, &bytes, &[]).await;
    assert_eq!(bonus["album"]["id"].as_str(), album_id.as_deref());

    let album = app
        .get(&format!("/api/v1/albums/{}", album_id.unwrap()))
        .await;
    assert_eq!(album.status, 200, "{}", album.text());
    let album = album.json();
    // Numbered tracks in order, the unnumbered bonus last.
    assert_eq!(
        titles(&album["songs"]),
        ["First", "Second", "Third", "Bonus"]
    );
    assert_eq!(album["title"], "Long Roads");
    assert_eq!(album["year"], 2019);
    assert_eq!(album["releaseDate"], "2019-05-03");
    assert_eq!(album["songCount"], 4);
    assert_eq!(album["duration"], 4);
    assert_eq!(album["genres"], json!(["Synthwave"]));
    assert_eq!(album["artists"][0]["name"], "The Drivers");

    // The tags' artists are credited: the main one as Primary, the guest as Featured, one
    // artist each however many songs name them.
    let first = &album["songs"][0];
    let credits: Vec<(&str, &str)> = first["artists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        credits,
        [("The Drivers", "Primary"), ("Guest Star", "Featured")]
    );
    let artists: i64 = sqlx::query_scalar("select count(*) from artists")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(artists, 2);

    let listed = app
        .get(&format!("/api/v1/albums?owner={}", owner.user_id))
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let by_genre = app.get("/api/v1/albums?genre=SYNTHWAVE").await.json();
    assert_eq!(by_genre["items"].as_array().unwrap().len(), 1);
    let songs_by_genre = app.get("/api/v1/songs?genre=synthwave").await.json();
    assert_eq!(songs_by_genre["items"].as_array().unwrap().len(), 3);
    let genres = app.get("/api/v1/genres").await.json();
    assert_eq!(
        genres,
        json!([{"name": "Synthwave", "songCount": 3, "albumCount": 1}])
    );
}

#[tokio::test]
async fn a_song_without_an_album_tag_is_a_single_and_form_fields_override_tags() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("owner").await;
    let dir = tempfile::tempdir().unwrap();
    let single = tagged_mp3(dir.path(), "single.mp3", &[("title", "Alone")]);
    let song = upload_file(&app, &owner.access, &single, &[]).await;
    assert_eq!(song["album"], Value::Null);
    let albums: i64 = sqlx::query_scalar("select count(*) from albums")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(albums, 0);

    let tags = track("Tagged", "2");
    let bytes = tagged_mp3(dir.path(), "form.mp3", &as_refs(&tags));
    let song = upload_file(
        &app,
        &owner.access,
        &bytes,
        &[
            Part::Text("album", "Form Album"),
            Part::Text("trackNumber", "7"),
            Part::Text("year", "2001"),
            Part::Text("genre", "Jazz, Blues"),
        ],
    )
    .await;
    assert_eq!(song["album"]["title"], "Form Album");
    assert_eq!(song["trackNumber"], 7);
    assert_eq!(song["year"], 2001);
    assert_eq!(song["genres"], json!(["Jazz", "Blues"]));

    // Numbers a record cannot have are refused with the field named.
    let response = upload(
        &app,
        &owner.access,
        &[
            Part::File("file", "x.mp3", &bytes),
            Part::Text("trackNumber", "0"),
            Part::Text("year", "20250"),
        ],
    )
    .await;
    response.assert_problem(422, "validation_failed");
    let body = response.json();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["trackNumber", "year"]);
}

#[tokio::test]
async fn an_artist_named_by_tags_is_the_existing_one_when_exactly_one_matches() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("owner").await;
    let (_, other) = app.verified_user("other").await;
    let create = |token: String, name: &'static str| {
        let app = &app;
        async move {
            let made = app
                .call(
                    Method::POST,
                    "/api/v1/artists",
                    Some(&token),
                    Some(json!({"name": name})),
                )
                .await;
            assert_eq!(made.status, 201, "{}", made.text());
            made.json()["id"].as_str().unwrap().to_owned()
        }
    };
    let beyonce = create(other.access.clone(), "Beyoncé").await;
    create(other.access.clone(), "Twin").await;
    create(owner.access.clone(), "twin").await;

    let dir = tempfile::tempdir().unwrap();
    let bytes = tagged_mp3(
        dir.path(),
        "a.mp3",
        &[("title", "A"), ("artist", "BEYONCE")],
    );
    let song = upload_file(&app, &owner.access, &bytes, &[]).await;
    assert_eq!(song["artists"][0]["artistId"], beyonce.as_str());

    // Two artists of the name: a new one is made rather than a guess.
    let bytes = tagged_mp3(dir.path(), "b.mp3", &[("title", "B"), ("artist", "Twin")]);
    let song = upload_file(&app, &owner.access, &bytes, &[]).await;
    let twins: i64 = sqlx::query_scalar("select count(*) from artists where matchkey = 'twin'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(twins, 3);
    assert_eq!(song["artists"][0]["name"], "Twin");
}

#[tokio::test]
async fn only_the_owner_changes_an_album_and_deleting_keeps_or_deletes_its_songs() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("owner").await;
    let (_, stranger) = app.verified_user("stranger").await;
    let dir = tempfile::tempdir().unwrap();
    let mut albums = Vec::new();
    for name in ["Keep Me", "Drop Me"] {
        let bytes = tagged_mp3(
            dir.path(),
            &format!("{name}.mp3"),
            &[("title", name), ("album", name), ("album_artist", "Band")],
        );
        let song = upload_file(&app, &owner.access, &bytes, &[]).await;
        albums.push((
            song["album"]["id"].as_str().unwrap().to_owned(),
            song["id"].as_str().unwrap().to_owned(),
        ));
    }
    let (keep, kept_song) = &albums[0];
    let (drop, dropped_song) = &albums[1];

    let uri = format!("/api/v1/albums/{keep}");
    let refused = app
        .call(
            Method::PATCH,
            &uri,
            Some(&stranger.access),
            Some(json!({"title": "Mine"})),
        )
        .await;
    refused.assert_problem(403, "not_owner");
    let refused = app
        .call(Method::DELETE, &uri, Some(&stranger.access), None)
        .await;
    refused.assert_problem(403, "not_owner");
    let taken = app
        .call(
            Method::PATCH,
            &uri,
            Some(&owner.access),
            Some(json!({"title": "drop me"})),
        )
        .await;
    taken.assert_problem(409, "album_exists");
    let renamed = app
        .call(
            Method::PATCH,
            &uri,
            Some(&owner.access),
            Some(json!({"title": "Kept", "year": 1999.0})),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    assert_eq!(renamed.json()["title"], "Kept");
    assert_eq!(renamed.json()["year"], 1999);

    // A song moves onto the other album, and off it again.
    let song_uri = format!("/api/v1/songs/{kept_song}");
    let moved = app
        .call(
            Method::PATCH,
            &song_uri,
            Some(&owner.access),
            Some(json!({"albumId": drop, "trackNumber": 2})),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert_eq!(moved.json()["album"]["id"], drop.as_str());
    let onto_strangers = app
        .call(
            Method::PATCH,
            &song_uri,
            Some(&stranger.access),
            Some(json!({"albumId": null})),
        )
        .await;
    onto_strangers.assert_problem(403, "not_owner");
    let off = app
        .call(
            Method::PATCH,
            &song_uri,
            Some(&owner.access),
            Some(json!({"albumId": null})),
        )
        .await;
    assert_eq!(off.json()["album"], Value::Null);
    assert_eq!(off.json()["trackNumber"], Value::Null);
    let back = app
        .call(
            Method::PATCH,
            &song_uri,
            Some(&owner.access),
            Some(json!({"albumId": keep})),
        )
        .await;
    assert_eq!(back.json()["album"]["id"], keep.as_str());

    // Kept: the album goes, its song stays as a single.
    let gone = app
        .call(Method::DELETE, &uri, Some(&owner.access), None)
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text());
    let song = app.get(&song_uri).await;
    assert_eq!(song.status, 200);
    assert_eq!(song.json()["album"], Value::Null);
    app.get(&uri).await.assert_problem(404, "album_not_found");

    // Deleted with its songs: rows and files go at once.
    let gone = app
        .call(
            Method::DELETE,
            &format!("/api/v1/albums/{drop}?songs=delete"),
            Some(&owner.access),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text());
    app.get(&format!("/api/v1/songs/{dropped_song}"))
        .await
        .assert_problem(404, "song_not_found");
    let leftover: Vec<_> = app
        .media_files()
        .into_iter()
        .filter(|path| path.to_string_lossy().contains(dropped_song.as_str()))
        .collect();
    assert!(leftover.is_empty(), "{leftover:?}");
    let bad = app
        .call(
            Method::DELETE,
            &format!("/api/v1/albums/{keep}?songs=maybe"),
            Some(&owner.access),
            None,
        )
        .await;
    bad.assert_problem(400, "invalid_query");
}

#[tokio::test]
async fn lyrics_come_from_tags_and_are_set_and_removed_by_the_owner() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("owner").await;
    let (_, stranger) = app.verified_user("stranger").await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = tagged_mp3(
        dir.path(),
        "sung.mp3",
        &[
            ("title", "Sung"),
            ("lyrics", "[00:00.50]la\n[00:01.00]di da"),
        ],
    );
    let song = upload_file(&app, &owner.access, &bytes, &[]).await;
    let uri = format!("/api/v1/songs/{}/lyrics", song["id"].as_str().unwrap());
    let lyrics = app.get(&uri).await;
    assert_eq!(lyrics.status, 200, "{}", lyrics.text());
    assert_eq!(
        lyrics.json()["lines"],
        json!([{"startMs": 500, "text": "la"}, {"startMs": 1000, "text": "di da"}])
    );
    assert_eq!(lyrics.json()["synced"], true);

    let put = |token: &str, body: &'static str| {
        let request = axum::http::Request::put(format!("{uri}?language=en"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "text/plain")
            .body(axum::body::Body::from(body))
            .unwrap();
        app.send(request)
    };
    put(&stranger.access, "mine now")
        .await
        .assert_problem(403, "not_owner");
    put(&owner.access, "[00:01.00]fine\n[99:99.99]not a time")
        .await
        .assert_problem(422, "validation_failed");
    let plain = put(&owner.access, "first verse\n\nsecond verse").await;
    assert_eq!(plain.status, 200, "{}", plain.text());
    assert_eq!(plain.json()["synced"], false);
    assert_eq!(plain.json()["language"], "en");
    assert_eq!(
        app.get(&uri).await.json()["lines"][2]["text"],
        "second verse"
    );

    let removed = app
        .call(Method::DELETE, &uri, Some(&owner.access), None)
        .await;
    assert_eq!(removed.status, 204);
    app.get(&uri).await.assert_problem(404, "lyrics_not_found");
}

#[tokio::test]
async fn the_transcoding_job_measures_loudness_where_tags_give_none() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("owner").await;
    let dir = tempfile::tempdir().unwrap();
    // Two tracks of one album, one quiet and one loud, and a third whose tags carry a gain.
    let quiet = encoded(
        dir.path(),
        "quiet.mp3",
        1,
        None,
        &[
            "-af",
            "volume=0.05",
            "-c:a",
            "libmp3lame",
            "-metadata",
            "album=Levels",
            "-metadata",
            "title=Quiet",
            "-metadata",
            "track=1",
        ],
    );
    let loud = encoded(
        dir.path(),
        "loud.mp3",
        1,
        None,
        &[
            "-af",
            "volume=0.9",
            "-c:a",
            "libmp3lame",
            "-metadata",
            "album=Levels",
            "-metadata",
            "title=Loud",
            "-metadata",
            "track=2",
        ],
    );
    let tagged = tagged_mp3(
        dir.path(),
        "tagged.mp3",
        &[("title", "Tagged"), ("REPLAYGAIN_TRACK_GAIN", "-1.50 dB")],
    );
    let mut ids = Vec::new();
    for bytes in [&quiet, &loud, &tagged] {
        let song = upload_file(&app, &owner.access, bytes, &[]).await;
        ids.push(song["id"].as_str().unwrap().to_owned());
    }
    let album = app.get(&format!("/api/v1/songs/{}", ids[0])).await.json()["album"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let transcoder = app
        .state
        .catalog
        .transcoder(app.state.metrics.clone())
        .expect("ffmpeg is installed for the tests");
    for _ in 0..3 {
        assert!(transcoder.run_one().await.unwrap());
    }
    let loudness = |id: &str| {
        let app = &app;
        let uri = format!("/api/v1/songs/{id}");
        async move { app.get(&uri).await.json()["loudness"].clone() }
    };
    let quiet = loudness(&ids[0]).await;
    let loud = loudness(&ids[1]).await;
    let quiet_gain = quiet["trackGain"].as_f64().expect("measured");
    let loud_gain = loud["trackGain"].as_f64().expect("measured");
    // A twentieth of the amplitude is 25 dB quieter, so it needs about 25 dB more gain.
    assert!(
        (quiet_gain - loud_gain - 25.1).abs() < 1.0,
        "{quiet_gain} {loud_gain}"
    );
    // ffmpeg's sine source peaks at an eighth of full scale: 0.9 of it is 0.1125.
    let peak = loud["trackPeak"].as_f64().unwrap();
    assert!((peak - 0.1125).abs() < 0.01, "{peak}");
    // The tags' gain is kept, not measured over.
    assert_eq!(loudness(&ids[2]).await["trackGain"], -1.5);
    // Both tracks measured: the album's gain lies between theirs, nearer the loud one.
    let album = app.get(&format!("/api/v1/albums/{album}")).await.json();
    let album_gain = album["albumGain"].as_f64().expect("worked out");
    assert!(
        album_gain < loud_gain + 3.1 && album_gain > loud_gain,
        "{album_gain}"
    );
    assert_eq!(quiet["albumGain"].as_f64(), Some(album_gain));
}

#[tokio::test]
async fn a_cover_too_large_or_broken_is_left_out_and_the_song_uploads() {
    use lofty::config::WriteOptions;
    use lofty::picture::{MimeType, Picture, PictureType};
    use lofty::prelude::*;

    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("owner").await;
    let dir = tempfile::tempdir().unwrap();
    // A 50 MB "JPEG" (past lofty's 16 MiB allocation limit) and a small broken one.
    let covers = [
        ("huge", {
            let mut data = vec![0xFF, 0xD8, 0xFF, 0xE0];
            data.resize(50 << 20, 0x5A);
            data
        }),
        ("broken", vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]),
    ];
    for (name, cover) in covers {
        let path = dir.path().join(format!("{name}.mp3"));
        let bytes = tagged_mp3(
            dir.path(),
            &format!("{name}.mp3"),
            &[("title", name), ("album", "Covers")],
        );
        std::fs::write(&path, &bytes).unwrap();
        let mut file = lofty::read_from_path(&path).unwrap();
        let tag = file.primary_tag_mut().unwrap();
        tag.push_picture(
            Picture::unchecked(cover)
                .pic_type(PictureType::CoverFront)
                .mime_type(MimeType::Jpeg)
                .build(),
        );
        tag.save_to_path(&path, WriteOptions::default()).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 1000);
        // Sent as-is, the upload limit (200 MB) takes it whole.
        let song = upload_file(&app, &owner.access, &bytes, &[]).await;
        assert_eq!(song["title"], name, "the tags are read");
        assert_eq!(song["album"]["title"], "Covers");
        assert_eq!(song["posterUrls"], Value::Null, "{name}: no poster");
    }
}

#[tokio::test]
async fn hostile_album_and_lyrics_requests_get_clear_refusals() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("owner").await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = tagged_mp3(dir.path(), "a.mp3", &[("title", "A"), ("album", "Target")]);
    let song = upload_file(&app, &owner.access, &bytes, &[]).await;
    let album = song["album"]["id"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/albums/{album}");
    let patch = |body: Value| {
        let app = &app;
        let uri = uri.clone();
        let token = owner.access.clone();
        async move {
            app.call(Method::PATCH, &uri, Some(&token), Some(body))
                .await
        }
    };
    patch(json!({"title": "a\u{0}b"}))
        .await
        .assert_problem(422, "validation_failed");
    patch(json!({"title": "x".repeat(201)}))
        .await
        .assert_problem(422, "validation_failed");
    patch(json!({"title": "   "}))
        .await
        .assert_problem(422, "validation_failed");
    patch(json!({"year": 20250}))
        .await
        .assert_problem(422, "validation_failed");
    patch(json!({"year": 1e300}))
        .await
        .assert_problem(422, "invalid_body");
    patch(json!({"owner": "me"}))
        .await
        .assert_problem(422, "invalid_body");
    app.get("/api/v1/albums/not-a-uuid")
        .await
        .assert_problem(400, "bad_request");
    app.get("/api/v1/albums?genre=a%00b")
        .await
        .assert_problem(422, "validation_failed");
    app.get("/api/v1/albums?cursor=forged")
        .await
        .assert_problem(400, "invalid_query");
    // Nothing changed.
    let read = app.get(&uri).await.json();
    assert_eq!(read["title"], "Target");
    assert_eq!(read["year"], Value::Null);

    let lyrics = format!("/api/v1/songs/{}/lyrics", song["id"].as_str().unwrap());
    let request = axum::http::Request::put(&lyrics)
        .header("authorization", format!("Bearer {}", owner.access))
        .body(axum::body::Body::from(vec![b'a'; 100 * 1024]))
        .unwrap();
    app.send(request)
        .await
        .assert_problem(413, "payload_too_large");
    let request = axum::http::Request::put(&lyrics)
        .header("authorization", format!("Bearer {}", owner.access))
        .body(axum::body::Body::from(vec![0xFF, 0xFE, 0x00]))
        .unwrap();
    app.send(request)
        .await
        .assert_problem(422, "validation_failed");
    app.get(&lyrics)
        .await
        .assert_problem(404, "lyrics_not_found");
}

/// An album the sort test made: id, lower-case title, year, plays, hours ago.
type Made = (uuid::Uuid, String, Option<i32>, i32, i32);

/// Every page of `/api/v1/albums?sort=…`, two at a time, as album ids.
async fn every_page(app: &TestApp, sort: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut uri = format!("/api/v1/albums?sort={sort}&limit=2");
    for _ in 0..20 {
        let page = app.get(&uri).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let page = page.json();
        for album in page["items"].as_array().unwrap() {
            ids.push(album["id"].as_str().unwrap().to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(cursor) => uri = format!("/api/v1/albums?sort={sort}&limit=2&cursor={cursor}"),
            None => return ids,
        }
    }
    panic!("sort={sort} still had pages after 20: {ids:?}");
}

#[tokio::test]
async fn every_album_sort_pages_through_each_album_once_in_order_ties_and_missing_years_included() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("owner").await;
    let dir = tempfile::tempdir().unwrap();
    // (title, year, plays, hours ago): ties on every sort key, and three albums without a year
    // so that a page ends inside them.
    let made = [
        ("Amber", Some(2001), 5, 1),
        ("beacon", Some(2001), 5, 1),
        ("Cinder", Some(1999), 9, 2),
        ("Delta", None, 0, 3),
        ("echo", None, 0, 3),
        ("Foxglove", None, 2, 4),
        ("Garnet", Some(2010), 0, 5),
    ];
    let mut albums = Vec::new();
    // One base time for every album, so that equal hours are equal times.
    let base = chrono::Utc::now();
    for (title, year, plays, hours_ago) in made {
        let bytes = tagged_mp3(
            dir.path(),
            &format!("{title}.mp3"),
            &[("title", title), ("album", title), ("album_artist", "Band")],
        );
        let song = upload_file(&app, &owner.access, &bytes, &[]).await;
        let id: uuid::Uuid = song["album"]["id"].as_str().unwrap().parse().unwrap();
        sqlx::query(
            "update albums set releaseyear = $2, playcount = $3,
                               createdat = $5 - make_interval(hours => $4)
              where albumid = $1",
        )
        .bind(id)
        .bind(year)
        .bind(plays as i64)
        .bind(hours_ago)
        .bind(base)
        .execute(&app.db.pool)
        .await
        .unwrap();
        albums.push((id, title.to_lowercase(), year, plays, hours_ago));
    }

    let order = |key: &dyn Fn(&Made) -> (i64, String)| {
        let mut sorted = albums.clone();
        sorted.sort_by(|a, b| key(a).cmp(&key(b)).then(b.0.cmp(&a.0)));
        sorted.iter().map(|a| a.0.to_string()).collect::<Vec<_>>()
    };
    // Most recent, most played and latest year first; ties by id, descending.
    let newest = order(&|a| (a.4 as i64, String::new()));
    let popular = order(&|a| (-(a.3 as i64), String::new()));
    let year = order(&|a| (a.2.map_or(i64::MAX, |y| -(y as i64)), String::new()));
    assert_eq!(every_page(&app, "newest").await, newest);
    assert_eq!(every_page(&app, "popular").await, popular);
    assert_eq!(every_page(&app, "year").await, year);
    // By title, A to Z whatever the case; the titles are unique.
    let mut by_title = albums.clone();
    by_title.sort_by(|a, b| a.1.cmp(&b.1));
    let by_title: Vec<String> = by_title.iter().map(|a| a.0.to_string()).collect();
    assert_eq!(every_page(&app, "title").await, by_title);
    // By artist: one artist for all, so by title within it.
    assert_eq!(every_page(&app, "artist").await, by_title);
}

#[tokio::test]
async fn the_artist_order_follows_album_artists_and_their_renames() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("owner").await;
    let dir = tempfile::tempdir().unwrap();
    let mut albums = Vec::new();
    for (title, artist) in [("Zed", "Aardvark"), ("Able", "Zulu")] {
        let bytes = tagged_mp3(
            dir.path(),
            &format!("{title}.mp3"),
            &[("title", title), ("album", title), ("album_artist", artist)],
        );
        let song = upload_file(&app, &owner.access, &bytes, &[]).await;
        albums.push(song["album"]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(every_page(&app, "artist").await, albums);
    // Renaming the first album's artist moves its album after the other.
    let album = app
        .get(&format!("/api/v1/albums/{}", albums[0]))
        .await
        .json();
    let artist = album["artists"][0]["artistId"].as_str().unwrap().to_owned();
    let renamed = app
        .call(
            Method::PATCH,
            &format!("/api/v1/artists/{artist}"),
            Some(&owner.access),
            Some(json!({"name": "Zzyzx"})),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    assert_eq!(
        every_page(&app, "artist").await,
        [albums[1].clone(), albums[0].clone()]
    );
}

#[tokio::test]
async fn a_common_genre_filters_albums_as_a_rare_one_does() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("owner").await;
    let hit = uploaded_song_with(
        &app,
        &owner.access,
        "Hit",
        &[("album", "Hits"), ("genre", "Pop")],
    )
    .await;
    let miss = uploaded_song_with(
        &app,
        &owner.access,
        "Miss",
        &[("album", "Misses"), ("genre", "Jazz")],
    )
    .await;
    // Five thousand more songs of Pop, on no album, make it a common genre (the list then
    // checks albums one by one rather than gathering the genre's albums first).
    sqlx::raw_sql(
        "insert into songs (songid, title, fileurl, filepublicid, ownerid, category)
         select gen_random_uuid(), 'Filler ' || n, 'f', 'k', s.ownerid, 'Music'
           from generate_series(1, 5000) n, (select ownerid from songs limit 1) s;
         insert into songgenres (songid, genreid)
         select s.songid, g.genreid from songs s, genres g
          where s.title like 'Filler %' and g.matchkey = 'pop'",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    for (genre, album) in [("pop", &hit), ("JAZZ", &miss)] {
        let page = app.get(&format!("/api/v1/albums?genre={genre}")).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let ids: Vec<String> = page.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids, [album["album"]["id"].as_str().unwrap()], "{genre}");
    }
}
