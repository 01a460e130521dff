//! Sign-in limits under floods: attempts are counted before any hashing, keyed so that a
//! guesser fills only their own allowance, and bounded in what they queue on the hashing pool.

use std::net::{IpAddr, SocketAddr};

use ampli::accounts::{
    ACCOUNT_WIDE_FACTOR, SIGN_INS_AT_ONCE_PER_ACCOUNT, SIGN_INS_AT_ONCE_PER_CLIENT,
};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request};
use futures_util::future::join_all;
use serde_json::json;

use crate::support::accounts::PASSWORD;
use crate::support::{TestApp, TestResponse};

const ATTACKER: [u8; 4] = [198, 51, 100, 7];
const OWNER_ELSEWHERE: [u8; 4] = [203, 0, 113, 9];

#[derive(Clone, Copy)]
enum Route {
    Api,
    Web,
}

/// Signs in through `route` over a connection from `ip`.
async fn sign_in_from(
    app: &TestApp,
    ip: impl Into<IpAddr>,
    route: Route,
    email: &str,
    password: &str,
) -> TestResponse {
    let mut request = Request::post(match route {
        Route::Api => "/api/v1/auth/login",
        Route::Web => "/api/v1/auth/web/login",
    })
    .header("content-type", "application/json");
    if let Route::Web = route {
        request = request.header("x-ampli-web", "1");
    }
    let mut request = request
        .body(Body::from(
            json!({"email": email, "password": password}).to_string(),
        ))
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip.into(), 40000))));
    app.send(request).await
}

/// `n` wrong passwords for `email` from `ip` at once, through both sign-in routes in turn.
async fn flood(app: &TestApp, ip: [u8; 4], email: &str, n: usize) -> Vec<TestResponse> {
    join_all((0..n).map(|i| {
        let route = if i % 2 == 0 { Route::Api } else { Route::Web };
        let guess = format!("wrong guess number {i}");
        async move { sign_in_from(app, ip, route, email, &guess).await }
    }))
    .await
}

/// The wrong-password answers among `answers`; every other one must be a 429.
fn count_wrong_passwords(answers: &[TestResponse]) -> u32 {
    let mut wrong = 0;
    for answer in answers {
        if answer.status == 401 {
            answer.assert_problem(401, "invalid_credentials");
            wrong += 1;
        } else {
            answer.assert_problem(429, "too_many_attempts");
            assert!(answer.header("retry-after").is_some());
        }
    }
    wrong
}

/// Wrong passwords one at a time until the hourly allowance refuses them; answers how many
/// were checked first.
async fn guess_until_refused(app: &TestApp, ip: [u8; 4], email: &str) -> u32 {
    for checked in 0..1000 {
        let answer = sign_in_from(app, ip, Route::Api, email, "one more wrong guess").await;
        if answer.status == 429 {
            answer.assert_problem(429, "too_many_attempts");
            let retry: u64 = answer.header("retry-after").unwrap().parse().unwrap();
            assert!(
                retry > 60,
                "one at a time, only the hourly allowance refuses: {retry}"
            );
            return checked;
        }
        answer.assert_problem(401, "invalid_credentials");
    }
    panic!("a thousand wrong passwords and still not refused");
}

#[tokio::test]
async fn parallel_wrong_passwords_are_counted_before_they_are_checked() {
    let app = TestApp::with_settings(|s| {
        s.sign_in_failures_per_account = Some("10".into());
        s.password_hashing_threads = Some("1".into());
    })
    .await;
    let (email, _) = app.verified_user("nia").await;
    let hasher = &app.state.accounts.hasher;
    let before = hasher.verifications();

    let answers = flood(&app, ATTACKER, &email, 60).await;
    let at_once = count_wrong_passwords(&answers);
    assert!(
        at_once <= 10,
        "{at_once} of 60 parallel guesses were checked"
    );
    assert_eq!(
        hasher.verifications() - before,
        u64::from(at_once),
        "a refused guess is never hashed"
    );

    // One at a time, the rest of the allowance and not one guess more.
    let after = guess_until_refused(&app, ATTACKER, &email).await;
    assert_eq!(at_once + after, 10);
    assert_eq!(hasher.verifications() - before, 10);
}

#[tokio::test]
async fn a_flood_from_one_network_does_not_lock_the_owner_out() {
    let app = TestApp::with_settings(|s| {
        s.sign_in_failures_per_account = Some("5".into());
    })
    .await;
    let (email, _) = app.verified_user("oli").await;
    let answers = flood(&app, ATTACKER, &email, 30).await;
    let checked =
        count_wrong_passwords(&answers) + guess_until_refused(&app, ATTACKER, &email).await;
    assert_eq!(checked, 5);
    // The guessing network has spent its allowance for this account, right password or not.
    sign_in_from(&app, ATTACKER, Route::Api, &email, PASSWORD)
        .await
        .assert_problem(429, "too_many_attempts");

    // The owner, from anywhere else, signs in through either route, more often than the
    // allowance of failures: a success is not counted.
    for route in [Route::Api, Route::Web].repeat(4) {
        let answer = sign_in_from(&app, OWNER_ELSEWHERE, route, &email, PASSWORD).await;
        assert_eq!(answer.status, 200, "{}", answer.text());
    }
}

#[tokio::test]
async fn ipv6_guessers_are_counted_by_their_64() {
    let app = TestApp::with_settings(|s| {
        s.sign_in_failures_per_account = Some("2".into());
    })
    .await;
    let (email, _) = app.verified_user("sam").await;
    let in_one_64: [IpAddr; 3] = [
        "2001:db8:1:2::1".parse().unwrap(),
        "2001:db8:1:2::2".parse().unwrap(),
        "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap(),
    ];
    for ip in &in_one_64[..2] {
        sign_in_from(&app, *ip, Route::Api, &email, "a wrong guess")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    sign_in_from(&app, in_one_64[2], Route::Api, &email, "a wrong guess")
        .await
        .assert_problem(429, "too_many_attempts");
    let next_64: IpAddr = "2001:db8:1:3::1".parse().unwrap();
    sign_in_from(&app, next_64, Route::Api, &email, "a wrong guess")
        .await
        .assert_problem(401, "invalid_credentials");
}

#[tokio::test]
async fn a_stolen_session_guessing_the_password_is_limited_like_a_sign_in() {
    let app = TestApp::with_settings(|s| {
        s.sign_in_failures_per_account = Some("3".into());
    })
    .await;
    let (email, stolen) = app.verified_user("tia").await;
    let change = |current: String| {
        let token = stolen.access.clone();
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/v1/auth/change-password",
                Some(&token),
                Some(
                    json!({"currentPassword": current, "newPassword": "a brand new password here"}),
                ),
            )
            .await
        }
    };
    let answers = join_all((0..12).map(|i| change(format!("guess number {i}")))).await;
    let mut wrong = 0;
    for answer in &answers {
        if answer.status == 403 {
            answer.assert_problem(403, "wrong_password");
            wrong += 1;
        } else {
            answer.assert_problem(429, "too_many_attempts");
        }
    }
    assert!(wrong <= 3, "{wrong} of 12 parallel guesses were checked");
    while wrong < 3 {
        change("one more guess".into())
            .await
            .assert_problem(403, "wrong_password");
        wrong += 1;
    }
    change(PASSWORD.into())
        .await
        .assert_problem(429, "too_many_attempts");
    app.call(
        Method::DELETE,
        "/api/v1/me",
        Some(&stolen.access),
        Some(json!({"password": PASSWORD})),
    )
    .await
    .assert_problem(429, "too_many_attempts");
    // The session's guesses were its own: the owner still signs in.
    let answer = sign_in_from(&app, OWNER_ELSEWHERE, Route::Api, &email, PASSWORD).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
}

#[tokio::test]
async fn signed_in_devices_keep_working_when_guessers_fill_the_account_wide_allowance() {
    let app = TestApp::with_settings(|s| {
        s.sign_in_failures_per_account = Some("2".into());
    })
    .await;
    let (email, phone) = app.verified_user("pia").await;
    let browser = sign_in_from(&app, OWNER_ELSEWHERE, Route::Web, &email, PASSWORD).await;
    assert_eq!(browser.status, 200, "{}", browser.text());
    let mut cookie = browser
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let mut refresh = phone.refresh.clone();

    // Guessers from as many networks as it takes to fill the account-wide allowance, each
    // refreshing device keeping up while they guess.
    let networks = ACCOUNT_WIDE_FACTOR as u8;
    for n in 0..networks {
        let guesser = [198, 51, 100, 10 + n];
        let (answers, (api, web)) = tokio::join!(flood(&app, guesser, &email, 6), async {
            let api = app
                .post("/api/v1/auth/refresh", json!({"refreshToken": refresh}))
                .await;
            let web = app
                .send(
                    Request::post("/api/v1/auth/web/refresh")
                        .header("x-ampli-web", "1")
                        .header("cookie", &cookie)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            (api, web)
        });
        let checked =
            count_wrong_passwords(&answers) + guess_until_refused(&app, guesser, &email).await;
        assert_eq!(checked, 2, "network {n}");
        assert_eq!(api.status, 200, "{}", api.text());
        assert_eq!(web.status, 200, "{}", web.text());
        refresh = api.json()["refreshToken"].as_str().unwrap().to_owned();
        cookie = web
            .header("set-cookie")
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
    }

    // Full: a new sign-in from yet another network waits for the hour to pass, right password
    // or not; the devices already signed in do not.
    let refused = sign_in_from(&app, [192, 0, 2, 1], Route::Api, &email, PASSWORD).await;
    refused.assert_problem(429, "too_many_attempts");
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 60, "{retry}");
    let refreshed = app
        .post("/api/v1/auth/refresh", json!({"refreshToken": refresh}))
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text());
    let access = refreshed.json()["accessToken"].as_str().unwrap().to_owned();
    let me = app
        .call(Method::GET, "/api/v1/me", Some(&access), None)
        .await;
    assert_eq!(me.status, 200, "{}", me.text());
}

#[tokio::test]
async fn a_flood_does_not_hold_other_sign_ins_behind_it() {
    let app = TestApp::with_settings(|s| {
        s.password_hashing_threads = Some("1".into());
    })
    .await;
    let (flooded, _) = app.verified_user("quin").await;
    let (other, _) = app.verified_user("rex").await;
    let hasher = &app.state.accounts.hasher;
    assert_eq!(
        hasher.peak_in_flight(),
        1,
        "sign-up and sign-in one at a time so far"
    );

    // Forty guesses at one account, from one network, with another person's sign-in among
    // them: that sign-in goes through and waits behind no more than the flood's allowance of
    // checks at once.
    let (answers, signed_in) = tokio::join!(flood(&app, ATTACKER, &flooded, 40), async {
        tokio::task::yield_now().await;
        sign_in_from(&app, OWNER_ELSEWHERE, Route::Api, &other, PASSWORD).await
    });
    assert_eq!(signed_in.status, 200, "{}", signed_in.text());
    let checked = count_wrong_passwords(&answers);
    assert!(checked >= 1, "the flood is not refused outright");
    assert!(
        hasher.peak_in_flight() <= SIGN_INS_AT_ONCE_PER_ACCOUNT as usize + 1,
        "{} hashes waiting or running at once",
        hasher.peak_in_flight()
    );
    assert!(
        answers.iter().any(|a| a.header("retry-after") == Some("1")),
        "the excess is refused at once, to retry in a second"
    );

    // Forty addresses, none of them known, from one network: bounded per network as well.
    let app = &app;
    let (answers, signed_in) = tokio::join!(
        join_all((0..40).map(|i| {
            let email = format!("nobody{i}@example.test");
            async move { sign_in_from(app, ATTACKER, Route::Web, &email, PASSWORD).await }
        })),
        sign_in_from(app, OWNER_ELSEWHERE, Route::Web, &other, PASSWORD)
    );
    assert_eq!(signed_in.status, 200, "{}", signed_in.text());
    assert!(count_wrong_passwords(&answers) >= 1);
    assert!(
        hasher.peak_in_flight() <= SIGN_INS_AT_ONCE_PER_CLIENT as usize + 1,
        "{} hashes waiting or running at once",
        hasher.peak_in_flight()
    );
    assert_eq!(hasher.in_flight(), 0);
}
