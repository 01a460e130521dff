//! Subsonic parameters: from the query string and, for `formPost` clients, a form body, in
//! one list where a name may repeat (`id=…&id=…`). Values are checked once here: text with
//! control characters (NUL above all) is refused before it reaches any store.

use std::str::FromStr;

use super::error::SubsonicError;

/// Most parameters one request may carry: a playlist update naming many songs fits.
const MAX_PARAMS: usize = 5_000;

#[derive(Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// The query's and the body's parameters, the query's first.
    pub fn parse(query: Option<&str>, form: Option<&[u8]>) -> Result<Self, SubsonicError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let bad = || SubsonicError::invalid("The parameters are not well-formed.");
        if let Some(query) = query {
            pairs.extend(
                serde_urlencoded::from_str::<Vec<(String, String)>>(query).map_err(|_| bad())?,
            );
        }
        if let Some(form) = form {
            pairs.extend(
                serde_urlencoded::from_bytes::<Vec<(String, String)>>(form).map_err(|_| bad())?,
            );
        }
        if pairs.len() > MAX_PARAMS {
            return Err(SubsonicError::invalid("Too many parameters."));
        }
        Ok(Self { pairs })
    }

    /// Refuses text with control characters (line breaks and tabs pass). Separate from
    /// `parse` so that the refusal still comes in the format the caller asked for.
    pub fn check_text(&self) -> Result<(), SubsonicError> {
        let control = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
        for (name, value) in &self.pairs {
            if name.chars().any(control) || value.chars().any(control) {
                return Err(SubsonicError::invalid(
                    "Parameters cannot hold control characters.",
                ));
            }
        }
        Ok(())
    }

    /// Every (name, value) pair, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn required(&self, name: &'static str) -> Result<&str, SubsonicError> {
        self.get(name).ok_or(SubsonicError::missing(name))
    }

    /// A number, when given; a value that is not one is refused.
    pub fn number<T: FromStr>(&self, name: &'static str) -> Result<Option<T>, SubsonicError> {
        self.get(name)
            .map(|value| {
                value
                    .trim()
                    .parse()
                    .map_err(|_| SubsonicError::invalid(format!("{name} must be a number.")))
            })
            .transpose()
    }

    /// A count or offset: `default` when left out, refused when negative, capped at `max`.
    pub fn count(&self, name: &'static str, default: i64, max: i64) -> Result<i64, SubsonicError> {
        let value = self.number::<i64>(name)?.unwrap_or(default);
        if value < 0 {
            return Err(SubsonicError::invalid(format!(
                "{name} cannot be negative."
            )));
        }
        Ok(value.min(max))
    }

    pub fn flag(&self, name: &str) -> Option<bool> {
        self.get(name)
            .map(|value| value.eq_ignore_ascii_case("true") || value == "1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_form_merge_and_names_repeat() {
        let params = Params::parse(Some("u=a%40b.c&id=1&id=2"), Some(b"id=3&name=x+y")).unwrap();
        assert_eq!(params.get("u"), Some("a@b.c"));
        assert_eq!(params.all("id"), ["1", "2", "3"]);
        assert_eq!(params.get("name"), Some("x y"));
        assert_eq!(params.get("nope"), None);
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_pass() {
        let checked = |query: Option<&str>, form: Option<&[u8]>| {
            Params::parse(query, form).unwrap().check_text()
        };
        assert!(checked(Some("name=a%00b"), None).is_err());
        assert!(checked(None, Some(b"comment=a%07")).is_err());
        assert!(checked(Some("comment=line%0Aline"), None).is_ok());
    }

    #[test]
    fn numbers_are_checked_and_counts_bounded() {
        let params = Params::parse(Some("size=20&offset=-1&big=999&word=x"), None).unwrap();
        assert_eq!(params.count("size", 10, 500).unwrap(), 20);
        assert_eq!(params.count("missing", 10, 500).unwrap(), 10);
        assert_eq!(params.count("big", 10, 500).unwrap(), 500);
        assert!(params.count("offset", 0, 500).is_err());
        assert!(params.number::<i64>("word").is_err());
    }
}
