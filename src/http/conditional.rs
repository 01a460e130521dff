//! Conditional requests (RFC 9110 §13): whether a client's cached copy is still the one the
//! server would send. Every handler that answers with an ETag asks here.

use axum::http::{HeaderMap, header};

/// Whether `If-None-Match` names `etag` (or is `*`): the client's copy is current and a 304
/// answers. Compared weakly, as the RFC asks for this header: `W/"x"` matches `"x"`. Every
/// `If-None-Match` line counts, each a comma-separated list.
pub fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let wanted = opaque(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim() == "*" || opaque(tag) == wanted)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::IF_NONE_MATCH, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn a_listed_tag_or_a_star_matches_weakly_on_any_line() {
        assert!(none_match(&with(&[r#""a", "b""#]), r#""b""#));
        assert!(none_match(&with(&[r#""x""#, r#"W/"b""#]), r#""b""#));
        assert!(none_match(&with(&["*"]), r#""b""#));
        assert!(!none_match(&with(&[r#""a""#]), r#""b""#));
        assert!(!none_match(&HeaderMap::new(), r#""b""#));
    }
}
