//! What a file's tags say beyond its title and cover art: album, artists, track and disc
//! numbers, date, genres, composers, ReplayGain and lyrics, read from any format lofty reads
//! (ID3v2, Vorbis comments, MP4 atoms, RIFF INFO) through its format-neutral tag.
//!
//! Tags are written by whatever tool the uploader had, so every value is cleaned rather than
//! trusted: control characters become spaces, text is cut at a length, numbers outside what
//! a record can have are dropped (track 0, track 99 of 3 keeps 99 and loses the total, the
//! year 20250), and a value repeated 500 times is kept a few times at most. A file is never
//! refused for its tags.

use std::path::Path;

use chrono::NaiveDate;
use lofty::file::{FileType, TaggedFile};
use lofty::prelude::*;
use lofty::tag::{ItemKey, Tag};

use super::lyrics::Lyrics;
use super::names::match_key;

/// Longest name (album, artist, composer) kept, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Most artists (or album artists, or composers) one file may credit.
pub const MAX_ARTISTS: usize = 20;
/// Longest genre kept, in characters.
pub const MAX_GENRE_CHARS: usize = 60;
/// Most genres one file may carry.
pub const MAX_GENRES: usize = 10;
/// Track numbers past this are not a record's.
pub const MAX_TRACK: u16 = 999;
/// Disc numbers past this are not a box set's.
pub const MAX_DISC: u16 = 99;
/// Years a release can have.
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=2999;

/// The tags Ampli reads, cleaned.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tags {
    pub album: Option<String>,
    pub album_artists: Vec<String>,
    /// The performing artists, in the order the file names them, without "feat." guests.
    pub artists: Vec<String>,
    /// Guests named by "feat." (or "ft.", "featuring") in an artist value.
    pub featured: Vec<String>,
    pub track: Position,
    pub disc: Position,
    pub year: Option<i32>,
    /// The full release date, when the tag has one.
    pub date: Option<NaiveDate>,
    pub genres: Vec<String>,
    pub composers: Vec<String>,
    pub gain: ReplayGain,
    /// Embedded lyrics, plain or synced (LRC text in a tag, or an ID3v2 `SYLT` frame).
    pub lyrics: Option<Lyrics>,
}

/// A track's or disc's number and how many there are.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub number: Option<u16>,
    pub total: Option<u16>,
}

/// ReplayGain values, in dB (gain) and as a linear sample peak (1.0 is full scale).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct ReplayGain {
    pub track_gain: Option<f32>,
    pub track_peak: Option<f32>,
    pub album_gain: Option<f32>,
    pub album_peak: Option<f32>,
}

/// Reads the tags of a file lofty has read. `path` is read again for what lofty's neutral
/// tag leaves out (an MP3's `SYLT` synced lyrics).
pub fn read(tagged: &TaggedFile, path: &Path) -> Tags {
    // The primary tag first (ID3v2 over ID3v1, …), then the others for what it lacks.
    let mut tags: Vec<&Tag> = tagged.primary_tag().into_iter().collect();
    tags.extend(
        tagged
            .tags()
            .iter()
            .filter(|t| Some(t.tag_type()) != tagged.primary_tag().map(Tag::tag_type)),
    );
    let first = |key: &ItemKey| tags.iter().find_map(|t| t.get_string(*key));
    let all = |keys: &[ItemKey]| -> Vec<String> {
        keys.iter()
            .find_map(|key| {
                let values: Vec<String> = tags
                    .iter()
                    .flat_map(|t| t.get_strings(*key))
                    .map(str::to_owned)
                    .collect();
                (!values.is_empty()).then_some(values)
            })
            .unwrap_or_default()
    };

    let (artists, featured) = split_featured(all(&[ItemKey::TrackArtists, ItemKey::TrackArtist]));
    let (date, year) = [
        ItemKey::ReleaseDate,
        ItemKey::RecordingDate,
        ItemKey::Year,
        ItemKey::OriginalReleaseDate,
    ]
    .iter()
    .filter_map(first)
    .find_map(parse_date)
    .unwrap_or_default();
    let accessor = |f: fn(&Tag) -> Option<u32>| tags.iter().find_map(|t| f(t));
    Tags {
        album: first(&ItemKey::AlbumTitle).and_then(|a| clean(a, MAX_NAME_CHARS)),
        album_artists: names(
            all(&[ItemKey::AlbumArtists, ItemKey::AlbumArtist]),
            MAX_NAME_CHARS,
            MAX_ARTISTS,
        ),
        artists,
        featured,
        track: position(accessor(Tag::track), accessor(Tag::track_total), MAX_TRACK),
        disc: position(accessor(Tag::disk), accessor(Tag::disk_total), MAX_DISC),
        year,
        date,
        genres: names(
            all(&[ItemKey::Genre])
                .into_iter()
                .filter(|g| !is_numeric_genre(g))
                .collect(),
            MAX_GENRE_CHARS,
            MAX_GENRES,
        ),
        composers: names(all(&[ItemKey::Composer]), MAX_NAME_CHARS, MAX_ARTISTS),
        gain: ReplayGain {
            track_gain: first(&ItemKey::ReplayGainTrackGain).and_then(parse_gain),
            track_peak: first(&ItemKey::ReplayGainTrackPeak).and_then(parse_peak),
            album_gain: first(&ItemKey::ReplayGainAlbumGain).and_then(parse_gain),
            album_peak: first(&ItemKey::ReplayGainAlbumPeak).and_then(parse_peak),
        },
        // Only an MP3 carries a SYLT frame; any other file would be searched for MPEG frames
        // from end to end for nothing.
        lyrics: (tagged.file_type() == FileType::Mpeg)
            .then(|| super::synced_lyrics::read(path))
            .flatten()
            .or_else(|| {
                let text = first(&ItemKey::Lyrics).or_else(|| first(&ItemKey::UnsyncLyrics))?;
                Lyrics::parse(text, first(&ItemKey::Language)).ok()
            }),
    }
}

/// Text without control characters, its runs of white space one space, cut at `max` chars;
/// `None` when nothing is left.
pub fn clean(text: &str, max: usize) -> Option<String> {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cleaned: String = spaced
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect();
    let cleaned = cleaned.trim_end().to_owned();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// Values cleaned, split where a tool joined several into one (`;`, NUL), without repeats
/// (by `match_key`), at most `most`.
fn names(values: Vec<String>, max_chars: usize, most: usize) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    values
        .iter()
        .flat_map(|v| v.split([';', '\0']))
        .filter_map(|v| clean(v, max_chars))
        .filter(|v| seen.insert(match_key(v)))
        .take(most)
        .collect()
}

/// The markers that put a guest after the main artist: "A feat. B", "A (ft. B)".
const FEATURING: [&str; 5] = [" feat. ", " feat ", " ft. ", " ft ", " featuring "];

/// Splits artist values into the main artists and the "feat." guests. A guest part naming
/// several ("B, C & D") is split on ", " and " & "; a main artist's own name is never split
/// that way ("Earth, Wind & Fire").
fn split_featured(values: Vec<String>) -> (Vec<String>, Vec<String>) {
    let mut main = Vec::new();
    let mut guests = Vec::new();
    for value in values.iter().flat_map(|v| v.split([';', '\0'])) {
        let unbracketed = value.replace(['(', ')', '[', ']'], " ");
        // The markers are ASCII, so an ASCII lower-casing keeps every byte offset.
        let lower = unbracketed.to_ascii_lowercase();
        let cut = FEATURING
            .iter()
            .filter_map(|m| lower.find(m).map(|at| (at, m.len())))
            .min();
        match cut {
            Some((at, marker)) => {
                main.push(unbracketed[..at].to_owned());
                guests.extend(
                    unbracketed[at + marker..]
                        .split(", ")
                        .flat_map(|g| g.split(" & "))
                        .map(str::to_owned),
                );
            }
            None => main.push(value.to_owned()),
        }
    }
    let main = names(main, MAX_NAME_CHARS, MAX_ARTISTS);
    let main_keys: Vec<String> = main.iter().map(|m| match_key(m)).collect();
    let guests = names(guests, MAX_NAME_CHARS, MAX_ARTISTS)
        .into_iter()
        .filter(|g| !main_keys.contains(&match_key(g)))
        .collect();
    (main, guests)
}

/// A number and total, each within `1..=max`; a total below the number is dropped.
fn position(number: Option<u32>, total: Option<u32>, max: u16) -> Position {
    let valid = |n: Option<u32>| {
        n.and_then(|n| u16::try_from(n).ok())
            .filter(|n| (1..=max).contains(n))
    };
    let number = valid(number);
    let total = valid(total).filter(|total| number.is_none_or(|n| n <= *total));
    Position { number, total }
}

/// `2019`, `2019-05`, `2019-05-03`, `2019-05-03T10:00:00`: the date when whole, and the year.
fn parse_date(text: &str) -> Option<(Option<NaiveDate>, Option<i32>)> {
    let text = text.trim();
    let year: i32 = text.get(..4)?.parse().ok()?;
    let rest = &text[4..];
    if !YEARS.contains(&year) || rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let date = text
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    Some((date, Some(year)))
}

/// `-6.52 dB`, `+1.2`: a gain within ±60 dB.
fn parse_gain(text: &str) -> Option<f32> {
    let number = text.trim().trim_end_matches(['d', 'D', 'b', 'B']).trim();
    let gain: f32 = number.parse().ok()?;
    (gain.is_finite() && (-60.0..=60.0).contains(&gain)).then_some(gain)
}

/// A linear peak between 0 and 10 (float files can pass full scale).
fn parse_peak(text: &str) -> Option<f32> {
    let peak: f32 = text.trim().parse().ok()?;
    (peak.is_finite() && (0.0..=10.0).contains(&peak)).then_some(peak)
}

/// ID3v1's genre numbers ("17", "(17)") that lofty leaves as text: not names people read.
fn is_numeric_genre(genre: &str) -> bool {
    let inner = genre.trim().trim_start_matches('(').trim_end_matches(')');
    !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn featured_artists_are_split_from_the_main_ones() {
        let (main, guests) = split_featured(strings(&[
            "Alpha feat. Beta & Gamma",
            "Earth, Wind & Fire",
            "Delta (ft. Alpha)",
            "Épsilon;Zeta",
        ]));
        assert_eq!(
            main,
            ["Alpha", "Earth, Wind & Fire", "Delta", "Épsilon", "Zeta"]
        );
        assert_eq!(guests, ["Beta", "Gamma"]);
    }

    #[test]
    fn repeated_and_dirty_values_are_cleaned_and_bounded() {
        let many: Vec<String> = (0..500).map(|i| format!("Artist {i}")).collect();
        assert_eq!(names(many, MAX_NAME_CHARS, MAX_ARTISTS).len(), MAX_ARTISTS);
        assert_eq!(
            names(strings(&["a\u{0}b", "A", " a ", "x\u{7}\ty"]), 10, 5),
            ["a", "b", "x y"]
        );
        assert_eq!(clean(&"é".repeat(300), 200).unwrap().chars().count(), 200);
        assert_eq!(clean("\u{1}\n ", 10), None);
    }

    #[test]
    fn impossible_numbers_are_dropped() {
        assert_eq!(position(Some(0), Some(3), MAX_TRACK).number, None);
        assert_eq!(
            position(Some(99), Some(3), MAX_TRACK),
            Position {
                number: Some(99),
                total: None
            }
        );
        assert_eq!(position(Some(100_000), None, MAX_TRACK).number, None);
        assert_eq!(
            position(Some(2), Some(12), MAX_TRACK),
            Position {
                number: Some(2),
                total: Some(12)
            }
        );
        assert_eq!(parse_date("20250"), None);
        assert_eq!(parse_date("0999"), None);
        assert_eq!(parse_date("2019"), Some((None, Some(2019))));
        assert_eq!(
            parse_date("2019-05-03T10:00"),
            Some((NaiveDate::from_ymd_opt(2019, 5, 3), Some(2019)))
        );
        assert_eq!(parse_date("2019-13-40"), Some((None, Some(2019))));
    }

    #[test]
    fn gains_and_peaks_read_with_or_without_units() {
        assert_eq!(parse_gain("-6.52 dB"), Some(-6.52));
        assert_eq!(parse_gain("+1.5"), Some(1.5));
        assert_eq!(parse_gain("NaN"), None);
        assert_eq!(parse_gain("-900 dB"), None);
        assert_eq!(parse_peak("0.988"), Some(0.988));
        assert_eq!(parse_peak("-1"), None);
        assert!(is_numeric_genre("(17)"));
        assert!(!is_numeric_genre("Rock"));
    }
}
