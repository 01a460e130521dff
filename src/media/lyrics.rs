//! Lyrics: plain lines, or lines with the time each is sung at (LRC text, an ID3v2 `SYLT`
//! frame). One shape for both, so the player and the APIs handle one thing.
//!
//! LRC is a de-facto format with no standard: `[mm:ss.xx]text`, several stamps before one line
//! meaning the line repeats, `[la:eng]`-style header tags, and an `[offset:+/-ms]` that shifts
//! every stamp. A stamp that cannot be a time (`[99:99.99]`, `[1:2:3:4]`) makes the whole text
//! refused rather than guessed at: a line sung at the wrong time is worse than none.

use serde::Serialize;

/// Most lyrics bytes kept: a long song's text is a few KiB; more is not lyrics.
pub const MAX_LYRICS_BYTES: usize = 64 * 1024;
/// Most lines kept.
pub const MAX_LYRICS_LINES: usize = 2_000;
/// Longest a line may be, in characters.
pub const MAX_LINE_CHARS: usize = 500;
/// Stamps past ten hours are not a song's.
const MAX_STAMP_MS: u64 = 10 * 3_600_000;

/// A song's lyrics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lyrics {
    /// ISO 639 code when the source names one (`eng`, `de`).
    pub language: Option<String>,
    /// Whether every line carries the time it starts at.
    pub synced: bool,
    pub lines: Vec<LyricLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LyricLine {
    /// Milliseconds from the start, for synced lyrics.
    pub start_ms: Option<u32>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LyricsError {
    #[error("lyrics are at most {MAX_LYRICS_BYTES} bytes")]
    TooLong,
    #[error("lyrics are at most {MAX_LYRICS_LINES} lines")]
    TooManyLines,
    #[error("line {0} has a time stamp that is not a time")]
    BadStamp(usize),
    #[error("the lyrics hold no text")]
    Empty,
}

impl Lyrics {
    /// Reads lyrics text: LRC when any line starts with a time stamp, plain lines otherwise.
    /// Control characters other than line breaks are dropped and lines are trimmed.
    pub fn parse(text: &str, language: Option<&str>) -> Result<Self, LyricsError> {
        if text.len() > MAX_LYRICS_BYTES {
            return Err(LyricsError::TooLong);
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw_lines: Vec<&str> = text.lines().collect();
        if raw_lines.len() > MAX_LYRICS_LINES {
            return Err(LyricsError::TooManyLines);
        }
        let synced = raw_lines
            .iter()
            .any(|line| matches!(leading_tag(line.trim()), Some((Tag::Stamp(_), _))));
        let lyrics = if synced {
            parse_lrc(&raw_lines, language)?
        } else {
            Self {
                language: clean_language(language),
                synced: false,
                lines: trim_blank_ends(raw_lines.iter().map(|line| LyricLine {
                    start_ms: None,
                    text: clean_line(line),
                })),
            }
        };
        if lyrics.lines.iter().all(|line| line.text.is_empty()) {
            return Err(LyricsError::Empty);
        }
        Ok(lyrics)
    }

    /// Lyrics from already-timed lines (an ID3v2 `SYLT` frame): stamps past ten hours and
    /// empty text are dropped, and the lines put in time order.
    pub fn from_timed(
        lines: impl IntoIterator<Item = (u32, String)>,
        language: Option<&str>,
    ) -> Option<Self> {
        let mut lines: Vec<LyricLine> = lines
            .into_iter()
            .filter(|(ms, _)| u64::from(*ms) <= MAX_STAMP_MS)
            .map(|(ms, text)| LyricLine {
                start_ms: Some(ms),
                text: clean_line(&text),
            })
            .filter(|line| !line.text.is_empty())
            .take(MAX_LYRICS_LINES)
            .collect();
        lines.sort_by_key(|line| line.start_ms);
        (!lines.is_empty()).then(|| Self {
            language: clean_language(language),
            synced: true,
            lines,
        })
    }

    /// The lyrics as LRC (synced) or plain text, as a client downloads them.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            if let Some(ms) = line.start_ms {
                out.push_str(&format!(
                    "[{:02}:{:02}.{:02}]",
                    ms / 60_000,
                    (ms / 1000) % 60,
                    (ms % 1000) / 10
                ));
            }
            out.push_str(&line.text);
            out.push('\n');
        }
        out
    }
}

fn parse_lrc(raw_lines: &[&str], language: Option<&str>) -> Result<Lyrics, LyricsError> {
    let mut offset_ms: i64 = 0;
    let mut header_language = None;
    let mut lines = Vec::new();
    for (index, raw) in raw_lines.iter().enumerate() {
        let mut rest = raw.trim();
        let mut stamps = Vec::new();
        while let Some((tag, after)) = leading_tag(rest) {
            match tag {
                Tag::Stamp(Some(ms)) => stamps.push(ms),
                Tag::Stamp(None) => return Err(LyricsError::BadStamp(index + 1)),
                Tag::Offset(ms) => offset_ms = ms,
                Tag::Language(code) => header_language = Some(code),
                Tag::Other => {}
            }
            rest = after.trim_start();
        }
        // Lines without a stamp in an LRC file are header or commentary, not sung text.
        for stamp in stamps {
            // LRC's offset is added to every stamp's time: a positive one makes lines come
            // sooner, as players read it.
            let shifted = (stamp as i64 - offset_ms).clamp(0, MAX_STAMP_MS as i64);
            lines.push(LyricLine {
                start_ms: Some(shifted as u32),
                text: clean_line(rest),
            });
        }
    }
    // Repeated lines ([00:10][01:10]chorus) are written once with several stamps.
    lines.sort_by_key(|line| line.start_ms);
    lines.truncate(MAX_LYRICS_LINES);
    Ok(Lyrics {
        language: clean_language(language.or(header_language.as_deref())),
        synced: true,
        lines,
    })
}

enum Tag {
    /// A time stamp, `None` when it has a stamp's shape but is not a time.
    Stamp(Option<u64>),
    Offset(i64),
    Language(String),
    Other,
}

/// The bracketed tag `line` starts with, and what follows it.
fn leading_tag(line: &str) -> Option<(Tag, &str)> {
    let inner_end = line.strip_prefix('[')?.find(']')?;
    let inner = &line[1..=inner_end];
    let after = &line[inner_end + 2..];
    if inner.starts_with(|c: char| c.is_ascii_digit()) {
        return Some((Tag::Stamp(stamp_ms(inner)), after));
    }
    let (name, value) = inner.split_once(':')?;
    let tag = match name.trim().to_ascii_lowercase().as_str() {
        "offset" => Tag::Offset(value.trim().parse().ok()?),
        "la" | "lang" | "language" => Tag::Language(value.trim().to_owned()),
        _ => Tag::Other,
    };
    Some((tag, after))
}

/// `mm:ss`, `mm:ss.x`, `mm:ss.xx`, `mm:ss.xxx` (or `,` for the dot) as milliseconds.
fn stamp_ms(stamp: &str) -> Option<u64> {
    let (minutes, seconds) = stamp.split_once(':')?;
    let (whole, fraction) = match seconds.split_once(['.', ',']) {
        Some((whole, fraction)) => (whole, fraction),
        None => (seconds, ""),
    };
    let digits = |s: &str, most: usize| {
        !s.is_empty() && s.len() <= most && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(minutes, 4) || !digits(whole, 2) || !(fraction.is_empty() || digits(fraction, 3)) {
        return None;
    }
    let minutes: u64 = minutes.parse().ok()?;
    let whole: u64 = whole.parse().ok()?;
    if whole >= 60 {
        return None;
    }
    let fraction_ms = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<u64>().ok()? * 100,
        2 => fraction.parse::<u64>().ok()? * 10,
        _ => fraction.parse::<u64>().ok()?,
    };
    let ms = minutes * 60_000 + whole * 1000 + fraction_ms;
    (ms <= MAX_STAMP_MS).then_some(ms)
}

/// A line without control characters, trimmed, cut at `MAX_LINE_CHARS`.
fn clean_line(line: &str) -> String {
    line.chars()
        .filter(|c| !c.is_control())
        .take(MAX_LINE_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Plain lyrics keep their blank lines (verses) but not at either end.
fn trim_blank_ends(lines: impl Iterator<Item = LyricLine>) -> Vec<LyricLine> {
    let mut lines: Vec<LyricLine> = lines.collect();
    while lines.last().is_some_and(|line| line.text.is_empty()) {
        lines.pop();
    }
    let first = lines
        .iter()
        .position(|line| !line.text.is_empty())
        .unwrap_or(lines.len());
    lines.drain(..first);
    lines
}

/// A language code: two or three ASCII letters, lower-cased; anything else is unknown.
/// ID3v2's `XXX` ("unknown") is unknown too.
fn clean_language(code: Option<&str>) -> Option<String> {
    let code = code?.trim().to_ascii_lowercase();
    let letters = (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase());
    (letters && code != "xxx").then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(lyrics: &Lyrics) -> Vec<(Option<u32>, &str)> {
        lyrics
            .lines
            .iter()
            .map(|l| (l.start_ms, l.text.as_str()))
            .collect()
    }

    #[test]
    fn plain_text_keeps_its_verses_without_blank_ends() {
        let lyrics = Lyrics::parse("\n\nOne\ntwo\n\nthree\n\n", None).unwrap();
        assert!(!lyrics.synced);
        assert_eq!(
            times(&lyrics),
            [(None, "One"), (None, "two"), (None, ""), (None, "three")]
        );
    }

    #[test]
    fn lrc_lines_are_timed_sorted_and_repeated_stamps_expanded() {
        let text = "[ar:Someone]\n[la:ENG]\n[00:12.50]second\n[00:01.00][00:30]chorus\nno stamp\n";
        let lyrics = Lyrics::parse(text, None).unwrap();
        assert!(lyrics.synced);
        assert_eq!(lyrics.language.as_deref(), Some("eng"));
        assert_eq!(
            times(&lyrics),
            [
                (Some(1000), "chorus"),
                (Some(12500), "second"),
                (Some(30000), "chorus")
            ]
        );
    }

    #[test]
    fn the_offset_shifts_every_stamp_and_never_below_zero() {
        let lyrics = Lyrics::parse("[offset:+500]\n[00:00.20]a\n[00:02.000]b", None).unwrap();
        assert_eq!(times(&lyrics), [(Some(0), "a"), (Some(1500), "b")]);
    }

    #[test]
    fn garbage_stamps_are_refused_with_their_line() {
        assert_eq!(
            Lyrics::parse("[00:01.00]ok\n[99:99.99]bad", None),
            Err(LyricsError::BadStamp(2))
        );
        assert_eq!(
            Lyrics::parse("[1:2:3]x", None),
            Err(LyricsError::BadStamp(1))
        );
        assert_eq!(
            Lyrics::parse("[99999:00]x", None),
            Err(LyricsError::BadStamp(1))
        );
    }

    #[test]
    fn control_characters_go_and_limits_hold() {
        let lyrics = Lyrics::parse("a\u{0}b\u{7}c\r\nd", None).unwrap();
        assert_eq!(times(&lyrics), [(None, "abc"), (None, "d")]);
        assert_eq!(
            Lyrics::parse(&"x".repeat(MAX_LYRICS_BYTES + 1), None),
            Err(LyricsError::TooLong)
        );
        assert_eq!(
            Lyrics::parse(&"x\n".repeat(MAX_LYRICS_LINES + 1), None),
            Err(LyricsError::TooManyLines)
        );
        assert_eq!(Lyrics::parse(" \n\u{1}\n", None), Err(LyricsError::Empty));
    }

    #[test]
    fn timed_lines_round_trip_through_lrc_text() {
        let lyrics =
            Lyrics::from_timed([(61_230, "b".into()), (500, "a".into())], Some("XXX")).unwrap();
        assert_eq!(lyrics.language, None);
        assert_eq!(lyrics.to_text(), "[00:00.50]a\n[01:01.23]b\n");
        assert_eq!(Lyrics::parse(&lyrics.to_text(), None).unwrap(), lyrics);
    }
}
