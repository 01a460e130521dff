//! A search request, checked and bounded before any SQL runs: `%`, `_`, quotes, backslashes
//! and emoji are just characters (the query is bound, never spliced, and trigram matching has
//! no wildcards).

use super::SearchError;

pub const MAX_CHARS: usize = 200;
pub const MAX_WORDS: usize = 8;
pub const DEFAULT_LIMIT: i64 = 10;
pub const MAX_LIMIT: i64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds {
    pub songs: bool,
    pub albums: bool,
    pub artists: bool,
    pub users: bool,
    pub playlists: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Trimmed, control characters removed, spaces collapsed, at most 8 words.
    pub text: String,
    pub kinds: Kinds,
    pub limit: i64,
}

impl SearchQuery {
    /// The query as a literal for LIKE: `\`, `%` and `_` escaped, so they match themselves.
    pub fn like_pattern(&self) -> String {
        self.text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    }

    pub fn parse(
        q: Option<&str>,
        kinds: Option<&str>,
        limit: Option<i64>,
    ) -> Result<Self, SearchError> {
        let raw = q.unwrap_or_default();
        if raw.chars().count() > MAX_CHARS {
            return Err(SearchError::QueryTooLong);
        }
        let cleaned: String = raw
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let words: Vec<&str> = cleaned.split_whitespace().take(MAX_WORDS).collect();
        if words.is_empty() {
            return Err(SearchError::QueryEmpty);
        }
        let kinds = match kinds {
            None => Kinds {
                songs: true,
                albums: true,
                artists: true,
                users: true,
                playlists: true,
            },
            Some(list) => {
                let mut kinds = Kinds {
                    songs: false,
                    albums: false,
                    artists: false,
                    users: false,
                    playlists: false,
                };
                for kind in list.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                    match kind {
                        "songs" => kinds.songs = true,
                        "albums" => kinds.albums = true,
                        "artists" => kinds.artists = true,
                        "users" => kinds.users = true,
                        "playlists" => kinds.playlists = true,
                        _ => {
                            return Err(SearchError::UnknownType);
                        }
                    }
                }
                if kinds
                    == (Kinds {
                        songs: false,
                        albums: false,
                        artists: false,
                        users: false,
                        playlists: false,
                    })
                {
                    return Err(SearchError::UnknownType);
                }
                kinds
            }
        };
        Ok(Self {
            text: words.join(" "),
            kinds,
            limit: limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ApiError;

    /// The error code a refused query answers with.
    fn code(query: Result<SearchQuery, SearchError>) -> &'static str {
        ApiError::from(query.unwrap_err()).code
    }

    #[test]
    fn queries_are_cleaned_and_bounded() {
        let query = SearchQuery::parse(
            Some("  yellow\u{7}  sub%_'\\ 🎵 a b c d e f g "),
            None,
            Some(0),
        )
        .unwrap();
        assert_eq!(query.text, "yellow sub%_'\\ 🎵 a b c d e");
        assert_eq!(query.limit, 1);
        assert_eq!(
            SearchQuery::parse(Some("x"), None, Some(10_000))
                .unwrap()
                .limit,
            50
        );
        for empty in [None, Some(""), Some("   "), Some("\u{1}\u{2}")] {
            assert_eq!(code(SearchQuery::parse(empty, None, None)), "query_empty");
        }
        let long = "a".repeat(10_000);
        assert_eq!(
            code(SearchQuery::parse(Some(&long), None, None)),
            "query_too_long"
        );
        assert_eq!(
            code(SearchQuery::parse(Some("x"), Some("songs,records"), None)),
            "unknown_type"
        );
        let only = SearchQuery::parse(Some("x"), Some("artists"), None)
            .unwrap()
            .kinds;
        assert!(only.artists && !only.songs && !only.albums && !only.users && !only.playlists);
        let albums = SearchQuery::parse(Some("x"), Some("albums"), None)
            .unwrap()
            .kinds;
        assert!(albums.albums && !albums.songs);
    }

    #[test]
    fn like_wildcards_match_themselves() {
        let query = SearchQuery::parse(Some(r"100%_off\now"), None, None).unwrap();
        assert_eq!(query.like_pattern(), r"100\%\_off\\now");
    }
}
