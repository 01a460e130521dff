//! Lenient reading of one document's fields. Documents written by older versions lack fields,
//! store numbers as int32, int64 or double, and ids now and then as hex strings; each getter
//! accepts every form that means the same thing and answers `None` for anything else.

use bson::oid::ObjectId;
use bson::{Bson, Document};
use chrono::{DateTime, TimeZone, Utc};

pub fn object_id(value: &Bson) -> Option<ObjectId> {
    match value {
        Bson::ObjectId(id) => Some(*id),
        Bson::String(text) => ObjectId::parse_str(text.trim()).ok(),
        // A populated reference: mongoose saved the whole referenced document.
        Bson::Document(document) => document.get("_id").and_then(object_id),
        _ => None,
    }
}

pub fn id(document: &Document) -> Option<ObjectId> {
    document.get("_id").and_then(object_id)
}

/// A non-blank string, trimmed.
pub fn text(document: &Document, key: &str) -> Option<String> {
    match document.get(key) {
        Some(Bson::String(text)) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        _ => None,
    }
}

pub fn number(value: &Bson) -> Option<f64> {
    match value {
        Bson::Int32(x) => Some(f64::from(*x)),
        Bson::Int64(x) => Some(*x as f64),
        Bson::Double(x) if x.is_finite() => Some(*x),
        Bson::String(text) => text.trim().parse().ok().filter(|x: &f64| x.is_finite()),
        _ => None,
    }
}

pub fn boolean(document: &Document, key: &str) -> Option<bool> {
    match document.get(key) {
        Some(Bson::Boolean(value)) => Some(*value),
        Some(other) => number(other).map(|x| x != 0.0),
        None => None,
    }
}

pub fn date_value(value: &Bson) -> Option<DateTime<Utc>> {
    match value {
        Bson::DateTime(date) => Utc.timestamp_millis_opt(date.timestamp_millis()).single(),
        Bson::String(text) => DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|d| d.with_timezone(&Utc)),
        Bson::Int64(millis) => Utc.timestamp_millis_opt(*millis).single(),
        _ => None,
    }
}

pub fn date(document: &Document, key: &str) -> Option<DateTime<Utc>> {
    document.get(key).and_then(date_value)
}

/// `createdAt`, else the moment the ObjectId was made (its first four bytes), else the epoch.
pub fn created_at(document: &Document) -> DateTime<Utc> {
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
pub fn updated_at(document: &Document) -> DateTime<Utc> {
    date(document, "updatedAt").unwrap_or_else(|| created_at(document))
}

/// `{url, publicId}` as the two columns; missing or blank parts are `None`.
pub fn media(document: &Document, key: &str) -> (Option<String>, Option<String>) {
    match document.get(key) {
        Some(Bson::Document(media)) => (
            text(media, "url"),
            text(media, "publicId").or_else(|| text(media, "public_id")),
        ),
        _ => (None, None),
    }
}

/// An array field: its elements, or nothing when absent or not an array.
pub fn array<'a>(document: &'a Document, key: &str) -> &'a [Bson] {
    match document.get(key) {
        Some(Bson::Array(items)) => items,
        _ => &[],
    }
}

/// Cut to at most `max` characters (columns with a length limit).
pub fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
