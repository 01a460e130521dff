//! How names from tags and forms are compared: "Beyoncé", "beyonce" and " BEYONCE " are one
//! artist, "Hip-Hop" and "hip hop" one genre. The key is for matching only; what people typed
//! is what they see.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The key two names match by: compatibility-decomposed (so `ﬁ` is `fi` and `é` is `e` plus
/// an accent), accents dropped, lower-cased, and every run of spaces, punctuation and symbols
/// one space. A name of punctuation alone ("!!!") keeps its characters, so it still matches
/// only itself.
pub fn match_key(name: &str) -> String {
    let plain: String = name
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let mut key = String::with_capacity(plain.len());
    for word in plain.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    if key.is_empty() {
        plain.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        key
    }
}

#[cfg(test)]
mod tests {
    use super::match_key;

    #[test]
    fn case_accents_spacing_and_punctuation_do_not_matter() {
        assert_eq!(match_key("  Beyoncé  "), "beyonce");
        assert_eq!(match_key("BEYONCE"), "beyonce");
        assert_eq!(match_key("Hip-Hop"), match_key("hip   hop"));
        assert_eq!(match_key("Ｔｈｅ ﬁnal"), "the final");
        assert_eq!(match_key("Sigur Rós"), "sigur ros");
    }

    #[test]
    fn different_names_stay_apart_and_punctuation_alone_keeps_itself() {
        assert_ne!(match_key("Abba"), match_key("Abbas"));
        assert_eq!(match_key("!!!"), "!!!");
        assert_ne!(match_key("!!!"), match_key("???"));
        assert_eq!(match_key(""), "");
    }
}
