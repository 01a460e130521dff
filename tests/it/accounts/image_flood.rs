//! A flood of the largest avatars the limits let through keeps the real server's memory under
//! a stated budget: decodes queue behind the decode budget instead of adding up.

use std::io::Cursor;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use ampli::media::images::{DECODE_BUDGET, MAX_BYTES, MAX_PIXELS};
use image::{ImageBuffer, ImageFormat, Rgba, RgbaImage};
use serde_json::json;

use crate::support::TestApp;
use crate::support::accounts::PASSWORD;
use crate::support::images::crc32;
use crate::support::process::{
    Answer, KillOnDrop, free_port, http_send, memory_of, reset_peak_memory, spawn_serve_on,
    wait_until_ready,
};

/// Uploads sent at once.
const PARALLEL: usize = 16;
/// What the idle server may hold (measured: 69–82 MiB for the debug build).
const BASELINE: u64 = 128 << 20;
/// What the uploads' bodies hold while they wait for their decodes: one copy each (the body
/// read is handed to the decoder, not copied: two copies took this flood to 1,015 MiB).
const BODIES: u64 = PARALLEL as u64 * MAX_BYTES as u64;
/// Allocator and thread stacks, the renditions being written, the header reads.
const SLACK: u64 = 128 << 20;
/// The server's peak RSS during the flood may not pass this. Without a decode budget the 16
/// decodes of 128 MiB of pixels each run at once and take the server well past 2 GiB.
const MEMORY_BUDGET: u64 = BASELINE + DECODE_BUDGET as u64 + BODIES + SLACK;

/// The decode that costs most: 4096 × 4096 pixels of 16-bit RGBA (128 MiB decoded), whose
/// body is padded with a private ancillary chunk (which decoders skip) to just under the
/// byte limit, so that the bodies waiting for their turn weigh as much as they can.
fn worst_case_png() -> Vec<u8> {
    let side = (MAX_PIXELS as f64).sqrt() as u32;
    let picture: ImageBuffer<Rgba<u16>, Vec<u16>> = ImageBuffer::from_fn(side, side, |x, y| {
        Rgba([(x * 16) as u16, (y * 16) as u16, 0x8000, 0xFFFF])
    });
    let mut png = Cursor::new(Vec::new());
    picture.write_to(&mut png, ImageFormat::Png).unwrap();
    let png = png.into_inner();
    // After the signature (8 bytes) and IHDR (25): length, type, data, CRC.
    let room = MAX_BYTES - png.len() - 12 - 4096;
    let mut chunk = b"paDs".to_vec();
    chunk.resize(4 + room, 0x5A);
    let mut padded = png[..33].to_vec();
    padded.extend_from_slice(&(room as u32).to_be_bytes());
    padded.extend_from_slice(&chunk);
    padded.extend_from_slice(&crc32(&chunk).to_be_bytes());
    padded.extend_from_slice(&png[33..]);
    assert!(padded.len() < MAX_BYTES);
    padded
}

/// The reproducer of issue 17: a real 6000 × 6000 RGBA picture, 140 KB of PNG.
fn old_reproducer_png() -> Vec<u8> {
    let picture: RgbaImage =
        ImageBuffer::from_fn(6000, 6000, |x, _| Rgba([(x % 256) as u8, 40, 90, 255]));
    let mut png = Cursor::new(Vec::new());
    picture.write_to(&mut png, ImageFormat::Png).unwrap();
    png.into_inner()
}

/// Sends `body` as an avatar from `PARALLEL` clients at once; answers each answer and how
/// long it took, and the server's peak RSS over the flood.
fn flood(server: &Child, port: u16, token: &str, body: &[u8]) -> (Vec<(Answer, Duration)>, u64) {
    reset_peak_memory(server.id());
    let headers = [
        format!("Authorization: Bearer {token}"),
        "Content-Type: application/octet-stream".to_owned(),
    ];
    let answers = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..PARALLEL)
            .map(|_| {
                scope.spawn(|| {
                    let started = Instant::now();
                    let answer = http_send(
                        port,
                        "PUT",
                        "/api/v1/me/avatar",
                        &headers,
                        body,
                        Duration::from_secs(300),
                    )
                    .expect("the server answers");
                    (answer, started.elapsed())
                })
            })
            .collect();
        clients
            .into_iter()
            .map(|client| client.join().unwrap())
            .collect::<Vec<_>>()
    });
    (answers, memory_of(server.id(), "VmHWM"))
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1 << 20)
}

fn sign_in(port: u16, email: &str, log: &Path) -> String {
    let body = json!({"email": email, "password": PASSWORD}).to_string();
    let answer = http_send(
        port,
        "POST",
        "/api/v1/auth/login",
        &["Content-Type: application/json".to_owned()],
        body.as_bytes(),
        Duration::from_secs(30),
    )
    .unwrap();
    assert_eq!(
        answer.status,
        200,
        "{}\n{}",
        answer.body,
        std::fs::read_to_string(log).unwrap_or_default()
    );
    let tokens: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    tokens["accessToken"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sixteen_parallel_worst_case_avatars_keep_the_server_under_its_memory_budget() {
    let app = TestApp::new().await;
    let (email, _) = app.verified_user("flo").await;
    let worst = worst_case_png();
    let refused = old_reproducer_png();

    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("serve.log");
    let port = free_port();
    let mut server = KillOnDrop(spawn_serve_on(
        app.data_dir.path(),
        &app.db.url(),
        port,
        // Sixteen decodes, two at a time, can outlast the default request timeout (30 s) and
        // idle timeout (60 s: a queued upload moves no byte) on two busy cores; the 503 or the
        // closed connection that follows is not what this test is about.
        &["--request-timeout", "600s", "--idle-timeout", "600s"],
        &log,
    ));
    wait_until_ready(&mut server.0, port, &log);
    let token = sign_in(port, &email, &log);
    let baseline = memory_of(server.0.id(), "VmRSS");

    // The old reproducer is refused from its header: no pixel is decoded.
    let (answers, peak) = flood(&server.0, port, &token, &refused);
    for (answer, _) in &answers {
        assert_eq!(answer.status, 413, "{}", answer.body);
        assert!(
            answer.body.contains("\"image_too_large\""),
            "{}",
            answer.body
        );
    }
    let slowest = answers.iter().map(|(_, took)| *took).max().unwrap();
    eprintln!(
        "{PARALLEL} × 6000×6000 ({} KB): baseline {:.0} MiB, peak {:.0} MiB, slowest answer {slowest:.2?}",
        refused.len() / 1000,
        mib(baseline),
        mib(peak)
    );
    assert!(
        peak < baseline + SLACK,
        "refusing {PARALLEL} oversized pictures took the server from {:.0} to {:.0} MiB",
        mib(baseline),
        mib(peak)
    );

    let started = Instant::now();
    let (answers, peak) = flood(&server.0, port, &token, &worst);
    eprintln!(
        "{PARALLEL} × 4096×4096 RGBA16 ({:.1} MiB each): baseline {:.0} MiB, peak {:.0} MiB \
         (+{:.0}), budget {:.0} MiB, {:.1?}",
        mib(worst.len() as u64),
        mib(baseline),
        mib(peak),
        mib(peak.saturating_sub(baseline)),
        mib(MEMORY_BUDGET),
        started.elapsed()
    );
    for (answer, _) in &answers {
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    assert!(
        baseline < BASELINE,
        "the idle server holds {:.0} MiB",
        mib(baseline)
    );
    assert!(
        peak < MEMORY_BUDGET,
        "{PARALLEL} parallel avatars took the server to {:.0} MiB, over its budget of {:.0} MiB",
        mib(peak),
        mib(MEMORY_BUDGET)
    );
    assert!(server.0.try_wait().unwrap().is_none(), "the server died");
}
