//! The fixed list of song categories (the earlier Ampli's), served by GET /categories.

pub const CATEGORIES: [&str; 9] = [
    "Arts",
    "Business",
    "Education",
    "Entertainment",
    "Kids and Family",
    "Music",
    "Science",
    "Tech",
    "Others",
];

pub const DEFAULT_CATEGORY: &str = "Others";

/// The category as listed, matched without regard to case; `None` if unknown.
pub fn canonical(category: &str) -> Option<&'static str> {
    CATEGORIES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(category.trim()))
        .copied()
}
