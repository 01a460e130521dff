//! Lenient reading of one document's fields, straight from its BSON bytes. Documents written
//! by older versions lack fields, store numbers as int32, int64 or double, and ids now and then
//! as hex strings; each getter accepts every form that means the same thing and answers `None`
//! for anything else.

use bson::oid::ObjectId;
use bson::raw::RawBsonRef;
use bson::{Bson, RawDocument};
use chrono::{DateTime, TimeZone, Utc};

/// A field's value; `None` when absent (or unreadable, which a checked document never is).
pub fn get<'a>(document: &'a RawDocument, key: &str) -> Option<RawBsonRef<'a>> {
    document.get(key).ok().flatten()
}

/// A value as the report shows it: an id as hex, anything else as Extended JSON.
pub fn describe(value: RawBsonRef<'_>) -> String {
    match object_id(value) {
        Some(id) => id.to_hex(),
        None => Bson::try_from(value).map_or_else(|error| format!("({error})"), |v| v.to_string()),
    }
}

pub fn object_id(value: RawBsonRef<'_>) -> Option<ObjectId> {
    match value {
        RawBsonRef::ObjectId(id) => Some(id),
        RawBsonRef::String(text) => ObjectId::parse_str(text.trim()).ok(),
        // A populated reference: mongoose saved the whole referenced document.
        RawBsonRef::Document(document) => get(document, "_id").and_then(object_id),
        _ => None,
    }
}

pub fn id(document: &RawDocument) -> Option<ObjectId> {
    get(document, "_id").and_then(object_id)
}

/// A non-blank string, trimmed.
pub fn text(document: &RawDocument, key: &str) -> Option<String> {
    match get(document, key) {
        Some(RawBsonRef::String(text)) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        _ => None,
    }
}

pub fn number(value: RawBsonRef<'_>) -> Option<f64> {
    match value {
        RawBsonRef::Int32(x) => Some(f64::from(x)),
        RawBsonRef::Int64(x) => Some(x as f64),
        RawBsonRef::Double(x) if x.is_finite() => Some(x),
        RawBsonRef::String(text) => text.trim().parse().ok().filter(|x: &f64| x.is_finite()),
        _ => None,
    }
}

pub fn boolean(document: &RawDocument, key: &str) -> Option<bool> {
    match get(document, key) {
        Some(RawBsonRef::Boolean(value)) => Some(value),
        Some(other) => number(other).map(|x| x != 0.0),
        None => None,
    }
}

pub fn date_value(value: RawBsonRef<'_>) -> Option<DateTime<Utc>> {
    match value {
        RawBsonRef::DateTime(date) => Utc.timestamp_millis_opt(date.timestamp_millis()).single(),
        RawBsonRef::String(text) => DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|d| d.with_timezone(&Utc)),
        RawBsonRef::Int64(millis) => Utc.timestamp_millis_opt(millis).single(),
        _ => None,
    }
}

pub fn date(document: &RawDocument, key: &str) -> Option<DateTime<Utc>> {
    get(document, key).and_then(date_value)
}

/// `createdAt`, else the moment the ObjectId was made (its first four bytes), else the epoch.
pub fn created_at(document: &RawDocument) -> DateTime<Utc> {
    date(document, "createdAt")
        .or_else(|| {
            id(document).and_then(|id| {
                Utc.timestamp_opt(id.timestamp().timestamp_millis() / 1000, 0)
                    .single()
            })
        })
        .unwrap_or_default()
}

/// `updatedAt`, else `createdAt` (or its stand-in).
pub fn updated_at(document: &RawDocument) -> DateTime<Utc> {
    date(document, "updatedAt").unwrap_or_else(|| created_at(document))
}

/// `{url, publicId}` as the two columns; missing or blank parts are `None`.
pub fn media(document: &RawDocument, key: &str) -> (Option<String>, Option<String>) {
    match get(document, key) {
        Some(RawBsonRef::Document(media)) => (
            text(media, "url"),
            text(media, "publicId").or_else(|| text(media, "public_id")),
        ),
        _ => (None, None),
    }
}

/// An array field: its elements, or nothing when absent or not an array.
pub fn array<'a>(document: &'a RawDocument, key: &str) -> impl Iterator<Item = RawBsonRef<'a>> {
    let items = match get(document, key) {
        Some(RawBsonRef::Array(items)) => Some(items),
        _ => None,
    };
    items.into_iter().flatten().filter_map(Result::ok)
}

/// Cut to at most `max` characters (columns with a length limit).
pub fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
