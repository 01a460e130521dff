//! Tags read at upload from real files: ffmpeg writes each format's own tags (ID3v2 frames,
//! FLAC and Ogg Vorbis comments, MP4 atoms) and `inspect` must read them all back.

use std::path::Path;
use std::process::Command;

use ampli::media::audio::inspect;
use ampli::media::tags::{Position, Tags};
use lofty::config::WriteOptions;
use lofty::prelude::*;
use lofty::tag::ItemKey;

/// The tags every format gets, as ffmpeg's `-metadata` arguments.
const METADATA: &[(&str, &str)] = &[
    ("title", "Night Drive"),
    ("album", "Long Roads"),
    ("album_artist", "The Drivers"),
    ("artist", "The Drivers feat. Ana Lí & Bo"),
    ("track", "3/12"),
    ("disc", "1/2"),
    ("date", "2019-05-03"),
    ("genre", "Synthwave;Hip-Hop"),
    ("composer", "Carla Chord"),
    ("REPLAYGAIN_TRACK_GAIN", "-6.52 dB"),
    ("REPLAYGAIN_TRACK_PEAK", "0.988"),
    ("REPLAYGAIN_ALBUM_GAIN", "-7.10 dB"),
    ("REPLAYGAIN_ALBUM_PEAK", "0.999"),
    ("lyrics", "[00:01.00]first line\n[00:02.50]second line"),
];

/// A one-second tone in `name`'s format, tagged by ffmpeg with `metadata` and `extra` args.
fn tagged(dir: &Path, name: &str, codec: &[&str], metadata: &[(&str, &str)]) -> std::path::PathBuf {
    let output = dir.join(name);
    let mut command = Command::new("ffmpeg");
    command.args([
        "-nostdin",
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:duration=1",
    ]);
    command.args(codec);
    for (key, value) in metadata {
        command.args(["-metadata", &format!("{key}={value}")]);
    }
    let result = command.arg(&output).output().expect("ffmpeg runs");
    assert!(
        result.status.success(),
        "ffmpeg {name}: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    output
}

fn read(path: &Path) -> (Option<String>, Tags) {
    let info = inspect(path).expect("the file reads");
    (info.title, info.tags)
}

fn assert_full_tags(format: &str, title: Option<String>, tags: &Tags) {
    assert_eq!(title.as_deref(), Some("Night Drive"), "{format}");
    assert_eq!(tags.album.as_deref(), Some("Long Roads"), "{format}");
    assert_eq!(tags.album_artists, ["The Drivers"], "{format}");
    assert_eq!(tags.artists, ["The Drivers"], "{format}");
    assert_eq!(tags.featured, ["Ana Lí", "Bo"], "{format}");
    assert_eq!(
        tags.track,
        Position {
            number: Some(3),
            total: Some(12)
        },
        "{format}"
    );
    assert_eq!(tags.disc.number, Some(1), "{format}");
    assert_eq!(tags.year, Some(2019), "{format}");
    assert_eq!(tags.genres, ["Synthwave", "Hip-Hop"], "{format}");
    assert_eq!(tags.composers, ["Carla Chord"], "{format}");
}

fn assert_gains_and_lyrics(format: &str, tags: &Tags) {
    assert_eq!(tags.gain.track_gain, Some(-6.52), "{format}");
    assert_eq!(tags.gain.track_peak, Some(0.988), "{format}");
    assert_eq!(tags.gain.album_gain, Some(-7.10), "{format}");
    assert_eq!(tags.gain.album_peak, Some(0.999), "{format}");
    let lyrics = tags.lyrics.as_ref().expect("lyrics");
    assert!(lyrics.synced, "{format}");
    let lines: Vec<_> = lyrics
        .lines
        .iter()
        .map(|l| (l.start_ms, l.text.as_str()))
        .collect();
    assert_eq!(
        lines,
        [(Some(1000), "first line"), (Some(2500), "second line")],
        "{format}"
    );
}

#[test]
fn every_format_s_own_tags_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let formats: [(&str, &[&str]); 5] = [
        ("id3v24.mp3", &["-c:a", "libmp3lame", "-id3v2_version", "4"]),
        ("id3v23.mp3", &["-c:a", "libmp3lame", "-id3v2_version", "3"]),
        ("tagged.flac", &["-c:a", "flac"]),
        ("tagged.ogg", &["-c:a", "libvorbis"]),
        ("tagged.m4a", &["-c:a", "aac"]),
    ];
    for (name, codec) in formats {
        let path = tagged(dir.path(), name, codec, METADATA);
        if name.ends_with(".m4a") {
            // ffmpeg writes MP4's standard atoms only; ReplayGain lives in iTunes' free-form
            // `----` atoms, which lofty writes.
            let mut file = lofty::read_from_path(&path).unwrap();
            let tag = file.primary_tag_mut().unwrap();
            let gains = [
                ItemKey::ReplayGainTrackGain,
                ItemKey::ReplayGainTrackPeak,
                ItemKey::ReplayGainAlbumGain,
                ItemKey::ReplayGainAlbumPeak,
            ];
            for (key, (_, value)) in gains.into_iter().zip(&METADATA[9..13]) {
                assert!(tag.insert_text(key, value.to_string()));
            }
            tag.save_to_path(&path, WriteOptions::default()).unwrap();
        }
        let (title, tags) = read(&path);
        assert_full_tags(name, title, &tags);
        assert_gains_and_lyrics(name, &tags);
    }
}

#[test]
fn lying_tags_are_cleaned_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let artists = (0..500)
        .map(|i| format!("Artist {i}"))
        .collect::<Vec<_>>()
        .join(";");
    let metadata: &[(&str, &str)] = &[
        ("title", "Bad\u{7}Tags"),
        ("album", "  Spaced\t\tOut  "),
        ("artist", &artists),
        ("track", "99/3"),
        ("disc", "0"),
        ("date", "20250"),
        ("REPLAYGAIN_TRACK_GAIN", "loud"),
    ];
    for (name, codec) in [("lies.mp3", "libmp3lame"), ("lies.flac", "flac")] {
        let path = tagged(dir.path(), name, &["-c:a", codec], metadata);
        // 10 MB of lyrics, too long for ffmpeg's command line: written into the tag by lofty.
        let mut file = lofty::read_from_path(&path).unwrap();
        let tag = file.primary_tag_mut().unwrap();
        tag.insert_text(ItemKey::Lyrics, "la la\n".repeat(1_700_000));
        tag.save_to_path(&path, WriteOptions::default()).unwrap();
        let (title, tags) = read(&path);
        assert_eq!(title.as_deref(), Some("Bad Tags"), "{name}");
        assert_eq!(tags.album.as_deref(), Some("Spaced Out"), "{name}");
        assert_eq!(
            tags.artists.len(),
            ampli::media::tags::MAX_ARTISTS,
            "{name}"
        );
        assert_eq!(
            tags.track,
            Position {
                number: Some(99),
                total: None
            },
            "{name}"
        );
        assert_eq!(tags.disc.number, None, "{name}");
        // ID3v2's time stamp frame keeps a year's first four digits, Vorbis comments the
        // text: either way no impossible year is kept.
        let expected_year = if name.ends_with(".mp3") {
            Some(2025)
        } else {
            None
        };
        assert_eq!(tags.year, expected_year, "{name}");
        assert_eq!(tags.gain.track_gain, None, "{name}");
        assert_eq!(tags.lyrics, None, "{name}: 12 MB of lyrics are not kept");
    }
}

#[test]
fn an_mp3_s_sylt_frame_gives_synced_lyrics() {
    use lofty::TextEncoding;
    use lofty::config::ParseOptions;
    use lofty::file::AudioFile;
    use lofty::id3::v2::{
        BinaryFrame, Frame, FrameId, SyncTextContentType, SynchronizedTextFrame, TimestampFormat,
    };
    use lofty::mpeg::MpegFile;

    let dir = tempfile::tempdir().unwrap();
    let path = tagged(
        dir.path(),
        "sylt.mp3",
        &["-c:a", "libmp3lame"],
        &METADATA[..1],
    );
    let mut file = MpegFile::read_from(
        &mut std::fs::File::open(&path).unwrap(),
        ParseOptions::new(),
    )
    .unwrap();
    let sylt = SynchronizedTextFrame::new(
        TextEncoding::UTF8,
        *b"deu",
        TimestampFormat::MS,
        SyncTextContentType::Lyrics,
        None,
        vec![(2_000, "zwei".into()), (500, "eins".into())],
    );
    let bytes = sylt.as_bytes(WriteOptions::default()).unwrap();
    let id3 = file.id3v2_mut().expect("ffmpeg wrote an ID3v2 tag");
    id3.insert(Frame::Binary(BinaryFrame::new(
        FrameId::new("SYLT").unwrap(),
        bytes,
    )));
    id3.save_to_path(&path, WriteOptions::default()).unwrap();

    let lyrics = read(&path).1.lyrics.expect("synced lyrics");
    assert!(lyrics.synced);
    assert_eq!(lyrics.language.as_deref(), Some("deu"));
    assert_eq!(lyrics.to_text(), "[00:00.50]eins\n[00:02.00]zwei\n");
}
