use axum::http::Method;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::songs::uploaded_song;

async fn playlist(app: &TestApp, token: &str, title: &str, visibility: &str) -> String {
    let created = app
        .call(
            Method::POST,
            "/api/v1/playlists",
            Some(token),
            Some(json!({"title": title, "visibility": visibility})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    created.json()["id"].as_str().unwrap().to_owned()
}

async fn order(app: &TestApp, token: &str, id: &str) -> Vec<(i64, String)> {
    let page = app
        .call(
            Method::GET,
            &format!("/api/v1/playlists/{id}/items?limit=100"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    page.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["position"].as_i64().unwrap(),
                item["song"]["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn titles(order: &[(i64, String)]) -> Vec<&str> {
    order.iter().map(|(_, title)| title.as_str()).collect()
}

#[tokio::test]
async fn songs_are_added_moved_and_removed_with_dense_positions() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("amy").await;
    let mut songs: Vec<Value> = Vec::new();
    for title in ["A", "B", "C", "D"] {
        songs.push(uploaded_song(&app, &me.access, title).await);
    }
    let id = playlist(&app, &me.access, "Mix", "public").await;
    let items = format!("/api/v1/playlists/{id}/items");
    for song in &songs[..3] {
        let added = app
            .call(
                Method::POST,
                &items,
                Some(&me.access),
                Some(json!({"songId": song["id"]})),
            )
            .await;
        assert_eq!(added.status, 201);
    }
    let at_front = app
        .call(
            Method::POST,
            &items,
            Some(&me.access),
            Some(json!({"songId": songs[3]["id"], "position": 0})),
        )
        .await;
    assert_eq!(at_front.json()["position"], 0);
    assert_eq!(
        titles(&order(&app, &me.access, &id).await),
        ["D", "A", "B", "C"]
    );

    let moved = app
        .call(
            Method::PATCH,
            &format!("{items}/{}", songs[3]["id"].as_str().unwrap()),
            Some(&me.access),
            Some(json!({"position": 3})),
        )
        .await;
    assert_eq!(moved.json()["position"], 3);
    assert_eq!(
        titles(&order(&app, &me.access, &id).await),
        ["A", "B", "C", "D"]
    );
    app.call(
        Method::PATCH,
        &format!("{items}/{}", songs[2]["id"].as_str().unwrap()),
        Some(&me.access),
        Some(json!({"position": 0})),
    )
    .await;
    assert_eq!(
        titles(&order(&app, &me.access, &id).await),
        ["C", "A", "B", "D"]
    );
    let removed = app
        .call(
            Method::DELETE,
            &format!("{items}/{}", songs[0]["id"].as_str().unwrap()),
            Some(&me.access),
            None,
        )
        .await;
    assert_eq!(removed.status, 204);
    let now = order(&app, &me.access, &id).await;
    assert_eq!(
        now.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        [0, 1, 2],
        "dense after a removal"
    );
    assert_eq!(titles(&now), ["C", "B", "D"]);

    app.call(
        Method::POST,
        &items,
        Some(&me.access),
        Some(json!({"songId": songs[1]["id"]})),
    )
    .await
    .assert_problem(409, "song_already_in_playlist");
    app.call(
        Method::POST,
        &items,
        Some(&me.access),
        Some(json!({"songId": songs[0]["id"], "position": 9})),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.call(
        Method::POST,
        &items,
        Some(&me.access),
        Some(json!({"songId": songs[0]["id"], "position": -1})),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.call(
        Method::PATCH,
        &format!("{items}/{}", songs[1]["id"].as_str().unwrap()),
        Some(&me.access),
        Some(json!({"position": 3})),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.call(
        Method::POST,
        &items,
        Some(&me.access),
        Some(json!({"songId": uuid::Uuid::new_v4()})),
    )
    .await
    .assert_problem(404, "song_not_found");
    app.call(
        Method::GET,
        &format!("{items}?cursor=forged"),
        Some(&me.access),
        None,
    )
    .await
    .assert_problem(400, "invalid_query");
    let first = app
        .call(
            Method::GET,
            &format!("{items}?limit=2"),
            Some(&me.access),
            None,
        )
        .await
        .json();
    let next = first["nextCursor"].as_str().unwrap();
    let second = app
        .call(
            Method::GET,
            &format!("{items}?limit=2&cursor={next}"),
            Some(&me.access),
            None,
        )
        .await
        .json();
    assert_eq!(second["items"][0]["song"]["title"], "D");
}

#[tokio::test]
async fn twenty_clients_adding_and_moving_at_once_leave_a_dense_playlist() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("bo").await;
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(
            uploaded_song(&app, &me.access, &format!("S{i}")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let id = playlist(&app, &me.access, "Busy", "private").await;
    let mut clients = Vec::new();
    for (i, song) in ids.iter().enumerate() {
        let router = app.router.clone();
        let (token, song, id) = (me.access.clone(), song.clone(), id.clone());
        clients.push(tokio::spawn(async move {
            let call = |method: Method, uri: String, body: Value| {
                let router = router.clone();
                let token = token.clone();
                async move {
                    let request = axum::http::Request::builder()
                        .method(method)
                        .uri(uri)
                        .header("authorization", format!("Bearer {token}"))
                        .header("content-type", "application/json")
                        .body(axum::body::Body::from(body.to_string()))
                        .unwrap();
                    crate::support::app::send(&router, request).await
                }
            };
            let added = call(
                Method::POST,
                format!("/api/v1/playlists/{id}/items"),
                json!({"songId": song, "position": (i % 3)}),
            )
            .await;
            assert!(
                added.status == 201 || added.status == 422,
                "{}",
                added.text()
            );
            if added.status == 422 {
                // The position ran past the end while others were adding: append instead.
                let appended = call(
                    Method::POST,
                    format!("/api/v1/playlists/{id}/items"),
                    json!({"songId": song}),
                )
                .await;
                assert_eq!(appended.status, 201, "{}", appended.text());
            }
            let moved = call(
                Method::PATCH,
                format!("/api/v1/playlists/{id}/items/{song}"),
                json!({"position": 0}),
            )
            .await;
            assert_eq!(moved.status, 200, "{}", moved.text());
        }));
    }
    for client in clients {
        client.await.unwrap();
    }
    let rows: Vec<(i32, uuid::Uuid)> =
        sqlx::query_as("select position, songid from playlistitems order by position")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        rows.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        (0..20).collect::<Vec<_>>(),
        "no gap, no repeat"
    );
    let mut songs: Vec<String> = rows.iter().map(|(_, s)| s.to_string()).collect();
    songs.sort();
    ids.sort();
    assert_eq!(songs, ids, "every song once");
}

#[tokio::test]
async fn a_private_playlist_exists_for_its_owner_only() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("cy").await;
    let (_, other) = app.verified_user("di").await;
    let (_, admin) = app.verified_user("ed").await;
    sqlx::query("update users set isadmin = true where email = 'ed@example.test'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let song = uploaded_song(&app, &owner.access, "Secret song").await;
    let public = playlist(&app, &owner.access, "Open", "public").await;
    let private = playlist(&app, &owner.access, "Hidden", "private").await;
    for id in [&public, &private] {
        app.call(
            Method::POST,
            &format!("/api/v1/playlists/{id}/items"),
            Some(&owner.access),
            Some(json!({"songId": song["id"]})),
        )
        .await;
    }
    let viewers: [(&str, Option<&str>); 4] = [
        ("owner", Some(&owner.access)),
        ("other", Some(&other.access)),
        ("anonymous", None),
        ("admin", Some(&admin.access)),
    ];
    for (who, token) in viewers {
        for (id, is_private) in [(&public, false), (&private, true)] {
            let hidden = is_private && who != "owner";
            let read = app
                .call(Method::GET, &format!("/api/v1/playlists/{id}"), token, None)
                .await;
            let items = app
                .call(
                    Method::GET,
                    &format!("/api/v1/playlists/{id}/items"),
                    token,
                    None,
                )
                .await;
            if hidden {
                read.assert_problem(404, "playlist_not_found");
                items.assert_problem(404, "playlist_not_found");
            } else {
                assert_eq!(
                    (read.status.as_u16(), items.status.as_u16()),
                    (200, 200),
                    "{who} {id}"
                );
            }
            let listed = app
                .call(
                    Method::GET,
                    &format!("/api/v1/users/{}/playlists", owner.user_id),
                    token,
                    None,
                )
                .await;
            let listed_ids: Vec<String> = listed.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(listed_ids.contains(id), !hidden, "{who} listing {id}");
            if let Some(token) = token.filter(|_| who != "owner") {
                let change = app
                    .call(
                        Method::PATCH,
                        &format!("/api/v1/playlists/{id}"),
                        Some(token),
                        Some(json!({"title": "Mine"})),
                    )
                    .await;
                let add = app
                    .call(
                        Method::POST,
                        &format!("/api/v1/playlists/{id}/items"),
                        Some(token),
                        Some(json!({"songId": song["id"]})),
                    )
                    .await;
                let delete = app
                    .call(
                        Method::DELETE,
                        &format!("/api/v1/playlists/{id}"),
                        Some(token),
                        None,
                    )
                    .await;
                let expected = if hidden {
                    (404, "playlist_not_found")
                } else {
                    (403, "not_owner")
                };
                change.assert_problem(expected.0, expected.1);
                add.assert_problem(expected.0, expected.1);
                delete.assert_problem(expected.0, expected.1);
            }
        }
    }
    let mine = app
        .call(
            Method::GET,
            "/api/v1/me/playlists",
            Some(&owner.access),
            None,
        )
        .await
        .json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    app.call(
        Method::POST,
        "/api/v1/playlists",
        Some(&owner.access),
        Some(json!({"title": "x", "visibility": "auto"})),
    )
    .await
    .assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn a_position_written_with_a_decimal_point_is_the_same_whole_number() {
    // JSON Schema (and so the OpenAPI document) counts 1.0 as an integer; clients written in
    // languages with one number type send it that way.
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("amy").await;
    let first = uploaded_song(&app, &me.access, "A").await;
    let second = uploaded_song(&app, &me.access, "B").await;
    let id = playlist(&app, &me.access, "Mix", "public").await;
    let items = format!("/api/v1/playlists/{id}/items");
    let added = app
        .call(
            Method::POST,
            &items,
            Some(&me.access),
            Some(json!({"songId": first["id"], "position": 0.0})),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    let at_front = app
        .call(
            Method::POST,
            &items,
            Some(&me.access),
            Some(json!({"songId": second["id"], "position": 0.0})),
        )
        .await;
    assert_eq!(at_front.json()["position"], 0, "{}", at_front.text());
    let moved = app
        .call(
            Method::PATCH,
            &format!("{items}/{}", second["id"].as_str().unwrap()),
            Some(&me.access),
            Some(json!({"position": 1.0})),
        )
        .await;
    assert_eq!(moved.json()["position"], 1, "{}", moved.text());
    assert_eq!(titles(&order(&app, &me.access, &id).await), ["A", "B"]);
    app.call(
        Method::PATCH,
        &format!("{items}/{}", second["id"].as_str().unwrap()),
        Some(&me.access),
        Some(json!({"position": 0.5})),
    )
    .await
    .assert_problem(422, "invalid_body");
}
