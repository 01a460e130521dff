//! Audio that looks right but does not play to its end is never published, and a transcode
//! that keeps failing is given up.

use std::path::Path;

use crate::support::TestApp;
use crate::support::audio::{encoded, wav};
use crate::support::songs::{Part, song_count, upload, uploaded_song};

/// A 3-second MP3 as ffmpeg writes it: an ID3 tag, then a Xing header that gives the frame
/// count, so the claimed duration does not depend on the file's length.
fn mp3(dir: &Path) -> Vec<u8> {
    encoded(
        dir,
        "tone.mp3",
        3,
        None,
        &["-c:a", "libmp3lame", "-f", "mp3"],
    )
}

/// A WAV whose header says 0 samples a second but keeps a plausible byte rate (so its
/// duration still reads as 3 s).
fn wav_at_zero_hertz() -> Vec<u8> {
    let mut bytes = wav(3);
    bytes[24..28].copy_from_slice(&0u32.to_le_bytes());
    bytes
}

/// A one-pixel GIF with a good MP3 behind it.
fn gif_then_mp3(mp3: &[u8]) -> Vec<u8> {
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    [gif.as_slice(), mp3].concat()
}

/// The four broken files of the report, with the code each is refused with.
fn broken_files(dir: &Path) -> Vec<(&'static str, Vec<u8>, u16, &'static str)> {
    let mp3 = mp3(dir);
    vec![
        (
            "first 1000 bytes of an MP3",
            mp3[..1000].to_vec(),
            422,
            "audio_truncated",
        ),
        (
            "half an MP3",
            mp3[..mp3.len() / 2].to_vec(),
            422,
            "audio_truncated",
        ),
        ("a WAV at 0 Hz", wav_at_zero_hertz(), 422, "invalid_audio"),
        (
            "a GIF before MP3 data",
            gif_then_mp3(&mp3),
            415,
            "unsupported_audio",
        ),
    ]
}

/// A 3-second FLAC cut at the first frame boundary past its middle: every header and every
/// frame left is sound (lofty reads it as 3 s from STREAMINFO), it just ends at about 1.3 s.
fn flac_cut_between_frames(dir: &Path) -> Vec<u8> {
    let flac = encoded(dir, "tone.flac", 3, None, &["-c:a", "flac", "-f", "flac"]);
    let cut = (flac.len() / 2..flac.len() - 1)
        .find(|&i| flac[i] == 0xFF && flac[i + 1] == 0xF8)
        .expect("a frame starts after the middle");
    flac[..cut].to_vec()
}

#[tokio::test]
async fn audio_that_does_not_decode_to_its_end_is_refused_at_upload() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("bo").await;
    let dir = tempfile::tempdir().unwrap();
    let mut cases = broken_files(dir.path());
    let flac = encoded(
        dir.path(),
        "whole.flac",
        3,
        None,
        &["-c:a", "flac", "-f", "flac"],
    );
    // Both pass lofty's checks: only the full decode finds them.
    cases.push((
        "a FLAC cut between frames",
        flac_cut_between_frames(dir.path()),
        422,
        "audio_truncated",
    ));
    cases.push((
        "a FLAC cut inside a frame",
        flac[..flac.len() / 2].to_vec(),
        422,
        "audio_unreadable",
    ));
    for (what, bytes, status, code) in &cases {
        let response = upload(
            &app,
            &me.access,
            &[
                Part::Text("title", what),
                Part::File("file", "song.mp3", bytes),
            ],
        )
        .await;
        assert_eq!(
            response.status.as_u16(),
            *status,
            "{what}: {}",
            response.text()
        );
        response.assert_problem(*status, code);
    }
    assert_eq!(song_count(&app).await, 0, "nothing was published");
    assert!(app.media_files().is_empty(), "{:?}", app.media_files());

    for (name, bytes) in [("good.mp3", mp3(dir.path())), ("good.flac", flac)] {
        let good = upload(
            &app,
            &me.access,
            &[Part::Text("title", name), Part::File("file", name, &bytes)],
        )
        .await;
        assert_eq!(good.status, 201, "{name}: {}", good.text());
        assert_eq!(good.json()["duration"], 3, "{name}");
    }
}

#[test]
fn without_ffmpeg_the_headers_alone_refuse_the_four_broken_files() {
    use ampli::media::audio::{AudioError, inspect};
    let dir = tempfile::tempdir().unwrap();
    for (what, bytes, _, code) in broken_files(dir.path()) {
        let path = dir.path().join("upload");
        std::fs::write(&path, &bytes).unwrap();
        let expected = match code {
            "audio_truncated" => AudioError::Truncated,
            "invalid_audio" => AudioError::Invalid,
            _ => AudioError::Unsupported,
        };
        assert_eq!(inspect(&path).err(), Some(expected), "{what}");
    }
    let path = dir.path().join("good");
    std::fs::write(&path, mp3(dir.path())).unwrap();
    assert_eq!(inspect(&path).unwrap().duration_seconds, 3);
}

#[tokio::test]
async fn a_transcode_that_keeps_failing_is_given_up_after_its_attempts() {
    use ampli::catalog::transcode::MAX_ATTEMPTS;
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("cy").await;
    let song = uploaded_song(&app, &me.access, "Spoiled later").await;
    let id = song["id"].as_str().unwrap();
    // The stored original goes bad after the upload (a disk error, an older Ampli that let
    // it in): every transcode of it fails.
    let original = app
        .data_dir
        .path()
        .join(format!("media/songs/{id}/original.wav"));
    std::fs::write(&original, wav_at_zero_hertz()).unwrap();
    let transcoder = app
        .state
        .catalog
        .transcoder(app.state.metrics.clone())
        .expect("ffmpeg is installed for the tests");
    let db = &app.db.pool;
    let mut runs = 0;
    for _ in 0..3 * MAX_ATTEMPTS {
        // Skip the back-off: every retry is due at once.
        sqlx::query("update jobs set runafter = now() - interval '1 second' where attempts < $1")
            .bind(MAX_ATTEMPTS)
            .execute(db)
            .await
            .unwrap();
        if !transcoder.run_one().await.unwrap() {
            break;
        }
        runs += 1;
    }
    assert_eq!(runs, MAX_ATTEMPTS, "tried exactly as often as allowed");
    let (attempts, error): (i32, Option<String>) =
        sqlx::query_as("select attempts, lasterror from jobs")
            .fetch_one(db)
            .await
            .expect("the given-up job stays for the operator to see");
    assert_eq!(attempts, MAX_ATTEMPTS);
    assert!(error.unwrap_or_default().contains("ffmpeg"));

    // A job whose leases all ended with its worker killed (nothing recorded but the count)
    // is not taken once more, even though its lease has run out.
    let other = uploaded_song(&app, &me.access, "Crashes its worker").await;
    sqlx::query(
        "update jobs set attempts = $1, runafter = now() - interval '1 second'
          where payload->>'songId' = $2",
    )
    .bind(MAX_ATTEMPTS)
    .bind(other["id"].as_str().unwrap())
    .execute(db)
    .await
    .unwrap();
    assert!(
        !transcoder.run_one().await.unwrap(),
        "no job is due any more"
    );
    let renditions: i64 = sqlx::query_scalar("select count(*) from songrenditions")
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(renditions, 0);
}
