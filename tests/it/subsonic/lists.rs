//! Lists, browsing details and media choices through /rest, in-process: every album list
//! type, random songs, songs of a genre paged by offset, top and similar songs, artist and
//! album info, folders, the scan status, the user, and which rendition `stream` picks.

use serde_json::Value;

use super::{app_password, error_code, rest};
use crate::support::TestApp;
use crate::support::audio::encoded;
use crate::support::songs::{Part, upload, uploaded_song_with};

/// Uploads an MP3 whose tags credit `artist`, with `fields` as form parts; answers the song.
async fn by_artist(
    app: &TestApp,
    token: &str,
    title: &str,
    artist: &str,
    fields: &[(&str, &str)],
) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let tag = format!("artist={artist}");
    let bytes = encoded(
        dir.path(),
        "song.mp3",
        1,
        Some(title),
        &["-c:a", "libmp3lame", "-metadata", &tag],
    );
    let mut parts: Vec<Part<'_>> = fields
        .iter()
        .map(|(name, value)| Part::Text(name, value))
        .collect();
    parts.push(Part::File("file", "song.mp3", &bytes));
    let response = upload(app, token, &parts).await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn album_lists_random_songs_genres_and_artist_pages_answer_what_they_name() {
    let app = TestApp::new().await;
    let (email, owner) = app.verified_user("owner").await;
    let password = app_password(&app, &owner.access).await;
    let call = |method: &'static str, query: String| {
        let (app, email, password) = (&app, email.clone(), password.clone());
        async move { rest(app, &email, &password, method, &query).await }
    };
    // Three albums by one artist in different years and genres, and a single.
    let mut albums = Vec::new();
    for (title, year, genre) in [
        ("Early", "1999", "Jazz"),
        ("Middle", "2005", "Jazz"),
        ("Late", "2020", "Rock"),
    ] {
        let song = by_artist(
            &app,
            &owner.access,
            &format!("{title} song"),
            "Quartet",
            &[
                ("album", title),
                ("albumArtist", "Quartet"),
                ("year", year),
                ("genre", genre),
            ],
        )
        .await;
        assert_eq!(song["album"]["title"], title, "{song}");
        albums.push(format!("al-{}", song["album"]["id"].as_str().unwrap()));
    }
    let single = by_artist(
        &app,
        &owner.access,
        "Alone",
        "Soloist",
        &[("genre", "Jazz")],
    )
    .await;
    let single = format!("so-{}", single["id"].as_str().unwrap());

    let list = |kind: &'static str, extra: &'static str| {
        let call = &call;
        async move {
            let answer = call("getAlbumList2", format!("type={kind}&size=10{extra}")).await;
            assert_eq!(answer["status"], "ok", "{kind}: {answer}");
            ids(&answer["albumList2"]["album"])
        }
    };
    let (early, middle, late) = (albums[0].clone(), albums[1].clone(), albums[2].clone());
    assert_eq!(
        list("newest", "").await,
        [late.clone(), middle.clone(), early.clone()]
    );
    assert_eq!(
        list("alphabeticalByName", "").await,
        [early.clone(), late.clone(), middle.clone()]
    );
    assert_eq!(
        list("byYear", "&fromYear=2000&toYear=2030").await,
        [late.clone(), middle.clone()]
    );
    assert_eq!(
        list("byGenre", "&genre=jazz").await,
        [early.clone(), middle.clone()]
    );
    let mut random = list("random", "").await;
    random.sort();
    let mut all = albums.clone();
    all.sort();
    assert_eq!(random, all);
    // Offsets page the same order.
    assert_eq!(
        list("newest", "&offset=1").await,
        [middle.clone(), early.clone()]
    );
    assert_eq!(list("newest", "&offset=3").await, Vec::<String>::new());
    // The caller's own: starred, rated highest, played recently.
    assert_eq!(list("starred", "").await, Vec::<String>::new());
    call("star", format!("albumId={middle}")).await;
    assert_eq!(list("starred", "").await, std::slice::from_ref(&middle));
    call("setRating", format!("id={early}&rating=5")).await;
    call("setRating", format!("id={late}&rating=3")).await;
    assert_eq!(list("highest", "").await, [early.clone(), late.clone()]);
    let late_song = call("getAlbum", format!("id={late}")).await["album"]["song"][0]["id"].clone();
    call("scrobble", format!("id={}", late_song.as_str().unwrap())).await;
    assert_eq!(list("recent", "").await, std::slice::from_ref(&late));
    assert_eq!(
        error_code(&call("getAlbumList2", "type=sideways".into()).await),
        0
    );
    assert_eq!(
        error_code(&call("getAlbumList2", "type=byYear".into()).await),
        10
    );
    // getAlbumList answers the same albums as folders.
    let folders = call("getAlbumList", "type=newest".into()).await;
    assert_eq!(folders["albumList"]["album"][0]["isDir"], true);
    assert_eq!(folders["albumList"]["album"][0]["title"], "Late");

    // Random songs and songs of a genre, paged.
    let random = call("getRandomSongs", "size=50".into()).await;
    assert_eq!(random["randomSongs"]["song"].as_array().unwrap().len(), 4);
    let jazz = call("getRandomSongs", "size=50&genre=Jazz".into()).await;
    assert_eq!(jazz["randomSongs"]["song"].as_array().unwrap().len(), 3);
    let old = call("getRandomSongs", "size=50&fromYear=1990&toYear=2000".into()).await;
    assert_eq!(old["randomSongs"]["song"][0]["title"], "Early song");
    // A jump to an offset nobody reached (walked to without reading the rows before it),
    // then the same list page by page.
    let jumped = call("getSongsByGenre", "genre=Jazz&count=1&offset=2".into()).await;
    let jumped = ids(&jumped["songsByGenre"]["song"]);
    let mut paged = Vec::new();
    for offset in 0..4 {
        let page = call(
            "getSongsByGenre",
            format!("genre=Jazz&count=1&offset={offset}"),
        )
        .await;
        paged.extend(ids(&page["songsByGenre"]["song"]));
    }
    assert_eq!(paged.len(), 3);
    assert!(paged.contains(&single));
    assert_eq!(jumped, [paged[2].clone()]);

    // The artist: albums and the single, top songs, similar songs, info; folders.
    let artists = call("getArtists", String::new()).await;
    let artist = artists["artists"]["index"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|index| index["artist"].as_array().unwrap().clone())
        .find(|artist| artist["name"] == "Quartet")
        .unwrap_or_else(|| panic!("Quartet in {artists}"));
    let artist_id = artist["id"].as_str().unwrap().to_owned();
    let page = call("getArtist", format!("id={artist_id}")).await;
    assert_eq!(page["artist"]["albumCount"], 3);
    let top = call("getTopSongs", "artist=quartet&count=10".into()).await;
    assert_eq!(top["topSongs"]["song"][0]["title"], "Late song");
    assert_eq!(top["topSongs"]["song"].as_array().unwrap().len(), 3);
    let similar = call(
        "getSimilarSongs2",
        format!("id={}", late_song.as_str().unwrap()),
    )
    .await;
    let similar = ids(&similar["similarSongs2"]["song"]);
    assert_eq!(similar.len(), 2, "the artist's other songs");
    assert!(!similar.contains(&late_song.as_str().unwrap().to_owned()));
    // Similar artists from Ampli's own data: the Soloist shares the Jazz genre.
    let info = call("getArtistInfo2", format!("id={artist_id}")).await;
    assert_eq!(
        info["artistInfo2"]["similarArtist"][0]["name"], "Soloist",
        "{info}"
    );
    let info = call("getAlbumInfo2", format!("id={early}")).await;
    assert_eq!(info["status"], "ok", "{info}");
    let index = call("getIndexes", String::new()).await;
    let letters: Vec<&str> = index["indexes"]["index"]
        .as_array()
        .unwrap()
        .iter()
        .map(|index| index["name"].as_str().unwrap())
        .collect();
    assert_eq!(letters, ["Q", "S"]);
    let folder = call("getMusicDirectory", format!("id={artist_id}")).await;
    assert_eq!(folder["directory"]["child"].as_array().unwrap().len(), 3);
    assert_eq!(folder["directory"]["child"][0]["isDir"], true);

    // No library scan: nothing scanning, the song count.
    for method in ["getScanStatus", "startScan"] {
        let scan = call(method, String::new()).await;
        assert_eq!(scan["scanStatus"]["scanning"], false);
        assert_eq!(scan["scanStatus"]["count"], 4);
    }
    let user = call("getUser", format!("username={email}")).await;
    assert_eq!(user["user"]["username"], email.as_str());
    assert_eq!(user["user"]["streamRole"], true);
    // No avatar yet: not found, as a Subsonic error.
    assert_eq!(
        error_code(&call("getAvatar", format!("username={email}")).await),
        70
    );
}

#[tokio::test]
async fn stream_picks_the_rendition_format_and_max_bit_rate_ask_for() {
    let app = TestApp::new().await;
    let (email, owner) = app.verified_user("owner").await;
    let password = app_password(&app, &owner.access).await;
    let song = uploaded_song_with(&app, &owner.access, "Tone", &[]).await;
    let id = song["id"].as_str().unwrap();
    // Make the ladder now rather than waiting for the background job.
    let transcoder = app
        .state
        .catalog
        .transcoder(app.state.metrics.clone())
        .expect("ffmpeg is installed for the tests");
    while transcoder.run_one().await.unwrap() {}
    let auth = format!(
        "u={}&p={password}&v=1.16.1&c=test",
        super::urlencode(&email)
    );
    let stream = |query: String| {
        let app = &app;
        let uri = format!("/rest/stream?{auth}&id=so-{id}&{query}");
        async move { app.get(&uri).await }
    };
    let original = stream(String::new()).await;
    assert_eq!(original.status, 200);
    assert_eq!(original.header("content-type"), Some("audio/wav"));
    for (query, content_type) in [
        ("format=raw", "audio/wav"),
        ("format=mp3", "audio/mpeg"),
        ("format=opus&maxBitRate=64", "audio/ogg"),
        // The 2-second WAV is 128 kbit/s: a lower cap needs a rendition.
        ("maxBitRate=112", "audio/ogg"),
        ("maxBitRate=320", "audio/wav"),
    ] {
        let answer = stream(query.to_owned()).await;
        assert_eq!(answer.status, 200, "{query}");
        assert_eq!(answer.header("content-type"), Some(content_type), "{query}");
    }
    let small = stream("maxBitRate=48".to_owned()).await;
    let medium = stream("maxBitRate=96".to_owned()).await;
    assert!(
        small.body.len() < medium.body.len(),
        "48 kbit/s is the smaller rendition"
    );
    // A range of the original.
    let request = axum::http::Request::get(format!("/rest/download?{auth}&id=so-{id}"))
        .header("range", "bytes=0-9")
        .body(axum::body::Body::empty())
        .unwrap();
    let ranged = app.send(request).await;
    assert_eq!(ranged.status, 206);
    assert_eq!(ranged.body.len(), 10);
}

#[tokio::test]
async fn cover_art_of_a_song_or_album_with_no_picture_is_generated() {
    let app = TestApp::new().await;
    let (email, owner) = app.verified_user("painter").await;
    let password = app_password(&app, &owner.access).await;
    let single = uploaded_song_with(&app, &owner.access, "Bare", &[]).await;
    let track = uploaded_song_with(&app, &owner.access, "Dawn", &[("album", "Plain Sleeve")]).await;
    let auth = format!(
        "u={}&p={password}&v=1.16.1&c=test",
        super::urlencode(&email)
    );
    let ids = [
        format!("so-{}", single["id"].as_str().unwrap()),
        format!("al-{}", track["album"]["id"].as_str().unwrap()),
    ];
    for id in ids {
        for (size, side) in [("&size=100", 128), ("", 512)] {
            let art = app
                .get(&format!("/rest/getCoverArt?{auth}&id={id}{size}"))
                .await;
            assert_eq!(art.status, 200, "{id}");
            assert_eq!(art.header("content-type"), Some("image/png"), "{id}");
            let picture = image::load_from_memory(&art.body).expect("a picture");
            assert_eq!(picture.width(), side, "{id}{size}");
        }
    }
}
