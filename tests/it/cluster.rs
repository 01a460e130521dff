//! Two Ampli instances behind HAProxy, on a PostgreSQL primary and streaming replica, Redis
//! and an S3 server: the local cluster `scripts/cluster` starts, each engine real. One cluster
//! serves every check below in turn (starting one takes a while); each check says what it
//! shows.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::audio::wav;
use crate::support::process::{Answer, ampli, free_port, http_send};
use crate::support::songs::{BOUNDARY, Part, multipart_body};

/// What the instances are started with: small limits so that a test can reach them, and a
/// short discovery period so that a periodic job runs several times during the test.
const SIGN_IN_FAILURES: u32 = 10;
const MAIL_REQUESTS: u32 = 3;
const REFRESH_EVERY: Duration = Duration::from_secs(3);
const PASSWORD: &str = "correct horse battery staple";

struct Cluster {
    dir: PathBuf,
    settings: HashMap<String, String>,
    _tmp: tempfile::TempDir,
}

fn script() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/cluster")
}

impl Cluster {
    fn up(instances: u32) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cluster");
        let output = Command::new("bash")
            .arg(script())
            .args(["up", "--instances", &instances.to_string(), "--dir"])
            .arg(&dir)
            .env("AMPLI_BIN", env!("CARGO_BIN_EXE_ampli"))
            .env(
                "AMPLI_SIGN_IN_FAILURES_PER_ACCOUNT",
                SIGN_IN_FAILURES.to_string(),
            )
            .env("AMPLI_MAIL_REQUESTS_PER_ADDRESS", MAIL_REQUESTS.to_string())
            .env(
                "AMPLI_PLAYLISTS_REFRESH_INTERVAL",
                format!("{}s", REFRESH_EVERY.as_secs()),
            )
            .env("AMPLI_LOG", "info")
            .stdin(Stdio::null())
            .output()
            .expect("scripts/cluster runs");
        let mut cluster = Self {
            settings: HashMap::new(),
            dir,
            _tmp: tmp,
        };
        assert!(
            output.status.success(),
            "scripts/cluster up failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let env = std::fs::read_to_string(cluster.dir.join("cluster.env")).unwrap();
        cluster.settings = env
            .lines()
            .filter_map(|line| line.strip_prefix("export ").or(Some(line)))
            .filter_map(|line| line.split_once('='))
            .map(|(key, value)| {
                (
                    key.trim().to_owned(),
                    value.trim().trim_matches(['"', '\'']).to_owned(),
                )
            })
            .collect();
        cluster
    }

    fn setting(&self, key: &str) -> &str {
        self.settings
            .get(key)
            .unwrap_or_else(|| panic!("cluster.env has no {key}: {:?}", self.settings))
    }

    fn haproxy(&self) -> u16 {
        self.setting("HAPROXY_PORT").parse().unwrap()
    }

    /// The port of instance `n` (from 1), bypassing HAProxy.
    fn instance(&self, n: usize) -> u16 {
        self.setting("INSTANCE_PORTS")
            .split_whitespace()
            .nth(n - 1)
            .unwrap()
            .parse()
            .unwrap()
    }

    fn database_url(&self) -> String {
        self.setting("DATABASE_URL").to_owned()
    }

    /// `scripts/cluster <action> <part>`, e.g. stop replica.
    fn part(&self, action: &str, part: &str) {
        let output = Command::new("bash")
            .arg(script())
            .args([action, part, "--dir"])
            .arg(&self.dir)
            .env("AMPLI_BIN", env!("CARGO_BIN_EXE_ampli"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "scripts/cluster {action} {part}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(format!("{name}.log"))).unwrap_or_default()
    }

    /// `ampli admin create-user --verified` on the cluster's database; answers the user's id.
    fn create_user(&self, name: &str, email: &str) -> String {
        let mut child = ampli()
            .args([
                "admin",
                "create-user",
                "--verified",
                "--name",
                name,
                "--email",
                email,
            ])
            .env("DATABASE_URL", self.database_url())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout.split_whitespace().nth(1).unwrap().to_owned()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .args(["down", "--dir"])
            .arg(&self.dir)
            .stdin(Stdio::null())
            .output();
    }
}

/// One request; `token` signs it in, `json` is its body.
fn call(port: u16, method: &str, path: &str, token: Option<&str>, json: Option<&str>) -> Answer {
    let mut headers = Vec::new();
    if let Some(token) = token {
        headers.push(format!("Authorization: Bearer {token}"));
    }
    if json.is_some() {
        headers.push("Content-Type: application/json".to_owned());
    }
    let body = json.unwrap_or("").as_bytes();
    http_send(port, method, path, &headers, body, Duration::from_secs(30))
        .unwrap_or_else(|error| panic!("{method} {path} on port {port}: {error}"))
}

fn json(answer: &Answer) -> Value {
    serde_json::from_str(&answer.body)
        .unwrap_or_else(|_| panic!("not JSON ({}): {}", answer.status, answer.body))
}

fn sign_in(port: u16, email: &str) -> (String, String) {
    let body = serde_json::json!({ "email": email, "password": PASSWORD }).to_string();
    let answer = call(port, "POST", "/api/v1/auth/login", None, Some(&body));
    assert_eq!(answer.status, 200, "{}", answer.body);
    let tokens = json(&answer);
    (
        tokens["accessToken"].as_str().unwrap().to_owned(),
        tokens["user"]["id"].as_str().unwrap().to_owned(),
    )
}

/// Polls `check` every 50 ms until it holds; answers how long that took, failing past
/// `within`.
fn within(within: Duration, what: &str, mut check: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    loop {
        if check() {
            return start.elapsed();
        }
        assert!(start.elapsed() < within, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A metric's value summed over its series whose labels contain `labels`.
fn metric(port: u16, name: &str, labels: &str) -> f64 {
    let text = call(port, "GET", "/metrics", None, None).body;
    text.lines()
        .filter(|line| line.starts_with(name) && line.contains(labels))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

fn upload(port: u16, token: &str, title: &str) -> Answer {
    let audio = wav(2);
    let body = multipart_body(&[
        Part::Text("title", title),
        Part::File("file", "tone.wav", &audio),
    ]);
    let headers = [
        format!("Authorization: Bearer {token}"),
        format!("Content-Type: multipart/form-data; boundary={BOUNDARY}"),
    ];
    http_send(
        port,
        "POST",
        "/api/v1/songs",
        &headers,
        &body,
        Duration::from_secs(60),
    )
    .unwrap()
}

#[test]
fn two_instances_behind_haproxy_share_one_state() {
    let cluster = Cluster::up(2);
    let (one, two, front) = (cluster.instance(1), cluster.instance(2), cluster.haproxy());

    instances_know_each_other(&cluster, front);
    a_third_instance_on_local_storage_is_refused(&cluster);
    sign_in_failures_count_once_over_both(&cluster, one, two);
    clients_behind_haproxy_are_counted_apart(&cluster, front);
    mail_requests_count_once_over_both(&cluster, one, two);
    let song = writes_on_one_are_seen_on_the_other(&cluster, one, two);
    plays_count_once_per_listener_and_add_up(&cluster, one, two, &song);
    a_session_ended_on_one_is_refused_by_the_other(&cluster, one, two);
    periodic_jobs_run_once_per_period(&cluster, one, two);
    discovery_caches_follow_rebuilds(&cluster, one, two);
    reads_survive_the_replica_and_return_to_it(&cluster, one, two, front);
    sign_in_fails_closed_without_redis(&cluster, one, two);
    a_killed_instance_fails_no_request(&cluster, front);
}

/// /readyz (through HAProxy) and `ampli admin instances` list both instances.
fn instances_know_each_other(cluster: &Cluster, front: u16) {
    let ready = call(front, "GET", "/readyz", None, None);
    assert_eq!(ready.status, 200, "{}", ready.body);
    let instances = json(&ready)["instances"].as_array().unwrap().clone();
    assert_eq!(instances.len(), 2, "{instances:?}");
    assert!(
        instances.iter().all(|i| i["shareable"] == true),
        "{instances:?}"
    );
    let output = ampli()
        .args(["admin", "instances"])
        .env("DATABASE_URL", cluster.database_url())
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{listed}");
    for port in [cluster.instance(1), cluster.instance(2)] {
        assert!(listed.contains(&format!("127.0.0.1:{port}")), "{listed}");
    }
    assert!(listed.contains("2 instance(s) running"), "{listed}");
}

/// Another instance keeping media in a local folder (and no Redis) is refused at start, with
/// a message that says what to configure.
fn a_third_instance_on_local_storage_is_refused(cluster: &Cluster) {
    let data = cluster.dir.join("refused");
    let output = ampli()
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{}", free_port()),
            "--data-dir",
        ])
        .arg(&data)
        .env("DATABASE_URL", cluster.database_url())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("--s3-bucket") && stderr.contains("--redis-url"),
        "{stderr}"
    );
}

/// Wrong passwords for one account, alternating between the instances, are refused once
/// the configured total is reached: not at twice it.
fn sign_in_failures_count_once_over_both(cluster: &Cluster, one: u16, two: u16) {
    cluster.create_user("Guessed", "guessed@example.org");
    let wrong = r#"{"email":"guessed@example.org","password":"not the password at all"}"#;
    let mut statuses = Vec::new();
    for attempt in 0..SIGN_IN_FAILURES + 4 {
        let port = if attempt % 2 == 0 { one } else { two };
        statuses.push(call(port, "POST", "/api/v1/auth/login", None, Some(wrong)).status);
    }
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    assert_eq!(
        (checked, refused),
        (SIGN_IN_FAILURES as usize, 4),
        "{statuses:?}"
    );
}

/// Behind HAProxy (a trusted proxy), each client is counted by the address HAProxy saw: one
/// that spends its allowance on an account leaves another client's sign-in alone.
fn clients_behind_haproxy_are_counted_apart(cluster: &Cluster, front: u16) {
    cluster.create_user("Shared Office", "office@example.org");
    let login = |client: &str, password: &str| {
        let body = serde_json::json!({ "email": "office@example.org", "password": password });
        let headers = [
            format!("X-Forwarded-For: {client}"),
            "Content-Type: application/json".to_owned(),
        ];
        let body = body.to_string();
        http_send(
            front,
            "POST",
            "/api/v1/auth/login",
            &headers,
            body.as_bytes(),
            Duration::from_secs(30),
        )
        .unwrap()
        .status
    };
    let statuses: Vec<u16> = (0..=SIGN_IN_FAILURES)
        .map(|_| login("198.51.100.1", "wrong wrong wrong"))
        .collect();
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(
        login("198.51.100.1", PASSWORD),
        429,
        "the guesser is held back"
    );
    assert_eq!(
        login("198.51.100.2", PASSWORD),
        200,
        "another client signs in"
    );
}

/// Reset-mail requests for one address, alternating, stop at the configured total.
fn mail_requests_count_once_over_both(cluster: &Cluster, one: u16, two: u16) {
    cluster.create_user("Forgetful", "forgetful@example.org");
    let body = r#"{"email":"forgetful@example.org"}"#;
    let statuses: Vec<u16> = (0..MAIL_REQUESTS * 2)
        .map(|i| {
            let port = if i % 2 == 0 { one } else { two };
            call(
                port,
                "POST",
                "/api/v1/auth/forgot-password",
                None,
                Some(body),
            )
            .status
        })
        .collect();
    let accepted = statuses.iter().filter(|&&s| s == 202).count();
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!(
        (accepted, refused),
        (MAIL_REQUESTS as usize, MAIL_REQUESTS as usize),
        "{statuses:?}"
    );
}

/// An upload, a like, a playlist edit and a profile change made through one instance are
/// seen through the other within a second (its lists read from the replica).
fn writes_on_one_are_seen_on_the_other(cluster: &Cluster, one: u16, two: u16) -> String {
    cluster.create_user("Ann", "ann@example.org");
    let (token, ann) = sign_in(one, "ann@example.org");
    let uploaded = upload(one, &token, "Shared Tune");
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    let song = json(&uploaded)["id"].as_str().unwrap().to_owned();
    within(
        Duration::from_secs(1),
        "the upload in the other's song list",
        || {
            call(two, "GET", "/api/v1/songs?limit=50", None, None)
                .body
                .contains(&song)
        },
    );

    let liked = call(
        one,
        "PUT",
        &format!("/api/v1/songs/{song}/like"),
        Some(&token),
        None,
    );
    assert!(liked.status < 300, "{}", liked.body);
    within(Duration::from_secs(1), "the like on the other", || {
        json(&call(
            two,
            "GET",
            &format!("/api/v1/songs/{song}"),
            None,
            None,
        ))["likeCount"]
            == 1
    });

    let made = call(
        one,
        "POST",
        "/api/v1/playlists",
        Some(&token),
        Some(r#"{"title":"Mix"}"#),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let playlist = json(&made)["id"].as_str().unwrap().to_owned();
    let item = format!(r#"{{"songId":"{song}"}}"#);
    let added = call(
        one,
        "POST",
        &format!("/api/v1/playlists/{playlist}/items"),
        Some(&token),
        Some(&item),
    );
    assert!(added.status < 300, "{}", added.body);
    let renamed = call(
        one,
        "PATCH",
        &format!("/api/v1/playlists/{playlist}"),
        Some(&token),
        Some(r#"{"title":"Road Mix"}"#),
    );
    assert!(renamed.status < 300, "{}", renamed.body);
    within(
        Duration::from_secs(1),
        "the playlist edit on the other",
        || {
            let seen = json(&call(
                two,
                "GET",
                &format!("/api/v1/playlists/{playlist}"),
                None,
                None,
            ));
            let items = call(
                two,
                "GET",
                &format!("/api/v1/playlists/{playlist}/items"),
                None,
                None,
            );
            seen["title"] == "Road Mix" && items.body.contains(&song)
        },
    );

    let changed = call(
        one,
        "PATCH",
        "/api/v1/me",
        Some(&token),
        Some(r#"{"name":"Ann Renamed"}"#),
    );
    assert!(changed.status < 300, "{}", changed.body);
    within(
        Duration::from_secs(1),
        "the profile change on the other",
        || {
            json(&call(
                two,
                "GET",
                &format!("/api/v1/users/{ann}"),
                None,
                None,
            ))["name"]
                == "Ann Renamed"
        },
    );
    song
}

/// One listener's plays sent to both instances within 30 s count once; many listeners'
/// plays over both add up exactly.
fn plays_count_once_per_listener_and_add_up(cluster: &Cluster, one: u16, two: u16, song: &str) {
    let path = format!("/api/v1/songs/{song}/plays");
    let (token, _) = sign_in(two, "ann@example.org");
    let first = json(&call(one, "POST", &path, Some(&token), None));
    let again = json(&call(two, "POST", &path, Some(&token), None));
    assert_eq!(
        (first["counted"].clone(), again["counted"].clone()),
        (Value::Bool(true), Value::Bool(false))
    );
    let listeners = 6;
    for n in 0..listeners {
        let email = format!("listener{n}@example.org");
        cluster.create_user(&format!("Listener {n}"), &email);
        let port = if n % 2 == 0 { one } else { two };
        let (token, _) = sign_in(port, &email);
        let answer = json(&call(port, "POST", &path, Some(&token), None));
        assert_eq!(answer["counted"], true);
    }
    // Counts are written every second by each instance.
    within(Duration::from_secs(5), "every play counted once", || {
        json(&call(
            one,
            "GET",
            &format!("/api/v1/songs/{song}"),
            None,
            None,
        ))["playCount"]
            == 1 + listeners
    });
}

/// Signing out through one instance ends the session there at once and on the other within
/// moments: the other keeps open sessions in memory and drops them on PostgreSQL's notice.
fn a_session_ended_on_one_is_refused_by_the_other(_cluster: &Cluster, one: u16, two: u16) {
    let (token, _) = sign_in(two, "ann@example.org");
    for port in [one, two, one, two] {
        assert_eq!(
            call(port, "GET", "/api/v1/me", Some(&token), None).status,
            200
        );
    }
    assert_eq!(
        call(one, "POST", "/api/v1/auth/logout", Some(&token), None).status,
        204
    );
    let after = call(one, "GET", "/api/v1/me", Some(&token), None);
    assert_eq!(after.status, 401, "{}", after.body);
    let took = within(
        Duration::from_secs(1),
        "the other instance refuses it",
        || call(two, "GET", "/api/v1/me", Some(&token), None).status == 401,
    );
    eprintln!("the other instance refused the ended session after {took:?}");
}

/// With both instances up, the discovery rebuild runs once per period in all, not once per
/// instance: the runs counted by both add up to what one would make.
fn periodic_jobs_run_once_per_period(_cluster: &Cluster, one: u16, two: u16) {
    let runs = |outcome: &str| {
        let labels = format!(r#"job="refresh-playlists",outcome="{outcome}""#);
        metric(one, "ampli_job_runs_total", &labels) + metric(two, "ampli_job_runs_total", &labels)
    };
    let before = runs("ok");
    let watched = REFRESH_EVERY * 4;
    std::thread::sleep(watched);
    let ran = runs("ok") - before;
    let periods = watched.as_secs_f64() / REFRESH_EVERY.as_secs_f64();
    // Each instance's timer fires once a period: without the shared record both would run.
    assert!(
        ran >= periods - 1.0 && ran <= periods + 1.0,
        "{ran} runs in {periods} periods (skipped: {})",
        runs("skipped")
    );
    assert!(
        runs("skipped") >= 1.0,
        "the other instance's timer found it done"
    );
}

/// The discovery lists are kept in memory; a rebuild on whichever instance runs it (or by
/// `ampli admin refresh-playlists`) reaches both within a second.
fn discovery_caches_follow_rebuilds(cluster: &Cluster, one: u16, two: u16) {
    let newest = |port: u16| -> Option<String> {
        let lists = json(&call(port, "GET", "/api/v1/discover/playlists", None, None));
        lists
            .as_array()?
            .iter()
            .filter_map(|list| list["updatedAt"].as_str().map(str::to_owned))
            .max()
    };
    let output = ampli()
        .args(["admin", "refresh-playlists"])
        .env("DATABASE_URL", cluster.database_url())
        .env(
            "AMPLI_REDIS_URL",
            format!("redis://127.0.0.1:{}/", cluster.setting("REDIS_PORT")),
        )
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // What the database holds now (the periodic job may rebuild again meanwhile: then the
    // instances must show that one, still within a second of it).
    let database = || {
        let statement = "select max(to_char(updatedat at time zone 'UTC', \
                         'YYYY-MM-DD\"T\"HH24:MI:SS.US')) from autogeneratedplaylists";
        sql(cluster, statement).trim().to_owned()
    };
    let mut last_change = (database(), Instant::now());
    within(
        Duration::from_secs(8),
        "both instances showing the latest rebuild",
        || {
            let now = database();
            if now != last_change.0 {
                last_change = (now.clone(), Instant::now());
            }
            let shown = [newest(one), newest(two)];
            let current = shown.iter().all(|s| {
                s.as_deref()
                    .is_some_and(|s| s.starts_with(&now[..now.len().min(23)]))
            });
            if !current {
                assert!(
                    last_change.1.elapsed() < Duration::from_millis(1500),
                    "an instance still shows {shown:?} {:?} after the rebuild of {now}",
                    last_change.1.elapsed()
                );
            }
            current
        },
    );
}

/// With the replica stopped every read still answers 200 (from the primary); once it is
/// back, reads go to it again, as /metrics shows.
fn reads_survive_the_replica_and_return_to_it(cluster: &Cluster, one: u16, two: u16, front: u16) {
    let reads = [
        "/api/v1/songs?limit=10",
        "/api/v1/search?q=shared",
        "/api/v1/discover/playlists",
        "/api/v1/albums?limit=10",
        "/api/v1/artists?limit=10",
    ];
    let replica_reads = || {
        metric(one, "ampli_db_reads_total", r#"pool="replica-1""#)
            + metric(two, "ampli_db_reads_total", r#"pool="replica-1""#)
    };
    within(
        Duration::from_secs(10),
        "reads going to the replica",
        || {
            let before = replica_reads();
            for path in reads {
                assert_eq!(call(front, "GET", path, None, None).status, 200, "{path}");
            }
            replica_reads() > before
        },
    );

    cluster.part("stop", "replica");
    let stopped = Instant::now();
    while stopped.elapsed() < Duration::from_secs(3) {
        for path in reads {
            let answer = call(front, "GET", path, None, None);
            assert_eq!(
                answer.status, 200,
                "{path} with the replica down: {}",
                answer.body
            );
        }
    }
    for port in [one, two] {
        assert_eq!(
            metric(port, "ampli_db_replica_healthy", r#"pool="replica-1""#),
            0.0
        );
        let text = call(port, "GET", "/metrics", None, None).body;
        assert!(
            text.contains(r#"ampli_db_replica_lag_seconds{pool="replica-1"}"#),
            "{text}"
        );
    }
    let replica_before = replica_reads();
    for path in reads {
        assert_eq!(call(front, "GET", path, None, None).status, 200, "{path}");
    }
    assert_eq!(
        replica_reads(),
        replica_before,
        "nothing read from a stopped replica"
    );

    cluster.part("start", "replica");
    within(Duration::from_secs(30), "the replica taken back", || {
        [one, two]
            .iter()
            .all(|&port| metric(port, "ampli_db_replica_healthy", r#"pool="replica-1""#) == 1.0)
    });
    let before = replica_reads();
    for path in reads {
        assert_eq!(call(front, "GET", path, None, None).status, 200, "{path}");
    }
    assert!(replica_reads() > before, "reads back on the replica");
}

/// Without Redis, sign-in answers 503 with Retry-After (never unlimited guesses) while
/// browsing goes on; once Redis is back the limits hold again, without a restart.
fn sign_in_fails_closed_without_redis(cluster: &Cluster, one: u16, two: u16) {
    cluster.create_user("Patient", "patient@example.org");
    cluster.part("stop", "redis");
    let body =
        serde_json::json!({ "email": "patient@example.org", "password": PASSWORD }).to_string();
    for port in [one, two] {
        let answer = call(port, "POST", "/api/v1/auth/login", None, Some(&body));
        assert_eq!(answer.status, 503, "{}", answer.body);
        assert!(answer.header("retry-after").is_some(), "{}", answer.head);
        assert!(
            answer.body.contains("limits_unavailable"),
            "{}",
            answer.body
        );
        assert_eq!(
            call(port, "GET", "/api/v1/songs?limit=5", None, None).status,
            200
        );
        // The discovery lists bypass their cache (it cannot hear invalidations now).
        let lists = call(port, "GET", "/api/v1/discover/playlists", None, None);
        assert_eq!(lists.status, 200, "{}", lists.body);
    }
    cluster.part("start", "redis");
    within(Duration::from_secs(15), "sign-in back with Redis", || {
        call(one, "POST", "/api/v1/auth/login", None, Some(&body)).status == 200
            && call(two, "POST", "/api/v1/auth/login", None, Some(&body)).status == 200
    });
    let wrong = r#"{"email":"patient@example.org","password":"wrong wrong wrong"}"#;
    let statuses: Vec<u16> = (0..SIGN_IN_FAILURES + 2)
        .map(|i| {
            call(
                if i % 2 == 0 { one } else { two },
                "POST",
                "/api/v1/auth/login",
                None,
                Some(wrong),
            )
            .status
        })
        .collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 429).count(),
        2,
        "{statuses:?}"
    );
}

/// An instance SIGKILLed while requests keep coming: once HAProxy's health check has seen
/// it (two failed checks a second apart), no request fails.
fn a_killed_instance_fails_no_request(cluster: &Cluster, front: u16) {
    let running = Arc::new(AtomicBool::new(true));
    let failures_after_notice = Arc::new(AtomicU64::new(0));
    let answered = Arc::new(AtomicU64::new(0));
    let noticed = Arc::new(AtomicBool::new(false));
    let load = {
        let (running, failures, answered, noticed) = (
            running.clone(),
            failures_after_notice.clone(),
            answered.clone(),
            noticed.clone(),
        );
        std::thread::spawn(move || {
            let mut errors = Vec::new();
            while running.load(Ordering::Acquire) {
                let status = http_send(
                    front,
                    "GET",
                    "/api/v1/songs?limit=5",
                    &[],
                    b"",
                    Duration::from_secs(10),
                )
                .map(|answer| answer.status)
                .unwrap_or(0);
                answered.fetch_add(1, Ordering::Relaxed);
                if status != 200 && noticed.load(Ordering::Acquire) {
                    failures.fetch_add(1, Ordering::Relaxed);
                    errors.push(status);
                }
            }
            errors
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    // An upload in flight on the instance about to die: whatever step the kill lands on, it
    // must leave no song row without its file and, once the sweep has run, no file without
    // its row.
    let doomed = cluster.instance(2);
    let token = sign_in(doomed, "ann@example.org").0;
    let upload_started = Instant::now();
    let in_flight = std::thread::spawn(move || upload(doomed, &token, "Killed Upload").status);
    std::thread::sleep(Duration::from_millis(300));
    cluster.part("kill", "instance-2");
    let upload_status = in_flight.join().unwrap();
    // HAProxy checks every second and takes a server out after two failures.
    std::thread::sleep(Duration::from_secs(3));
    noticed.store(true, Ordering::Release);
    let counted_from = answered.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_secs(3));
    running.store(false, Ordering::Release);
    let errors = load.join().unwrap();
    let after = answered.load(Ordering::Relaxed) - counted_from;
    assert!(after > 10, "requests kept coming ({after})");
    assert_eq!(
        failures_after_notice.load(Ordering::Relaxed),
        0,
        "failed after HAProxy noticed: {errors:?}\n{}",
        cluster.log("haproxy")
    );
    let ready = json(&call(front, "GET", "/readyz", None, None));
    assert_eq!(ready["status"], "ready");

    let output = ampli()
        .args(["admin", "sweep-media", "--grace", "0s"])
        .env("DATABASE_URL", cluster.database_url())
        .env("AMPLI_S3_BUCKET", cluster.setting("S3_BUCKET"))
        .env(
            "AMPLI_S3_ENDPOINT",
            format!("http://127.0.0.1:{}", cluster.setting("S3_PORT")),
        )
        .env("AMPLI_S3_ACCESS_KEY_ID", "test")
        .env("AMPLI_S3_SECRET_ACCESS_KEY", "test")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stored: Vec<String> = s3_keys(cluster)
        .iter()
        .filter_map(|key| Some(key.strip_prefix("songs/")?.split('/').next()?.to_owned()))
        .collect();
    let rows = sql(cluster, "select songid from songs order by songid");
    let rows: Vec<&str> = rows.lines().collect();
    for song in &stored {
        assert!(
            rows.contains(&song.as_str()),
            "an object without its row: {song}"
        );
    }
    for row in &rows {
        assert!(
            stored.iter().any(|song| song == row),
            "a row without its file: {row}"
        );
    }
    let killed = sql(
        cluster,
        "select count(*) from songs where title = 'Killed Upload'",
    );
    eprintln!(
        "the upload killed after {:?} answered {upload_status}; its rows: {killed}",
        upload_started.elapsed()
    );
}

/// A statement's rows on the primary, one per line.
fn sql(cluster: &Cluster, statement: &str) -> String {
    let output = Command::new("psql")
        .args(["-At", "-d", &cluster.database_url(), "-c", statement])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every key in the cluster's bucket (moto answers unsigned listings).
fn s3_keys(cluster: &Cluster) -> Vec<String> {
    let port: u16 = cluster.setting("S3_PORT").parse().unwrap();
    let path = format!(
        "/{}?list-type=2&max-keys=1000",
        cluster.setting("S3_BUCKET")
    );
    let listing = http_send(port, "GET", &path, &[], b"", Duration::from_secs(10)).unwrap();
    assert!(
        !listing.body.contains("<IsTruncated>true"),
        "one page holds the test's keys"
    );
    listing
        .body
        .split("<Key>")
        .skip(1)
        .filter_map(|part| part.split("</Key>").next())
        .map(str::to_owned)
        .collect()
}
