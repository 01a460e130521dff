use axum::http::Method;
use serde_json::json;

use crate::support::TestApp;
use crate::support::songs::uploaded_song;

#[tokio::test]
async fn likes_and_favourites_are_idempotent_and_shown_on_songs() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("fay").await;
    let (_, fan) = app.verified_user("gus").await;
    let song = uploaded_song(&app, &me.access, "Loved").await;
    let id = song["id"].as_str().unwrap();
    for _ in 0..2 {
        assert_eq!(
            app.call(
                Method::PUT,
                &format!("/api/v1/songs/{id}/like"),
                Some(&fan.access),
                None
            )
            .await
            .status,
            204
        );
    }
    app.call(
        Method::PUT,
        &format!("/api/v1/songs/{id}/like"),
        Some(&me.access),
        None,
    )
    .await;
    app.call(
        Method::PUT,
        &format!("/api/v1/songs/{id}/favorite"),
        Some(&fan.access),
        None,
    )
    .await;
    let seen = app
        .call(
            Method::GET,
            &format!("/api/v1/songs/{id}"),
            Some(&fan.access),
            None,
        )
        .await
        .json();
    assert_eq!(seen["likeCount"], 2, "two people, one like each");
    assert_eq!(
        seen["viewer"],
        json!({"liked": true, "favorited": true, "resumeAt": null})
    );
    let anonymous = app.get(&format!("/api/v1/songs/{id}")).await.json();
    assert!(anonymous.get("viewer").is_none());
    assert_eq!(anonymous["likeCount"], 2);

    let likes = app
        .call(Method::GET, "/api/v1/me/likes", Some(&fan.access), None)
        .await
        .json();
    assert_eq!(likes["items"][0]["song"]["id"], id);
    let favorites = app
        .call(Method::GET, "/api/v1/me/favorites", Some(&fan.access), None)
        .await
        .json();
    assert_eq!(favorites["items"].as_array().unwrap().len(), 1);
    for _ in 0..2 {
        assert_eq!(
            app.call(
                Method::DELETE,
                &format!("/api/v1/songs/{id}/favorite"),
                Some(&fan.access),
                None
            )
            .await
            .status,
            204
        );
    }
    let after = app
        .call(
            Method::GET,
            &format!("/api/v1/songs/{id}"),
            Some(&fan.access),
            None,
        )
        .await
        .json();
    assert_eq!(after["viewer"]["favorited"], false);
    assert_eq!(
        after["viewer"]["liked"], true,
        "likes and favourites are different things"
    );
    app.call(
        Method::PUT,
        &format!("/api/v1/songs/{}/like", uuid::Uuid::new_v4()),
        Some(&fan.access),
        None,
    )
    .await
    .assert_problem(404, "song_not_found");
    app.call(
        Method::GET,
        "/api/v1/me/likes?cursor=forged",
        Some(&fan.access),
        None,
    )
    .await
    .assert_problem(400, "invalid_query");
}

#[tokio::test]
async fn history_records_progress_for_resume_newest_first() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("hal").await;
    let first = uploaded_song(&app, &me.access, "First").await;
    let second = uploaded_song(&app, &me.access, "Second").await;
    let report = |song: &serde_json::Value, progress: i64| {
        let uri = format!("/api/v1/me/history/{}", song["id"].as_str().unwrap());
        let token = me.access.clone();
        let app = &app;
        async move {
            app.call(
                Method::PUT,
                &uri,
                Some(&token),
                Some(json!({"progress": progress})),
            )
            .await
        }
    };
    assert_eq!(report(&first, 1).await.status, 204);
    assert_eq!(report(&second, 0).await.status, 204);
    assert_eq!(report(&first, 2).await.status, 204);
    let history = app
        .call(Method::GET, "/api/v1/me/history", Some(&me.access), None)
        .await
        .json();
    let titles: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["song"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["First", "Second"],
        "newest first, one entry per song"
    );
    assert_eq!(history["items"][0]["progress"], 2);
    let song = app
        .call(
            Method::GET,
            &format!("/api/v1/songs/{}", first["id"].as_str().unwrap()),
            Some(&me.access),
            None,
        )
        .await;
    assert_eq!(song.json()["viewer"]["resumeAt"], 2);

    report(&first, -1)
        .await
        .assert_problem(422, "validation_failed");
    report(&first, 3)
        .await
        .assert_problem(422, "validation_failed");
    app.call(
        Method::PUT,
        &format!("/api/v1/me/history/{}", uuid::Uuid::new_v4()),
        Some(&me.access),
        Some(json!({"progress": 1})),
    )
    .await
    .assert_problem(404, "song_not_found");

    let uri = format!("/api/v1/me/history/{}", second["id"].as_str().unwrap());
    assert_eq!(
        app.call(Method::DELETE, &uri, Some(&me.access), None)
            .await
            .status,
        204
    );
    let left = app
        .call(Method::GET, "/api/v1/me/history", Some(&me.access), None)
        .await
        .json();
    assert_eq!(left["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.call(Method::DELETE, "/api/v1/me/history", Some(&me.access), None)
            .await
            .status,
        204
    );
    let empty = app
        .call(Method::GET, "/api/v1/me/history", Some(&me.access), None)
        .await
        .json();
    assert_eq!(empty["items"], json!([]));
}
