//! Text from clients, checked in one place. PostgreSQL's text types cannot hold the NUL
//! character (a bind holding one fails the whole statement), so every JSON body, query string
//! and multipart text part is refused with a field error when any of its text holds one,
//! before a handler sees it: no field can forget the check.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::error::{ApiError, FieldError};

/// Middleware: a query string whose decoded text holds NUL is refused (422) before routing
/// reaches a handler's `Query` extractor.
pub async fn refuse_nul_in_query(request: Request, next: Next) -> Response {
    match request.uri().query().and_then(nul_field_in_query) {
        Some(field) => ApiError::validation(vec![nul_error(&field)]).into_response(),
        None => next.run(request).await,
    }
}

/// Whether `text` holds a character PostgreSQL cannot store.
pub fn has_nul(text: &str) -> bool {
    text.contains('\0')
}

/// Whether `c` shows nothing on screen: a control character, a space of any width, or the
/// byte-order mark. Text made only of these is blank.
pub fn shows_nothing(c: char) -> bool {
    c.is_control() || c.is_whitespace() || c == '\u{feff}'
}

/// `shows_nothing`'s complement as a regular-expression class, for OpenAPI patterns. Spelled
/// out rather than `\S`, whose meaning differs between regex dialects (Python's takes the
/// information separators U+001C to U+001F for spaces, ECMAScript's takes U+FEFF), so that a
/// client's validator and the server agree character for character.
pub const SHOWS_SOMETHING: &str =
    r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]";

/// Text checked exactly as its schema reads (`min..=max` characters as sent, one of which
/// shows something), then trimmed for storing. `None` when the check fails.
pub fn visible(raw: &str, min: usize, max: usize) -> Option<&str> {
    let count = raw.chars().count();
    let shows = raw.chars().any(|c| !shows_nothing(c));
    (shows && (min..=max).contains(&count)).then(|| raw.trim())
}

/// The field error for text holding NUL.
pub fn nul_error(field: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: "Text may not contain the NUL character.".to_owned(),
    }
}

/// The first field of a JSON body whose text (or name) holds NUL, as a dotted path
/// (`items.2.title`). Raw JSON can only carry NUL escaped, so a body without `u0000` is
/// answered without a walk.
pub fn nul_field_in_json(raw: &[u8]) -> Option<String> {
    if !raw
        .windows(5)
        .any(|window| window.eq_ignore_ascii_case(b"u0000"))
    {
        return None;
    }
    let value: Value = serde_json::from_slice(raw).ok()?;
    first_nul(&value, "")
}

fn first_nul(value: &Value, path: &str) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::String(text) if has_nul(text) => Some(path.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| first_nul(item, &join(&index.to_string()))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if has_nul(key) {
                Some(join(&key.replace('\0', "")))
            } else {
                first_nul(item, &join(key))
            }
        }),
        _ => None,
    }
}

/// The first query parameter whose name or value holds NUL once decoded.
pub fn nul_field_in_query(query: &str) -> Option<String> {
    if !query.contains("%00") {
        return None;
    }
    url_pairs(query).find_map(|(name, value)| {
        (has_nul(&name) || has_nul(&value)).then(|| name.replace('\0', ""))
    })
}

/// `application/x-www-form-urlencoded` pairs, percent-decoded (lossy: only NUL matters here).
fn url_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                index += 1;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_class_and_the_check_agree_on_every_character() {
        let class = regex::Regex::new(&format!("^{SHOWS_SOMETHING}$")).expect("a valid class");
        for c in (0..=0x3100u32)
            .chain([0xfeff, 0xfffd, 0x1f3b5])
            .filter_map(char::from_u32)
        {
            assert_eq!(
                class.is_match(c.encode_utf8(&mut [0; 4])),
                !shows_nothing(c),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn visible_text_counts_what_was_sent_and_stores_it_trimmed() {
        assert_eq!(visible("  Mix  ", 1, 7), Some("Mix"));
        // Eight characters as sent: over the limit even though five are spaces.
        assert_eq!(visible("  Mix   ", 1, 7), None);
        assert_eq!(visible(" \u{c}\u{feff}\u{3000}", 1, 10), None);
        assert_eq!(visible("a\u{c}", 1, 10), Some("a"));
    }

    #[test]
    fn nul_is_found_anywhere_in_a_body() {
        assert_eq!(
            nul_field_in_json(br#"{"title":"a\u0000b"}"#).as_deref(),
            Some("title")
        );
        assert_eq!(
            nul_field_in_json(br#"{"a":{"b":["x","\u0000"]}}"#).as_deref(),
            Some("a.b.1")
        );
        assert_eq!(nul_field_in_json(br#"{"k\u0000":1}"#).as_deref(), Some("k"));
        // An escaped backslash followed by the letters u0000 is text, not NUL.
        assert_eq!(nul_field_in_json(br#"{"title":"\\u0000"}"#), None);
        assert_eq!(nul_field_in_json(br#"{"title":"plain"}"#), None);
    }

    #[test]
    fn nul_is_found_in_a_query() {
        assert_eq!(nul_field_in_query("q=a%00b&limit=2").as_deref(), Some("q"));
        assert_eq!(nul_field_in_query("x%00=1").as_deref(), Some("x"));
        assert_eq!(nul_field_in_query("q=100%25"), None);
        assert_eq!(nul_field_in_query("q=a%2500"), None);
    }
}
