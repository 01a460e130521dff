//! The caches PostgreSQL keeps honest (`shared::table_notices`, migration 21): a change made
//! by anyone, here plain SQL on another connection as an operator or `ampli admin` would make
//! it, drops the entries it makes wrong on a listening instance; changes that cannot make an
//! entry wrong (a session extended, a play counted) keep them. Through `ampli serve`: a
//! session signed out is refused at once and one ended by SQL within moments, and a deleted
//! song stops streaming.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ampli::shared::{Cache, TableNotices};
use sqlx::Connection;
use tokio::sync::watch;

use crate::support::process::{KillOnDrop, free_port, http_send, serve_app, wait_until_ready};
use crate::support::songs::uploaded_song;
use crate::support::{TestApp, TestDb};

/// How long a notice may take to arrive; they take milliseconds.
const NOTICE_WITHIN: Duration = Duration::from_secs(5);

/// One cache entry and how many times it was read from its source.
struct Watched {
    cache: Cache<u8, ()>,
    reads: AtomicUsize,
}

impl Watched {
    fn on(notices: &TableNotices, topic: &str) -> Self {
        Self {
            cache: notices.cache(topic, 10),
            reads: AtomicUsize::new(0),
        }
    }

    /// Asks for the entry; whether it had to be read again.
    async fn read_again(&self) -> bool {
        let before = self.reads.load(Ordering::SeqCst);
        self.cache
            .get_or_read(0, async {
                self.reads.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ()>(())
            })
            .await
            .unwrap();
        self.reads.load(Ordering::SeqCst) > before
    }

    /// Asks until the entry is read again (its notice came), within `NOTICE_WITHIN`.
    async fn dropped_by(&self, change: &str) {
        let started = Instant::now();
        while !self.read_again().await {
            assert!(
                started.elapsed() < NOTICE_WITHIN,
                "not dropped after: {change}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Kept again from here on.
        assert!(!self.read_again().await, "kept after being read again");
    }
}

/// Runs `statement` on a connection of its own, as another process would.
async fn run(db: &TestDb, statement: &str) {
    let mut other = sqlx::PgConnection::connect(&db.url()).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(&mut other)
        .await
        .unwrap();
}

#[tokio::test]
async fn entries_follow_every_change_that_makes_them_wrong_and_only_those() {
    let app = TestApp::new().await;
    let (_, fay) = app.verified_user("fay").await;
    let song = uploaded_song(&app, &fay.access, "Noticed").await;
    let song = song["id"].as_str().unwrap().to_owned();
    let notices = TableNotices::new(app.db.pool.clone());
    let (stop, stopping) = watch::channel(false);
    let listener = notices.spawn_listener(stopping);
    let started = Instant::now();
    while !notices.listening() {
        assert!(started.elapsed() < NOTICE_WITHIN, "never listening");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let sessions = Watched::on(&notices, "sessions");
    let streams = Watched::on(&notices, "streams");
    assert!(sessions.read_again().await && streams.read_again().await);
    assert!(!sessions.read_again().await, "kept while listening");

    let session = &fay.session;
    let user = &fay.user_id;
    for change in [
        format!(
            "update usertokens set expiresat = expiresat - interval '1 day' where tokenid = '{session}'"
        ),
        format!("update users set isadmin = true where userid = '{user}'"),
        format!("update users set verified = false where userid = '{user}'"),
        format!("delete from usertokens where tokenid = '{session}'"),
    ] {
        run(&app.db, &change).await;
        sessions.dropped_by(&change).await;
    }
    for change in [
        format!("insert into songrenditions (songid, quality, codec, bitrate, size, objectkey, contenttype)
                 values ('{song}', 'low', 'opus', 64000, 10, 'songs/{song}/low.ogg', 'audio/ogg')"),
        format!("delete from songrenditions where songid = '{song}'"),
        format!("delete from songs where songid = '{song}'"),
    ] {
        run(&app.db, &change).await;
        streams.dropped_by(&change).await;
    }

    // Changes that leave every entry right: a session extended (each refresh does this), a
    // new session, a renamed user, a play counted. Notices arrive in commit order on the one
    // connection, so once a later change's notice has dropped the other topic, any notice of
    // these would have arrived too.
    let (_, gus) = app.verified_user("gus").await;
    sessions.dropped_by("a user verified").await;
    streams.read_again().await;
    for harmless in [
        format!(
            "update usertokens set expiresat = expiresat + interval '1 day', lastusedat = now() where tokenid = '{}'",
            gus.session
        ),
        format!(
            "update users set name = 'Gus Renamed' where userid = '{}'",
            gus.user_id
        ),
        "update songs set playcount = coalesce(playcount, 0) + 1".to_owned(),
    ] {
        run(&app.db, &harmless).await;
    }
    run(
        &app.db,
        &format!("delete from usertokens where tokenid = '{}'", gus.session),
    )
    .await;
    sessions.dropped_by("the later sign-out").await;
    assert!(
        !streams.read_again().await,
        "a play count or a session change dropped the streams"
    );

    stop.send(true).unwrap();
    listener.await.unwrap();
    assert!(!notices.listening());
    assert!(
        sessions.read_again().await && sessions.read_again().await,
        "bypassed when not listening"
    );
}

/// A request through a running `ampli serve`, with a bearer token; answers its status.
fn call(port: u16, method: &str, path: &str, token: &str) -> u16 {
    http_send(
        port,
        method,
        path,
        &[format!("Authorization: Bearer {token}")],
        b"",
        Duration::from_secs(10),
    )
    .unwrap()
    .status
}

fn get(port: u16, path: &str, token: &str) -> u16 {
    call(port, "GET", path, token)
}

/// Asks until `path` answers `status`, within `NOTICE_WITHIN`.
fn answers_within(port: u16, path: &str, token: &str, status: u16) {
    let started = Instant::now();
    loop {
        let got = get(port, path, token);
        if got == status {
            return;
        }
        assert!(started.elapsed() < NOTICE_WITHIN, "{path}: still {got}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[tokio::test]
async fn a_served_instance_refuses_ended_sessions_and_deleted_songs() {
    let app = TestApp::new().await;
    let (_, ida) = app.verified_user("ida").await;
    let song = uploaded_song(&app, &ida.access, "Soon gone").await;
    let stream = format!("/api/v1/songs/{}/stream", song["id"].as_str().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let port = free_port();
    // A pool of one: the listener's connection is its own, not one of the requests'.
    let mut server = KillOnDrop(serve_app(
        &app,
        port,
        &log,
        &["--db-pool-max", "1", "--db-pool-min", "1"],
    ));
    wait_until_ready(&mut server.0, port, &log);

    // Each answer twice: the second from memory once the instance listens.
    let phone = app
        .login("ida@example.test", crate::support::accounts::PASSWORD)
        .await;
    for _ in 0..2 {
        assert_eq!(get(port, "/api/v1/me", &ida.access), 200);
        assert_eq!(get(port, "/api/v1/me", &phone.access), 200);
        assert_eq!(get(port, &stream, &ida.access), 200);
    }
    // Signed out through this instance: refused on the very next request.
    assert_eq!(
        call(port, "POST", "/api/v1/auth/logout", &phone.access),
        204
    );
    assert_eq!(get(port, "/api/v1/me", &phone.access), 401);

    // Ended or deleted by SQL, as an operator would: refused within moments.
    run(
        &app.db,
        &format!("delete from usertokens where tokenid = '{}'", ida.session),
    )
    .await;
    answers_within(port, "/api/v1/me", &ida.access, 401);
    let (_, jo) = app.verified_user("jo").await;
    assert_eq!(get(port, &stream, &jo.access), 200);
    run(
        &app.db,
        &format!(
            "delete from songs where songid = '{}'",
            song["id"].as_str().unwrap()
        ),
    )
    .await;
    answers_within(port, &stream, &jo.access, 404);
}
