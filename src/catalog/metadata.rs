//! The rules for a song's text (title, description, category), one set for an upload and an
//! edit, so that the two can never accept different songs.

use super::categories;
use super::error::field;
use crate::http::FieldError;

/// Longest title and description accepted.
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_ABOUT_CHARS: usize = 5000;

/// Checks a trimmed title; `missing` says what to do when it is empty (an upload can take the
/// title from the file's tags, an edit cannot).
pub fn check_title(title: &str, missing: &str, errors: &mut Vec<FieldError>) {
    if title.is_empty() {
        errors.push(field("title", missing));
    } else if title.chars().count() > MAX_TITLE_CHARS {
        errors.push(field(
            "title",
            &format!("A title has at most {MAX_TITLE_CHARS} characters."),
        ));
    }
}

/// Checks a trimmed description.
pub fn check_about(about: &str, errors: &mut Vec<FieldError>) {
    if about.chars().count() > MAX_ABOUT_CHARS {
        errors.push(field(
            "about",
            &format!("A description has at most {MAX_ABOUT_CHARS} characters."),
        ));
    }
}

/// The category as listed, or an error when it is not one of them.
pub fn check_category(given: &str, errors: &mut Vec<FieldError>) -> Option<&'static str> {
    let known = categories::canonical(given);
    if known.is_none() {
        errors.push(field(
            "category",
            "Unknown category; see GET /api/v1/categories.",
        ));
    }
    known
}

/// What an edit changes, checked: `None` leaves a field as it is, and `about: Some(None)`
/// clears the description (an empty text asks for that).
#[derive(Debug, Default)]
pub struct SongChanges<'a> {
    pub title: Option<&'a str>,
    pub about: Option<Option<&'a str>>,
    pub category: Option<&'static str>,
}

/// Checks an edit's fields, all of them before answering, so that a client learns every
/// mistake at once.
pub fn check_changes<'a>(
    title: Option<&'a str>,
    about: Option<&'a str>,
    category: Option<&str>,
) -> Result<SongChanges<'a>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = title.map(str::trim);
    if let Some(title) = title {
        check_title(title, "Give a title.", &mut errors);
    }
    let about = about.map(str::trim);
    if let Some(about) = about {
        check_about(about, &mut errors);
    }
    let category = category.and_then(|given| check_category(given, &mut errors));
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(SongChanges {
        title,
        about: about.map(|about| Some(about).filter(|about| !about.is_empty())),
        category,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_limits_they_check() {
        let long_title = "t".repeat(MAX_TITLE_CHARS + 1);
        let long_about = "a".repeat(MAX_ABOUT_CHARS + 1);
        let errors = check_changes(Some(&long_title), Some(&long_about), Some("nope")).unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "A title has at most 200 characters.",
                "A description has at most 5000 characters.",
                "Unknown category; see GET /api/v1/categories.",
            ]
        );
    }

    #[test]
    fn an_empty_description_clears_it() {
        let changes = check_changes(None, Some("  "), Some("music")).unwrap();
        assert_eq!(changes.about, Some(None));
        assert_eq!(changes.category, Some("Music"));
        assert_eq!(changes.title, None);
    }
}
