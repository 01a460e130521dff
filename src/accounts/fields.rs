//! The account fields people type, parsed once at the edge: an email address, a display
//! name and a new password. Each parse names what is wrong in words a person understands.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::http::{FieldError, text};

/// An email address, trimmed. Compared without regard to case (see `lookup_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim();
        let bad = |message: &str| Err(field("email", message));
        if email.is_empty() {
            return bad("Give an email address.");
        }
        if email.chars().count() > 254 {
            return bad("An email address has at most 254 characters.");
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return bad("An email address looks like name@example.org.");
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.starts_with('.')
            && !local.ends_with('.')
            && local
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[],;:\"\\".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return bad("An email address looks like name@example.org.");
        }
        Ok(Self(email.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used to compare addresses and to key rate limits.
    pub fn lookup_key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A person's display name: 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 100;

    /// Checked as sent, as the schema describes it, then trimmed: a trailing form feed is a
    /// control character, not a space to drop silently.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if raw.chars().any(char::is_control) {
            return Err(field("name", "A name cannot hold control characters."));
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(field("name", "A name has at most 100 characters."));
        }
        let Some(name) = text::visible(raw, 1, Self::MAX_CHARS) else {
            return Err(field("name", "Give a name."));
        };
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password someone chose: 12 to 1,024 characters of any kind, and not a common one.
/// Kept out of Debug output.
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .collect()
});

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(raw: &str, field_name: &str) -> Result<Self, FieldError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(field(
                field_name,
                "A password needs at least 12 characters.",
            ));
        }
        if chars > Self::MAX_CHARS {
            return Err(field(field_name, "A password has at most 1024 characters."));
        }
        if COMMON_PASSWORDS.contains(raw.to_lowercase().as_str()) {
            return Err(field(
                field_name,
                "This password is among the most common ones; choose another.",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The OpenAPI schemas of these fields: what `parse` accepts, so that a client (or a fuzzer)
/// knows before sending. A name is checked as sent and stored trimmed; an address is trimmed
/// first, and its schema describes the usual untrimmed form.
pub mod schema {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    use utoipa::openapi::{RefOr, Schema};

    use super::{DisplayName, NewPassword};

    /// Plain ASCII addresses: `parse` also takes some Unicode ones, which no schema pattern
    /// here can list exactly.
    const EMAIL: &str = concat!(
        r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,32}(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,15}){0,2}",
        r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,3}",
        r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
    );
    /// No control character anywhere, and something that shows.
    fn name_pattern() -> String {
        let no_control = r"[^\x00-\x1f\x7f-\x9f]*";
        format!(
            "^{no_control}{}{no_control}$",
            crate::http::text::SHOWS_SOMETHING
        )
    }

    fn string(nullable: bool) -> ObjectBuilder {
        let types = if nullable {
            SchemaType::from_iter([Type::String, Type::Null])
        } else {
            SchemaType::new(Type::String)
        };
        ObjectBuilder::new().schema_type(types)
    }

    fn build(object: ObjectBuilder) -> RefOr<Schema> {
        object.into()
    }

    pub fn email() -> RefOr<Schema> {
        build(string(false).max_length(Some(254)).pattern(Some(EMAIL)))
    }

    pub fn name() -> RefOr<Schema> {
        build(
            string(false)
                .min_length(Some(1))
                .max_length(Some(DisplayName::MAX_CHARS))
                .pattern(Some(name_pattern())),
        )
    }

    pub fn optional_name() -> RefOr<Schema> {
        build(
            string(true)
                .min_length(Some(1))
                .max_length(Some(DisplayName::MAX_CHARS))
                .pattern(Some(name_pattern())),
        )
    }

    /// Common passwords are refused too; they are too many to list here.
    pub fn new_password() -> RefOr<Schema> {
        build(
            string(false)
                .min_length(Some(NewPassword::MIN_CHARS))
                .max_length(Some(NewPassword::MAX_CHARS)),
        )
    }
}

fn field(name: &str, message: &str) -> FieldError {
    FieldError {
        field: name.to_owned(),
        message: message.to_owned(),
    }
}

/// Collects field errors so that one answer names every invalid field.
#[derive(Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn take<T>(&mut self, parsed: Result<T, FieldError>) -> Option<T> {
        parsed.map_err(|error| self.0.push(error)).ok()
    }

    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_checked() {
        assert_eq!(
            EmailAddress::parse("  Ada@Example.org ").unwrap().as_str(),
            "Ada@Example.org"
        );
        assert_eq!(
            EmailAddress::parse("Ada@Example.org").unwrap().lookup_key(),
            "ada@example.org"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a da@example.org",
            "ada@exa_mple.org",
            "ada@.org",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn passwords_need_length_and_rarity() {
        assert!(NewPassword::parse("short", "password").is_err());
        assert!(
            NewPassword::parse("Password1234", "password").is_err(),
            "common"
        );
        assert!(
            NewPassword::parse("111111111111", "password").is_err(),
            "common"
        );
        assert!(NewPassword::parse(&"x".repeat(1025), "password").is_err());
        assert!(NewPassword::parse("correct horse battery", "password").is_ok());
        assert!(NewPassword::parse("ünïcødé pässwörd ✓", "password").is_ok());
        assert!(
            NewPassword::parse(&"y€".repeat(64), "password").is_ok(),
            "128 characters"
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada  ").unwrap().as_str(), "Ada");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"n".repeat(101)).is_err());
        assert!(DisplayName::parse("bell\u{7}").is_err());
    }
}
