use axum::http::Method;
use serde_json::json;

use crate::support::TestApp;
use crate::support::accounts::PASSWORD;
use crate::support::audio::{encoded, wav};
use crate::support::images::{picture, png_claiming};
use crate::support::songs::{Part, song_count, upload, uploaded_song};

#[tokio::test]
async fn an_unverified_user_cannot_upload() {
    let app = TestApp::new().await;
    app.register("Unverified", "unv@example.test", PASSWORD)
        .await;
    let tokens = app.login("unv@example.test", PASSWORD).await;
    let response = upload(
        &app,
        &tokens.access,
        &[
            Part::Text("title", "x"),
            Part::File("file", "a.wav", &wav(1)),
        ],
    )
    .await;
    response.assert_problem(403, "email_not_verified");
    assert_eq!(song_count(&app).await, 0);
    // Listening needs no verified address.
    assert_eq!(app.get("/api/v1/songs").await.status, 200);
}

#[tokio::test]
async fn an_upload_with_metadata_and_credits_becomes_a_song() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("ann").await;
    let artist = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&me.access),
            Some(json!({"name": "The Testers"})),
        )
        .await
        .json();
    let guest = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&me.access),
            Some(json!({"name": "Guest Voice"})),
        )
        .await
        .json();
    let credits = json!([{"artistId": artist["id"], "role": "Primary"}, {"artistId": guest["id"], "role": "featured"}]).to_string();
    let response = upload(
        &app,
        &me.access,
        &[
            Part::File("file", "../../etc/passwd", &wav(3)),
            Part::Text("title", "  Morning Tone  "),
            Part::Text("about", "A sine wave at dawn."),
            Part::Text("category", "music"),
            Part::Text("artists", &credits),
        ],
    )
    .await;
    assert_eq!(response.status, 201, "{}", response.text());
    let song = response.json();
    assert_eq!(song["title"], "Morning Tone");
    assert_eq!(song["category"], "Music");
    assert_eq!(song["duration"], 3);
    assert_eq!(song["format"], "wav");
    assert_eq!(song["owner"]["id"], me.user_id.as_str());
    assert_eq!(song["artists"][0]["name"], "The Testers");
    assert_eq!(song["artists"][0]["role"], "Primary");
    assert_eq!(song["artists"][1]["role"], "Featured");
    let id = song["id"].as_str().unwrap();
    assert_eq!(song["fileUrl"], format!("/api/v1/songs/{id}/stream"));
    let key: String = sqlx::query_scalar("select filepublicid from songs")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        key,
        format!("songs/{id}/original.wav"),
        "keys come from ids, never file names"
    );
    assert_eq!(app.get(&format!("/api/v1/songs/{id}")).await.json(), song);
    let by_artist = app
        .get(&format!(
            "/api/v1/artists/{}/songs",
            artist["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(by_artist.json()[0]["id"], id);
}

#[tokio::test]
async fn every_accepted_format_is_recognised_by_its_content() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("bea").await;
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str], &str); 5] = [
        ("a.mp3", &["-c:a", "libmp3lame", "-f", "mp3"], "mp3"),
        ("a.flac", &["-c:a", "flac", "-f", "flac"], "flac"),
        ("a.ogg", &["-c:a", "libvorbis", "-f", "ogg"], "ogg-vorbis"),
        ("a.opus", &["-c:a", "libopus", "-f", "ogg"], "ogg-opus"),
        ("a.m4a", &["-c:a", "aac", "-f", "ipod"], "m4a"),
    ];
    for (name, args, format) in cases {
        let bytes = encoded(dir.path(), name, 2, Some(&format!("Tagged {format}")), args);
        // Named as something else entirely: only the content counts.
        let response = upload(&app, &me.access, &[Part::File("file", "song.txt", &bytes)]).await;
        assert_eq!(response.status, 201, "{format}: {}", response.text());
        let song = response.json();
        assert_eq!(song["format"], format);
        assert_eq!(
            song["title"],
            format!("Tagged {format}"),
            "the title comes from the tags"
        );
        assert_eq!(song["duration"], 2, "{format}");
    }
}

#[tokio::test]
async fn bad_uploads_get_a_stable_code_and_leave_no_row_and_no_file() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("cal").await;
    let mut truncated = wav(2);
    truncated.truncate(30);
    let elf = [b"\x7fELF\x02\x01\x01\x00".as_slice(), &[0u8; 200]].concat();
    let long_title = "t".repeat(100 * 1024);
    let missing_artist = json!([{"artistId": uuid::Uuid::new_v4()}]).to_string();
    let tone = wav(1);
    let cases: Vec<(Vec<Part>, u16, &str)> = vec![
        (
            vec![
                Part::Text("title", "x"),
                Part::File("file", "empty.mp3", b""),
            ],
            422,
            "invalid_audio",
        ),
        (
            vec![
                Part::Text("title", "x"),
                Part::File(
                    "file",
                    "page.mp3",
                    b"<!doctype html><html><body>hi</body></html>",
                ),
            ],
            415,
            "unsupported_audio",
        ),
        (
            vec![
                Part::Text("title", "x"),
                Part::File("file", "tool.mp3", &elf),
            ],
            415,
            "unsupported_audio",
        ),
        (
            vec![
                Part::Text("title", "x"),
                Part::File("file", "cut.wav", &truncated),
            ],
            422,
            "invalid_audio",
        ),
        (
            vec![
                Part::Text("title", &long_title),
                Part::File("file", "a.wav", &tone),
            ],
            422,
            "validation_failed",
        ),
        (
            vec![
                Part::Text("title", "x"),
                Part::Text("category", "Polka"),
                Part::File("file", "a.wav", &tone),
            ],
            422,
            "validation_failed",
        ),
        (
            vec![
                Part::Text("title", "x"),
                Part::Text("artists", &missing_artist),
                Part::File("file", "a.wav", &tone),
            ],
            422,
            "artist_not_found",
        ),
        (
            vec![
                Part::Text("title", "x"),
                Part::Text("artists", "not json"),
                Part::File("file", "a.wav", &tone),
            ],
            422,
            "validation_failed",
        ),
        (vec![Part::Text("title", "no file")], 422, "missing_file"),
        (
            vec![
                Part::Text("colour", "blue"),
                Part::File("file", "a.wav", &tone),
            ],
            400,
            "malformed_upload",
        ),
    ];
    for (parts, status, code) in cases {
        upload(&app, &me.access, &parts)
            .await
            .assert_problem(status, code);
    }
    let bomb = png_claiming(picture(1, 1, image::ImageFormat::Png), 30_000);
    upload(
        &app,
        &me.access,
        &[
            Part::Text("title", "x"),
            Part::File("file", "a.wav", &tone),
            Part::File("poster", "p.png", &bomb),
        ],
    )
    .await
    .assert_problem(413, "image_too_large");
    assert_eq!(song_count(&app).await, 0);
    assert!(app.media_files().is_empty(), "{:?}", app.media_files());
    let leftovers = std::fs::read_dir(app.data_dir.path().join("tmp"))
        .unwrap()
        .count();
    assert_eq!(leftovers, 0, "no temporary upload is left behind");
}

#[tokio::test]
async fn a_poster_is_re_encoded_and_deleting_the_song_deletes_its_files() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("dee").await;
    let poster = picture(400, 300, image::ImageFormat::Png);
    let response = upload(
        &app,
        &me.access,
        &[
            Part::Text("title", "With art"),
            Part::File("file", "a.wav", &wav(1)),
            Part::File("poster", "p.png", &poster),
        ],
    )
    .await;
    assert_eq!(response.status, 201, "{}", response.text());
    let song = response.json();
    let large = app.get(song["posterUrls"]["large"].as_str().unwrap()).await;
    assert_eq!(large.header("content-type"), Some("image/jpeg"));
    assert_eq!(image::load_from_memory(&large.body).unwrap().width(), 512);
    assert_eq!(app.media_files().len(), 3, "original and two poster sizes");

    let (_, stranger) = app.verified_user("eve").await;
    let id = song["id"].as_str().unwrap();
    app.call(
        Method::DELETE,
        &format!("/api/v1/songs/{id}"),
        Some(&stranger.access),
        None,
    )
    .await
    .assert_problem(403, "not_owner");
    let deleted = app
        .call(
            Method::DELETE,
            &format!("/api/v1/songs/{id}"),
            Some(&me.access),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert!(app.media_files().is_empty());
    app.get(&format!("/api/v1/songs/{id}"))
        .await
        .assert_problem(404, "song_not_found");
}

#[tokio::test]
async fn owners_edit_songs_and_lists_page_by_filter_and_sort() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("fin").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            uploaded_song(&app, &me.access, &format!("Song {i}")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let edited = app
        .call(
            Method::PATCH,
            &format!("/api/v1/songs/{}", ids[0]),
            Some(&me.access),
            Some(json!({"title": "Renamed", "category": "Tech"})),
        )
        .await;
    assert_eq!(edited.json()["title"], "Renamed");
    let first = app.get("/api/v1/songs?limit=2").await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["items"][0]["id"], ids[4].as_str(), "newest first");
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = app
        .get(&format!("/api/v1/songs?limit=2&cursor={cursor}"))
        .await
        .json();
    assert_eq!(second["items"][0]["id"], ids[2].as_str());
    let tech = app.get("/api/v1/songs?category=tech").await.json();
    assert_eq!(tech["items"].as_array().unwrap().len(), 1);
    app.get("/api/v1/songs?sort=loudest")
        .await
        .assert_problem(400, "invalid_query");
    app.get("/api/v1/songs?cursor=garbage")
        .await
        .assert_problem(400, "invalid_query");
    let categories = app.get("/api/v1/categories").await.json();
    assert_eq!(categories.as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn the_orphan_sweep_removes_only_old_unreferenced_files() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("ole").await;
    let song = uploaded_song(&app, &me.access, "Kept").await;
    let media = app.data_dir.path().join("media");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    let make = |key: &str, age: std::time::SystemTime| {
        let path = media.join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"left by a crash").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(age)
            .unwrap();
        path
    };
    let orphan = make(&format!("songs/{}/original.mp3", uuid::Uuid::new_v4()), old);
    let stale_avatar = make(
        &format!("avatars/{}/{}/64.jpg", me.user_id, uuid::Uuid::new_v4()),
        old,
    );
    let in_flight = make(
        &format!("songs/{}/original.wav", uuid::Uuid::new_v4()),
        std::time::SystemTime::now(),
    );
    let kept_path = media.join(format!(
        "songs/{}/original.wav",
        song["id"].as_str().unwrap()
    ));
    std::fs::File::options()
        .write(true)
        .open(&kept_path)
        .unwrap()
        .set_modified(old)
        .unwrap();

    let swept = app
        .state
        .storage
        .sweep_orphans(&app.db.pool, ampli::storage::orphans::GRACE)
        .await
        .unwrap();
    assert_eq!(swept, 2);
    assert!(!orphan.exists() && !stale_avatar.exists());
    assert!(in_flight.exists(), "younger than the grace period");
    assert!(kept_path.exists(), "a row points at it");
}

#[tokio::test]
async fn ampli_demo_fills_an_empty_instance_once() {
    let db = crate::support::TestDb::migrated().await;
    let data = tempfile::tempdir().unwrap();
    let run = || {
        crate::support::process::ampli()
            .arg("demo")
            .env("DATABASE_URL", db.url())
            .env("AMPLI_DATA_DIR", data.path())
            .env("AMPLI_LOG", "warn")
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(out.contains("ada@demo.ampli.test"), "{out}");
    let (songs, users, credited): (i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from songs), (select count(*) from users where verified),
                (select count(distinct songid) from artistsongs)",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((songs, users, credited), (8, 3, 8));
    let stored = std::fs::read_dir(data.path().join("media/songs"))
        .unwrap()
        .count();
    assert_eq!(stored, 8, "every song's file is in the store");
    // Albums with covers and numbered tracks, a song with synced lyrics, and the discovery
    // lists built, so that the home page is not empty.
    let (albums, with_cover, numbered, synced, listed): (i64, i64, i64, i64, i64) =
        sqlx::query_as(
            "select (select count(*) from albums),
                    (select count(*) from albums where posterpublicid is not null),
                    (select count(*) from songs where albumid is not null and tracknumber is not null),
                    (select count(*) from songlyrics where synced),
                    (select count(*) from autogeneratedplaylistitems)",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!((albums, with_cover, numbered, synced), (3, 3, 6, 1));
    assert!(listed > 0, "the discovery lists are built");
    assert_eq!(
        std::fs::read_dir(data.path().join("media/albums"))
            .unwrap()
            .count(),
        3,
        "every album's cover is in the store"
    );
    let second = run();
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already has 8 songs"));
}

#[tokio::test]
async fn embedded_cover_art_becomes_the_poster_and_posters_can_be_replaced() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("pia").await;
    let dir = tempfile::tempdir().unwrap();
    let cover = dir.path().join("cover.png");
    std::fs::write(&cover, picture(300, 300, image::ImageFormat::Png)).unwrap();
    let cover_arg = cover.to_string_lossy().into_owned();
    let mp3 = encoded(
        dir.path(),
        "covered.mp3",
        2,
        Some("Covered"),
        &[
            "-i",
            &cover_arg,
            "-map",
            "0:a",
            "-map",
            "1:v",
            "-c:a",
            "libmp3lame",
            "-c:v",
            "png",
            "-id3v2_version",
            "3",
            "-disposition:v",
            "attached_pic",
            "-f",
            "mp3",
        ],
    );
    let song = upload(&app, &me.access, &[Part::File("file", "x.bin", &mp3)]).await;
    assert_eq!(song.status, 201, "{}", song.text());
    let song = song.json();
    assert_eq!(song["title"], "Covered");
    let first_poster = song["posterUrls"]["small"]
        .as_str()
        .expect("the embedded art is the poster")
        .to_owned();
    let small = app.get(&first_poster).await;
    assert_eq!(image::load_from_memory(&small.body).unwrap().width(), 128);

    let id = song["id"].as_str().unwrap();
    let request = axum::http::Request::put(format!("/api/v1/songs/{id}/poster"))
        .header("authorization", format!("Bearer {}", me.access))
        .body(axum::body::Body::from(picture(
            200,
            100,
            image::ImageFormat::Jpeg,
        )))
        .unwrap();
    let replaced = app.send(request).await;
    assert_eq!(replaced.status, 200, "{}", replaced.text());
    assert_ne!(
        replaced.json()["posterUrls"]["small"],
        first_poster.as_str()
    );
    app.get(&first_poster)
        .await
        .assert_problem(404, "media_not_found");
    assert_eq!(
        app.media_files().len(),
        3,
        "the original and the new poster's two sizes"
    );
}

#[tokio::test]
async fn an_upload_aborted_midway_leaves_nothing_behind() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("rex").await;
    let boundary = "aborted-boundary";
    let mut head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\n"
    )
    .into_bytes();
    head.extend_from_slice(&wav(3)[..20_000]);
    // The client goes away after 20 kB of audio.
    let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> = vec![
        Ok(head.into()),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "client went away",
        )),
    ];
    let request = axum::http::Request::post("/api/v1/songs")
        .header("authorization", format!("Bearer {}", me.access))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from_stream(futures_util::stream::iter(
            chunks,
        )))
        .unwrap();
    let response = app.send(request).await;
    assert!(response.status.is_client_error(), "{}", response.text());
    assert_eq!(song_count(&app).await, 0);
    assert!(app.media_files().is_empty());
    assert_eq!(
        std::fs::read_dir(app.data_dir.path().join("tmp"))
            .unwrap()
            .count(),
        0
    );
}
