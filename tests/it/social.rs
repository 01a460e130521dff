//! Following, profiles with their figures, and the feed.

use axum::http::Method;
use serde_json::json;

use crate::support::TestApp;
use crate::support::songs::uploaded_song;

#[tokio::test]
async fn following_shows_on_profiles_lists_and_the_feed() {
    let app = TestApp::new().await;
    let (_, ada) = app.verified_user("ada").await;
    let (_, bo) = app.verified_user("bo").await;
    let (_, cy) = app.verified_user("cy").await;
    let follow = |who: &str, token: &str| {
        let (uri, token) = (format!("/api/v1/users/{who}/follow"), token.to_owned());
        let app = &app;
        async move { app.call(Method::PUT, &uri, Some(&token), None).await }
    };
    assert_eq!(follow(&ada.user_id, &bo.access).await.status, 204);
    assert_eq!(
        follow(&ada.user_id, &bo.access).await.status,
        204,
        "idempotent"
    );
    assert_eq!(follow(&ada.user_id, &cy.access).await.status, 204);
    assert_eq!(follow(&cy.user_id, &ada.access).await.status, 204);
    follow(&ada.user_id, &ada.access)
        .await
        .assert_problem(400, "cannot_follow_self");
    follow(&uuid::Uuid::new_v4().to_string(), &ada.access)
        .await
        .assert_problem(404, "user_not_found");

    uploaded_song(&app, &ada.access, "Ada One").await;
    uploaded_song(&app, &cy.access, "Cy One").await;
    uploaded_song(&app, &ada.access, "Ada Two").await;
    app.call(
        Method::POST,
        "/api/v1/playlists",
        Some(&ada.access),
        Some(json!({"title": "Open"})),
    )
    .await;
    app.call(
        Method::POST,
        "/api/v1/playlists",
        Some(&ada.access),
        Some(json!({"title": "Shut", "visibility": "private"})),
    )
    .await;

    let profile = app
        .call(
            Method::GET,
            &format!("/api/v1/users/{}", ada.user_id),
            Some(&bo.access),
            None,
        )
        .await
        .json();
    assert_eq!(
        profile["stats"],
        json!({"songsUploaded": 2, "playlistsCreated": 1, "followersCount": 2, "followingCount": 1}),
        "favourites are private: no count for others"
    );
    assert_eq!(profile["isFollowing"], true);
    let own = app
        .call(
            Method::GET,
            &format!("/api/v1/users/{}", ada.user_id),
            Some(&ada.access),
            None,
        )
        .await
        .json();
    assert_eq!(
        own["stats"]["playlistsCreated"], 2,
        "the owner counts private ones too"
    );
    assert!(own.get("isFollowing").is_none());
    assert_eq!(
        own["stats"]["favoritesCount"], 0,
        "the owner sees their own count"
    );
    let anonymous = app
        .get(&format!("/api/v1/users/{}", ada.user_id))
        .await
        .json();
    assert!(anonymous["stats"].get("favoritesCount").is_none());

    let followers = app
        .get(&format!("/api/v1/users/{}/followers?limit=1", ada.user_id))
        .await
        .json();
    assert_eq!(
        followers["items"][0]["id"],
        cy.user_id.as_str(),
        "most recent first"
    );
    let rest = app
        .get(&format!(
            "/api/v1/users/{}/followers?limit=1&cursor={}",
            ada.user_id,
            followers["nextCursor"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(rest["items"][0]["id"], bo.user_id.as_str());
    let following = app
        .get(&format!("/api/v1/users/{}/following", ada.user_id))
        .await
        .json();
    assert_eq!(following["items"][0]["id"], cy.user_id.as_str());

    let feed = app
        .call(Method::GET, "/api/v1/me/feed", Some(&bo.access), None)
        .await
        .json();
    let titles: Vec<&str> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Ada Two", "Ada One"],
        "only the people I follow, newest first"
    );

    assert_eq!(
        app.call(
            Method::DELETE,
            &format!("/api/v1/users/{}/follow", ada.user_id),
            Some(&bo.access),
            None
        )
        .await
        .status,
        204
    );
    let after = app
        .call(
            Method::GET,
            &format!("/api/v1/users/{}", ada.user_id),
            Some(&bo.access),
            None,
        )
        .await
        .json();
    assert_eq!(
        (
            after["isFollowing"].clone(),
            after["stats"]["followersCount"].clone()
        ),
        (json!(false), json!(1))
    );
    app.get(&format!("/api/v1/users/{}/followers", uuid::Uuid::new_v4()))
        .await
        .assert_problem(404, "user_not_found");
}
