//! The waveform the transcoding job measures once per song, read back through the API.

use serde_json::Value;

use crate::support::TestApp;
use crate::support::songs::{Part, transcoder, upload};

/// Four seconds at 8 kHz: two loud (a tone at 30,000 of 32,767), then two quiet (3,000).
fn loud_then_quiet() -> Vec<u8> {
    let rate = 8000u32;
    let samples: Vec<i16> = (0..rate * 4)
        .map(|i| {
            let amplitude = if i < rate * 2 { 30_000.0 } else { 3_000.0 };
            ((i as f32 * 220.0 * std::f32::consts::TAU / rate as f32).sin() * amplitude) as i16
        })
        .collect();
    ampli::media::audio::wav_pcm16(&samples, rate)
}

#[tokio::test]
async fn the_waveform_shows_where_a_song_is_loud_and_where_quiet() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("wava").await;
    let wav = loud_then_quiet();
    let song = upload(
        &app,
        &owner.access,
        &[
            Part::Text("title", "Waves"),
            Part::File("file", "waves.wav", &wav),
        ],
    )
    .await;
    assert_eq!(song.status, 201, "{}", song.text());
    let uri = format!(
        "/api/v1/songs/{}/peaks",
        song.json()["id"].as_str().unwrap()
    );

    // Not measured until the song is transcoded: a stable code the player falls back on.
    app.get(&uri).await.assert_problem(404, "peaks_not_ready");
    let worker = transcoder(&app);
    assert!(worker.run_one().await.unwrap());

    let answer = app.get(&uri).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(
        answer.header("cache-control"),
        Some("public, max-age=86400")
    );
    let body: Value = answer.json();
    let peaks: Vec<u64> = body["peaks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_u64().unwrap())
        .collect();
    assert_eq!(peaks.len(), 512);
    // 30,000 of full scale is 233 of 255, 3,000 is 23; a slice or two at the turn may mix.
    let (loud, quiet) = (&peaks[..250], &peaks[262..]);
    assert!(loud.iter().all(|&p| (225..=240).contains(&p)), "{loud:?}");
    assert!(quiet.iter().all(|&p| (18..=28).contains(&p)), "{quiet:?}");

    // Another song id, and no song at all.
    app.get("/api/v1/songs/00000000-0000-0000-0000-000000000000/peaks")
        .await
        .assert_problem(404, "song_not_found");
}

#[tokio::test]
async fn a_song_transcoded_before_waveforms_gets_one_without_being_transcoded_again() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("olden").await;
    let song = upload(
        &app,
        &owner.access,
        &[
            Part::Text("title", "Old"),
            Part::File("file", "old.wav", &loud_then_quiet()),
        ],
    )
    .await;
    let id: uuid::Uuid = song.json()["id"].as_str().unwrap().parse().unwrap();
    let worker = transcoder(&app);
    assert!(worker.run_one().await.unwrap());
    // As an older Ampli left it: renditions, no waveform.
    sqlx::query("delete from songpeaks")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let renditions = || async {
        // xmin changes with any update of a row: the same means untouched.
        sqlx::query_as::<_, (String, String)>(
            "select quality, xmin::text from songrenditions where songid = $1 order by quality",
        )
        .bind(id)
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
    };
    let before = renditions().await;
    assert_eq!(before.len(), 4);

    // Migration 19 (idempotent, so it can be run again here) queues the song once more; its
    // job measures the waveform and makes no rendition again.
    sqlx::raw_sql(include_str!("../../../migrations/0019_song_peaks.sql"))
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert!(worker.run_one().await.unwrap());
    assert!(!worker.run_one().await.unwrap(), "one job for the song");
    assert_eq!(renditions().await, before);
    let answer = app.get(&format!("/api/v1/songs/{id}/peaks")).await;
    assert_eq!(answer.status, 200, "{}", answer.text());

    // Once it has one, running the migration again queues nothing.
    sqlx::raw_sql(include_str!("../../../migrations/0019_song_peaks.sql"))
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert!(!worker.run_one().await.unwrap());
}
