//! Who sees what through /rest: exactly what /api/v1 shows. A private playlist does not exist
//! for anyone but its owner through any method that takes its id, and what a listener keeps
//! (stars, ratings, queue, bookmarks) is theirs alone.

use axum::http::Method;
use serde_json::json;

use super::{app_password, error_code, rest};
use crate::support::TestApp;
use crate::support::songs::uploaded_song_with;

#[tokio::test]
async fn private_playlists_and_other_listeners_state_stay_invisible_through_every_method() {
    let app = TestApp::new().await;
    let (owner_email, owner) = app.verified_user("owner").await;
    let (other_email, other) = app.verified_user("other").await;
    let owner_password = app_password(&app, &owner.access).await;
    let other_password = app_password(&app, &other.access).await;
    let song =
        uploaded_song_with(&app, &owner.access, "Hidden track", &[("album", "Cellar")]).await;
    let song_id = format!("so-{}", song["id"].as_str().unwrap());
    let album_id = format!("al-{}", song["album"]["id"].as_str().unwrap());

    let made = app
        .call(
            Method::POST,
            "/api/v1/playlists",
            Some(&owner.access),
            Some(json!({"title": "Diary", "visibility": "private"})),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    let private = format!("pl-{}", made.json()["id"].as_str().unwrap());
    let as_owner = |method: &'static str, query: String| {
        let (app, email, password) = (&app, owner_email.clone(), owner_password.clone());
        async move { rest(app, &email, &password, method, &query).await }
    };
    let as_other = |method: &'static str, query: String| {
        let (app, email, password) = (&app, other_email.clone(), other_password.clone());
        async move { rest(app, &email, &password, method, &query).await }
    };
    assert_eq!(
        as_owner(
            "updatePlaylist",
            format!("playlistId={private}&songIdToAdd={song_id}")
        )
        .await["status"],
        "ok"
    );
    assert_eq!(
        as_owner("getPlaylist", format!("id={private}")).await["playlist"]["songCount"],
        1
    );

    // Every method that takes a playlist's id answers "not found" to anyone else.
    for (method, query) in [
        ("getPlaylist", format!("id={private}")),
        ("updatePlaylist", format!("playlistId={private}&name=Mine")),
        (
            "updatePlaylist",
            format!("playlistId={private}&songIndexToRemove=0"),
        ),
        (
            "createPlaylist",
            format!("playlistId={private}&songId={song_id}"),
        ),
        ("deletePlaylist", format!("id={private}")),
        ("getCoverArt", format!("id={private}")),
    ] {
        assert_eq!(
            error_code(&as_other(method, query.clone()).await),
            70,
            "{method} {query}"
        );
    }
    let listed = as_other("getPlaylists", String::new()).await;
    assert!(!listed.to_string().contains(&private), "{listed}");
    assert_eq!(
        error_code(&as_other("getPlaylists", format!("username={owner_email}")).await),
        50
    );
    // Nothing changed.
    let still = as_owner("getPlaylist", format!("id={private}")).await;
    assert_eq!(still["playlist"]["name"], "Diary");
    assert_eq!(still["playlist"]["songCount"], 1);

    // Stars, ratings, the queue and bookmarks are each listener's own.
    assert_eq!(
        as_owner("star", format!("id={song_id}&albumId={album_id}")).await["status"],
        "ok"
    );
    assert_eq!(
        as_owner("setRating", format!("id={song_id}&rating=5")).await["status"],
        "ok"
    );
    assert_eq!(
        as_owner(
            "savePlayQueue",
            format!("id={song_id}&current={song_id}&position=10")
        )
        .await["status"],
        "ok"
    );
    assert_eq!(
        as_owner("createBookmark", format!("id={song_id}&position=1000")).await["status"],
        "ok"
    );
    let theirs = as_other("getStarred2", String::new()).await;
    assert_eq!(
        theirs["starred2"],
        json!({"artist": [], "album": [], "song": []})
    );
    let seen = as_other("getSong", format!("id={song_id}")).await;
    assert!(
        seen["song"].get("userRating").is_none() && seen["song"].get("starred").is_none(),
        "{seen}"
    );
    assert!(
        as_other("getPlayQueue", String::new())
            .await
            .get("playQueue")
            .is_none()
    );
    assert_eq!(
        as_other("getBookmarks", String::new()).await["bookmarks"]["bookmark"],
        json!([])
    );
    assert_eq!(
        error_code(&as_other("getUser", format!("username={owner_email}")).await),
        50
    );

    // Shares: only their owner lists, changes or deletes them; no one shares a private
    // playlist but its owner.
    let share = as_owner("createShare", format!("id={private}")).await;
    let share_id = share["shares"]["share"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        error_code(&as_other("createShare", format!("id={private}")).await),
        70
    );
    assert_eq!(
        error_code(&as_other("updateShare", format!("id={share_id}&description=x")).await),
        70
    );
    assert_eq!(
        error_code(&as_other("deleteShare", format!("id={share_id}")).await),
        70
    );
    assert_eq!(
        as_other("getShares", String::new()).await["shares"]["share"],
        json!([])
    );
    assert_eq!(
        as_owner("getShares", String::new()).await["shares"]["share"][0]["id"],
        share_id.as_str()
    );

    // Ids of no object, or of the wrong kind, are "not found", never a server error.
    for (method, query) in [
        (
            "getSong",
            "id=al-00000000-0000-0000-0000-000000000000".to_owned(),
        ),
        (
            "getSong",
            "id=so-00000000-0000-0000-0000-000000000000".to_owned(),
        ),
        (
            "getAlbum",
            "id=so-00000000-0000-0000-0000-000000000000".to_owned(),
        ),
        (
            "getAlbum",
            format!("id=sg-{}", song["id"].as_str().unwrap()),
        ),
        ("getArtist", "id=nonsense".to_owned()),
        (
            "star",
            "albumId=al-00000000-0000-0000-0000-000000000000".to_owned(),
        ),
        (
            "setRating",
            "id=ar-00000000-0000-0000-0000-000000000000&rating=3".to_owned(),
        ),
        (
            "stream",
            "id=so-00000000-0000-0000-0000-000000000000".to_owned(),
        ),
        (
            "getLyricsBySongId",
            "id=pl-00000000-0000-0000-0000-000000000000".to_owned(),
        ),
    ] {
        assert_eq!(
            error_code(&as_other(method, query.clone()).await),
            70,
            "{method} {query}"
        );
    }
}
