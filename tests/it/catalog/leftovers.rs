//! What a killed server leaves behind (spooled uploads, transcoding folders, partial media
//! writes, files no row points to) is gone after the next start; legitimate files stay.

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::support::TestApp;
use crate::support::audio::wav;
use crate::support::process::{free_port, process_alive, serve_app, wait_until_ready};
use crate::support::songs::{Part, upload};

/// Entries of `dir` whose names start with `prefix`.
fn named(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .map(|e| e.path())
        .collect()
}

/// Polls `found` every 10 ms for up to `limit`, panicking with the server's log.
fn wait_for<T>(what: &str, limit: Duration, log: &Path, mut found: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "{what} never happened:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The processes `pid` started (ffmpeg, while it transcodes).
fn children(pid: u32) -> Vec<i32> {
    let mut found = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .flatten()
    {
        let list = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        found.extend(
            list.split_whitespace()
                .filter_map(|p| p.parse::<i32>().ok()),
        );
    }
    found
}

/// A file as old as `age`, written where the store keeps `key`.
fn media_file(media: &Path, key: &str, age: Duration) -> PathBuf {
    let path = media.join(key);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"written before the crash").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(SystemTime::now() - age)
        .unwrap();
    path
}

#[tokio::test]
async fn what_a_killed_server_leaves_is_cleared_at_the_next_start() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("kit").await;
    // Four minutes of audio: its transcode lasts long enough to be interrupted.
    let long = upload(
        &app,
        &me.access,
        &[
            Part::Text("title", "Long"),
            Part::File("file", "long.wav", &wav(240)),
        ],
    )
    .await;
    assert_eq!(long.status, 201, "{}", long.text());
    let song = long.json()["id"].as_str().unwrap().to_owned();
    // Held back until the server is up and an upload is on its way.
    sqlx::query("update jobs set runafter = now() + interval '1 hour'")
        .execute(&app.db.pool)
        .await
        .unwrap();

    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("first.log");
    let tmp = app.data_dir.path().join("tmp");
    let media = app.data_dir.path().join("media");
    let port = free_port();
    let mut server = serve_app(&app, port, &log, &[]);
    wait_until_ready(&mut server, port, &log);

    // An upload the kill interrupts: 100 kB of a promised 10 MB have arrived.
    let mut client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let boundary = "killed-upload";
    write!(
        client,
        "POST /api/v1/songs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 10000000\r\n\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\n",
        me.access
    )
    .unwrap();
    client.write_all(&wav(60)[..100_000]).unwrap();
    let spool = wait_for("the upload spooling", Duration::from_secs(20), &log, || {
        named(&tmp, "upload-")
            .into_iter()
            .find(|p| p.metadata().is_ok_and(|m| m.len() > 0))
    });

    sqlx::query("update jobs set runafter = now()")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let work = wait_for(
        "the transcode starting",
        Duration::from_secs(30),
        &log,
        || {
            let ffmpeg = children(server.id());
            named(&tmp, "transcode-")
                .into_iter()
                .find(|dir| dir.join("original").exists() && !ffmpeg.is_empty())
        },
    );
    let ffmpeg = children(server.id());
    kill(Pid::from_raw(server.id() as i32), Signal::SIGKILL).unwrap();
    server.wait().unwrap();
    drop(client);
    // ffmpeg outlives the server it was working for; it ends on its own.
    wait_for("ffmpeg ending", Duration::from_secs(60), &log, || {
        ffmpeg.iter().all(|pid| !process_alive(*pid)).then_some(())
    });
    assert!(spool.exists() && work.exists(), "the kill left both behind");

    // The local store's partial writes, as a kill mid-write leaves them: a new song's original
    // and a rendition of the kept song. And files no row points to, old and new.
    let partial_original = media_file(
        &media,
        &format!("songs/{}/original.mp3#1", uuid::Uuid::new_v4()),
        Duration::ZERO,
    );
    let partial_rendition = media_file(&media, &format!("songs/{song}/high.ogg#1"), Duration::ZERO);
    let old_orphan = media_file(
        &media,
        &format!("songs/{}/original.flac", uuid::Uuid::new_v4()),
        Duration::from_secs(7200),
    );
    let young_orphan = media_file(
        &media,
        &format!("songs/{}/original.ogg", uuid::Uuid::new_v4()),
        Duration::ZERO,
    );
    let kept = media.join(format!("songs/{song}/original.wav"));
    assert!(kept.exists());

    let log = logs.path().join("second.log");
    let port = free_port();
    let mut server = serve_app(&app, port, &log, &[]);
    wait_until_ready(&mut server, port, &log);
    assert!(
        named(&tmp, "upload-").is_empty(),
        "the spooled upload is gone"
    );
    assert!(
        named(&tmp, "transcode-").is_empty(),
        "the transcode folder is gone"
    );
    assert!(!partial_original.exists(), "a partial original is gone");
    assert!(
        !partial_original.parent().unwrap().exists(),
        "and so is its empty folder"
    );
    assert!(!partial_rendition.exists(), "a partial rendition is gone");
    assert!(kept.exists(), "the song's original stays");
    // The sweep comes soon after start, not an hour later.
    wait_for("the orphan sweep", Duration::from_secs(150), &log, || {
        (!old_orphan.exists()).then_some(())
    });
    assert!(
        young_orphan.exists(),
        "younger than the grace period: may be in flight"
    );
    assert!(kept.exists());
    kill(Pid::from_raw(server.id() as i32), Signal::SIGTERM).unwrap();
    assert!(server.wait().unwrap().success());
}
