//! The private cluster: first start, restart with the same data, clean stop, crash leftovers,
//! and running under root as an unprivileged user.

use std::time::Duration;

use ampli::db::embedded::{ClusterOptions, EmbeddedCluster};
use ampli::state::AppState;
use axum::body::Body;
use axum::http::Request;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection};

use crate::support::app::{config_in, send};
use crate::support::process::{process_alive, processes_in};

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
    let router = ampli::http::router(state, &config);
    let readyz = || Request::get("/readyz").body(Body::empty()).unwrap();

    assert_eq!(send(&router, readyz()).await.status, 200);
    cluster.stop().unwrap();
    send(&router, readyz())
        .await
        .assert_problem(503, "database_unavailable");
    let mut cluster = EmbeddedCluster::start(&options).unwrap();
    assert_eq!(send(&router, readyz()).await.status, 200);
    cluster.stop().unwrap();
}
