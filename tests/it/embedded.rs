//! The private cluster: first start, restart with the same data, clean stop, crash leftovers,
//! running under root as an unprivileged user, and `ampli serve` watching it: a killed
//! postmaster is started again, one that cannot start makes Ampli exit.

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use ampli::app::AppState;
use ampli::db::embedded::{ClusterOptions, EmbeddedCluster};
use axum::body::Body;
use axum::http::Request;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection};

use ampli::db::availability::{Availability, DatabaseStatus};

use crate::support::TestApp;
use crate::support::app::{TestResponse, config_in, send};
use crate::support::process::{
    Answer, KillOnDrop, free_port, http_get, http_get_answer, postmaster_pid, process_alive,
    processes_in, spawn_serve, stop_with, wait_until_ready,
};

fn options(dir: &std::path::Path) -> ClusterOptions {
    ClusterOptions {
        data_dir: dir.join("data"),
        bin_dir: None,
        run_as_user: "postgres".to_owned(),
    }
}

async fn connect(cluster: &EmbeddedCluster) -> PgConnection {
    cluster.ensure_database().await.unwrap();
    PgConnection::connect_with(&cluster.connect_options("ampli"))
        .await
        .unwrap()
}

fn uid_of(pid: u32) -> u32 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_cluster_starts_keeps_its_data_across_a_restart_and_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let options = options(dir.path());

    let mut cluster = EmbeddedCluster::start(&options).unwrap();
    let pid = cluster.pid();
    let expected_uid = if nix::unistd::Uid::effective().is_root() {
        nix::unistd::User::from_name("postgres")
            .unwrap()
            .unwrap()
            .uid
            .as_raw()
    } else {
        nix::unistd::Uid::effective().as_raw()
    };
    assert_eq!(uid_of(pid), expected_uid, "the cluster never runs as root");
    let socket = cluster.pgdata().join(".s.PGSQL.4748");
    assert!(socket.exists(), "the socket lives in the data directory");

    let mut connection = connect(&cluster).await;
    sqlx::raw_sql("create table kept (note text); insert into kept values ('still here')")
        .execute(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();
    let pgdata = cluster.pgdata().to_path_buf();
    cluster.stop().unwrap();
    assert!(!process_alive(pid as i32), "the postmaster is gone");
    assert!(
        processes_in(&pgdata).is_empty(),
        "no postgres process is left"
    );
    assert!(!socket.exists());

    let mut cluster = EmbeddedCluster::start(&options).unwrap();
    let mut connection = connect(&cluster).await;
    let note: String = sqlx::query_scalar("select note from kept")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    assert_eq!(note, "still here");
    connection.close().await.unwrap();
    cluster.stop().unwrap();
    assert!(processes_in(&pgdata).is_empty());
}

#[tokio::test]
async fn a_postmaster_pid_left_by_a_crash_does_not_block_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let options = options(dir.path());
    let mut cluster = EmbeddedCluster::start(&options).unwrap();
    let pid_file = cluster.pgdata().join("postmaster.pid");
    let leftover = std::fs::read(&pid_file).unwrap();
    cluster.stop().unwrap();
    // What a killed machine leaves: the lock file of a postmaster that no longer runs.
    std::fs::write(&pid_file, leftover).unwrap();

    let mut cluster = EmbeddedCluster::start(&options).unwrap();
    let mut connection = connect(&cluster).await;
    let one: i32 = sqlx::query_scalar("select 1")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    assert_eq!(one, 1);
    connection.close().await.unwrap();
    cluster.stop().unwrap();
}

#[tokio::test]
async fn a_second_process_cannot_take_a_data_directory_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let options = options(dir.path());
    let mut cluster = EmbeddedCluster::start(&options).unwrap();
    // flock is per open file, so a second open in this process stands in for another Ampli.
    let error = EmbeddedCluster::start(&options).unwrap_err().to_string();
    assert!(error.contains("another Ampli process"), "{error}");
    cluster.stop().unwrap();
}

#[tokio::test]
async fn readiness_follows_the_database_down_and_back_up_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let options = options(dir.path());
    let mut cluster = EmbeddedCluster::start(&options).unwrap();
    cluster.ensure_database().await.unwrap();
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(1))
        .connect_with(cluster.connect_options("ampli"))
        .await
        .unwrap();
    ampli::db::migrate(&pool).await.unwrap();
    let config = config_in(dir.path(), |_| {});
    let state = AppState::build(pool, &config).await.unwrap();
    let router = ampli::app::router(state, &config);
    let readyz = || Request::get("/readyz").body(Body::empty()).unwrap();

    assert_eq!(send(&router, readyz()).await.status, 200);
    cluster.stop().unwrap();
    assert_database_unavailable(&send(&router, readyz()).await);
    // Not the 500 of a failed request: the same request may well work in a moment.
    let songs = || Request::get("/api/v1/songs").body(Body::empty()).unwrap();
    assert_database_unavailable(&send(&router, songs()).await);
    let mut cluster = EmbeddedCluster::start(&options).unwrap();
    assert_eq!(send(&router, readyz()).await.status, 200);
    assert_eq!(send(&router, songs()).await.status, 200);
    cluster.stop().unwrap();
}

fn assert_database_unavailable(response: &TestResponse) {
    response.assert_problem(503, "database_unavailable");
    assert_eq!(response.header("retry-after"), Some("2"));
}

#[tokio::test]
async fn while_the_cluster_is_known_down_the_api_is_refused_at_once_and_the_rest_answers() {
    let app = TestApp::new().await;
    let (availability, watched) = tokio::sync::watch::channel(Availability::Restarting);
    let mut state = app.state.clone();
    state.db_status = DatabaseStatus::watching(watched);
    let router = ampli::app::router(state, &app.config);
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();

    // The database itself answers: only the status says it is down, so these are refused by
    // the status alone, before any handler waits for a connection.
    for uri in ["/readyz", "/api/v1/songs", "/api/v1/me"] {
        assert_database_unavailable(&send(&router, get(uri)).await);
    }
    // Liveness: the process is fine while its cluster restarts.
    for uri in ["/healthz", "/metrics", "/api/openapi.json", "/"] {
        assert_eq!(send(&router, get(uri)).await.status, 200, "{uri}");
    }
    availability.send_replace(Availability::Up);
    assert_eq!(send(&router, get("/readyz")).await.status, 200);
    assert_eq!(send(&router, get("/api/v1/songs")).await.status, 200);
}

/// An answer of the server while its cluster may be restarting: served, or refused with a
/// 503 that says when to come back; never a 500.
fn assert_served_or_unavailable(path: &str, answer: &Answer) {
    if answer.status == 200 {
        return;
    }
    assert_eq!(answer.status, 503, "{path}: {answer:?}");
    assert_eq!(
        answer.header("retry-after"),
        Some("2"),
        "{path}: {answer:?}"
    );
    assert_eq!(
        answer.header("content-type"),
        Some("application/problem+json"),
        "{path}: {answer:?}"
    );
    assert!(
        answer.body.contains(r#""code":"database_unavailable""#),
        "{path}: {answer:?}"
    );
}

#[test]
fn serve_starts_its_killed_cluster_again_and_serves_within_five_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let log = data_dir.with_extension("serve.log");
    let port = free_port();
    let mut server = KillOnDrop(spawn_serve(&data_dir, port));
    wait_until_ready(&mut server.0, port, &log);
    assert_eq!(http_get(port, "/api/v1/songs").unwrap().0, 200);
    let killed = postmaster_pid(&data_dir).unwrap();

    kill(Pid::from_raw(killed), Signal::SIGKILL).unwrap();
    let killed_at = Instant::now();
    let mut answers = Vec::new();
    loop {
        let elapsed = killed_at.elapsed();
        assert!(
            elapsed < Duration::from_secs(5),
            "not serving again 5 s after the kill; answers {answers:?}; log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        assert_eq!(http_get(port, "/healthz").unwrap().0, 200, "liveness holds");
        let ready = http_get_answer(port, "/readyz").unwrap();
        let songs = http_get_answer(port, "/api/v1/songs").unwrap();
        assert_served_or_unavailable("/readyz", &ready);
        assert_served_or_unavailable("/api/v1/songs", &songs);
        answers.push((elapsed, ready.status, songs.status));
        // An idle connection may still reach a backend of the killed postmaster for a
        // moment; only answers from the new postmaster count as recovered.
        let restarted = postmaster_pid(&data_dir)
            .is_some_and(|pid| pid != killed && process_alive(pid) && !process_alive(killed));
        if restarted && ready.status == 200 && songs.status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("answers after the kill: {answers:?}");

    let pgdata = data_dir.join("postgres");
    stop_with(&mut server.0, Signal::SIGTERM);
    assert!(
        processes_in(&pgdata).is_empty(),
        "the restarted cluster is stopped with Ampli"
    );
}

#[test]
fn serve_exits_with_an_error_when_its_cluster_cannot_be_started_again() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let log = data_dir.with_extension("serve.log");
    let port = free_port();
    let mut server = KillOnDrop(spawn_serve(&data_dir, port));
    wait_until_ready(&mut server.0, port, &log);
    let pgdata = data_dir.join("postgres");

    // An operator's `chmod -R a+rwx` on the data directory: PostgreSQL refuses to start on a
    // folder others may write, so every attempt at a restart fails.
    std::fs::set_permissions(&pgdata, std::fs::Permissions::from_mode(0o777)).unwrap();
    let killed = postmaster_pid(&data_dir).unwrap();
    kill(Pid::from_raw(killed), Signal::SIGKILL).unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "ampli still runs 30 s after its cluster died for good; log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = std::fs::read_to_string(&log).unwrap();
    assert_eq!(status.code(), Some(1), "{output}");
    assert!(output.contains("could not be started again"), "{output}");
    assert!(output.contains("invalid permissions"), "{output}");
    assert!(processes_in(&pgdata).is_empty(), "no postgres is left");
}
