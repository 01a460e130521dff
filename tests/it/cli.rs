//! The `ampli` binary as an operator meets it: help, configuration errors, migrate, serve.

use nix::sys::signal::Signal;
use sqlx::{Connection, PgConnection};

use crate::support::TestDb;
use crate::support::process::{
    ampli, free_port, http_get, postmaster_pid, process_alive, processes_in, spawn_serve,
    stop_with, wait_until_ready,
};

const SETTINGS: [(&str, &str); 37] = [
    ("--config", "AMPLI_CONFIG"),
    ("--listen", "AMPLI_LISTEN"),
    ("--data-dir", "AMPLI_DATA_DIR"),
    ("--database-url", "DATABASE_URL"),
    ("--db-pool-min", "AMPLI_DB_POOL_MIN"),
    ("--db-pool-max", "AMPLI_DB_POOL_MAX"),
    ("--db-acquire-timeout", "AMPLI_DB_ACQUIRE_TIMEOUT"),
    ("--postgres-bin-dir", "AMPLI_POSTGRES_BIN_DIR"),
    ("--postgres-user", "AMPLI_POSTGRES_USER"),
    ("--log", "AMPLI_LOG"),
    ("--log-format", "AMPLI_LOG_FORMAT"),
    ("--max-body-size", "AMPLI_MAX_BODY_SIZE"),
    ("--request-timeout", "AMPLI_REQUEST_TIMEOUT"),
    ("--shutdown-timeout", "AMPLI_SHUTDOWN_TIMEOUT"),
    ("--public-url", "AMPLI_PUBLIC_URL"),
    ("--smtp-host", "AMPLI_SMTP_HOST"),
    ("--smtp-port", "AMPLI_SMTP_PORT"),
    ("--smtp-tls", "AMPLI_SMTP_TLS"),
    ("--smtp-username", "AMPLI_SMTP_USERNAME"),
    ("--smtp-password", "AMPLI_SMTP_PASSWORD"),
    ("--mail-from", "AMPLI_MAIL_FROM"),
    (
        "--password-hashing-threads",
        "AMPLI_PASSWORD_HASHING_THREADS",
    ),
    (
        "--sign-in-failures-per-account",
        "AMPLI_SIGN_IN_FAILURES_PER_ACCOUNT",
    ),
    ("--sign-in-failures-per-ip", "AMPLI_SIGN_IN_FAILURES_PER_IP"),
    (
        "--mail-requests-per-address",
        "AMPLI_MAIL_REQUESTS_PER_ADDRESS",
    ),
    ("--mail-requests-per-ip", "AMPLI_MAIL_REQUESTS_PER_IP"),
    ("--access-token-ttl", "AMPLI_ACCESS_TOKEN_TTL"),
    ("--session-ttl", "AMPLI_SESSION_TTL"),
    ("--postgres-user", "AMPLI_POSTGRES_USER"),
    ("--max-upload-size", "AMPLI_MAX_UPLOAD_SIZE"),
    ("--s3-bucket", "AMPLI_S3_BUCKET"),
    ("--s3-endpoint", "AMPLI_S3_ENDPOINT"),
    ("--s3-region", "AMPLI_S3_REGION"),
    ("--s3-access-key-id", "AMPLI_S3_ACCESS_KEY_ID"),
    ("--s3-secret-access-key", "AMPLI_S3_SECRET_ACCESS_KEY"),
    ("--s3-path-style", "AMPLI_S3_PATH_STYLE"),
    (
        "--playlists-refresh-interval",
        "AMPLI_PLAYLISTS_REFRESH_INTERVAL",
    ),
];

#[test]
fn help_explains_every_option_and_subcommand() {
    let output = ampli().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for (flag, env) in SETTINGS {
        assert!(help.contains(flag), "{flag} missing from --help");
        assert!(help.contains(env), "{env} missing from --help");
    }
    assert!(help.contains("serve") && help.contains("migrate"));
    let serve = ampli().args(["serve", "--help"]).output().unwrap();
    assert!(
        String::from_utf8(serve.stdout)
            .unwrap()
            .contains("--listen")
    );
}

fn one_line_failure(command: &mut std::process::Command) -> String {
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn a_wrong_value_stops_start_up_with_one_line_naming_the_setting() {
    let stderr = one_line_failure(ampli().arg("serve").env("AMPLI_DB_POOL_MAX", "lots"));
    assert!(
        stderr.contains("--db-pool-max (AMPLI_DB_POOL_MAX)"),
        "{stderr}"
    );
    let stderr = one_line_failure(ampli().args(["serve", "--listen", "nowhere"]));
    assert!(stderr.contains("--listen (AMPLI_LISTEN)"), "{stderr}");
    let stderr = one_line_failure(ampli().args(["migrate", "--log-format", "xml"]));
    assert!(stderr.contains("AMPLI_LOG_FORMAT"), "{stderr}");
}

#[test]
fn the_config_file_is_read_and_checked_like_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ampli.toml");
    std::fs::write(&file, "db_pool_min = 50\n").unwrap();
    let stderr = one_line_failure(ampli().arg("migrate").arg("--config").arg(&file));
    assert!(
        stderr.contains("AMPLI_DB_POOL_MIN") && stderr.contains("50"),
        "{stderr}"
    );

    std::fs::write(&file, "colour = \"blue\"\n").unwrap();
    let stderr = one_line_failure(ampli().arg("migrate").env("AMPLI_CONFIG", &file));
    assert!(stderr.contains("unknown key \"colour\""), "{stderr}");

    std::fs::write(&file, "listen = [1, 2\n").unwrap();
    let stderr = one_line_failure(ampli().arg("migrate").arg("--config").arg(&file));
    assert!(stderr.contains("ampli.toml line 1"), "{stderr}");
}

#[test]
fn the_database_password_is_never_printed() {
    let port = free_port();
    let url = format!("postgres://ampli:hunter2-secret@127.0.0.1:{port}/ampli");
    let output = ampli()
        .arg("migrate")
        .env("DATABASE_URL", &url)
        .env("AMPLI_DB_ACQUIRE_TIMEOUT", "1s")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!all.contains("hunter2-secret"), "{all}");
    let help = ampli()
        .arg("--help")
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("hunter2-secret"));
}

#[tokio::test]
async fn ampli_migrate_applies_to_database_url_and_is_safe_to_run_again() {
    let db = TestDb::empty().await;
    for _ in 0..2 {
        let output = ampli()
            .arg("migrate")
            .env("DATABASE_URL", db.url())
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    }
    let versions: Vec<i64> =
        sqlx::query_scalar("select version from _sqlx_migrations order by version")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let expected: Vec<i64> = ampli::db::MIGRATOR.iter().map(|m| m.version).collect();
    assert_eq!(versions, expected);
    let views: i64 = sqlx::query_scalar(
        "select count(*) from pg_views where viewname in ('songswithartists', 'userstats', 'trendingsongs')",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(views, 3);
}

#[tokio::test]
async fn serve_on_embedded_defaults_keeps_data_and_leaves_no_postgres_after_a_signal() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let log = data_dir.with_extension("serve.log");
    let pgdata = data_dir.join("postgres");

    for (round, signal) in [(0, Signal::SIGTERM), (1, Signal::SIGINT)] {
        let port = free_port();
        let mut server = spawn_serve(&data_dir, port);
        wait_until_ready(&mut server, port, &log);
        let (status, body) = http_get(port, "/healthz").unwrap();
        assert_eq!((status, body.contains("ok")), (200, true));
        let postmaster = postmaster_pid(&data_dir).unwrap();

        let options = sqlx::postgres::PgConnectOptions::new_without_pgpass()
            .socket(&pgdata)
            .port(4748)
            .username("ampli")
            .database("ampli");
        let mut connection = PgConnection::connect_with(&options).await.unwrap();
        if round == 0 {
            sqlx::query("insert into users (name, email, password) values ('Kept', 'kept@example.test', 'x')")
                .execute(&mut connection)
                .await
                .unwrap();
        } else {
            let name: String =
                sqlx::query_scalar("select name from users where email = 'kept@example.test'")
                    .fetch_one(&mut connection)
                    .await
                    .unwrap();
            assert_eq!(name, "Kept", "data survives a restart");
        }
        connection.close().await.unwrap();

        stop_with(&mut server, signal);
        assert!(
            !process_alive(postmaster),
            "postmaster {postmaster} left running after {signal}"
        );
        assert!(
            processes_in(&pgdata).is_empty(),
            "postgres processes left after {signal}"
        );
    }
}
