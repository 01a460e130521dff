//! `?cursor=` values as the list routes decode them: anything not one of ours is refused as
//! `invalid_query`, and a cursor that decodes names a position that encodes back to a cursor
//! naming the same position, which encodes to itself.
#![no_main]

use ampli::catalog::{AlbumCursor, SongCursor};
use ampli::http::pagination::{decode_cursor, finish_page};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// The cursor `finish_page` gives for a page ending at `position`.
fn encode<P: Serialize + Clone>(position: &P) -> String {
    let (_, next) = finish_page(vec![(), ()], 1, |_| position.clone());
    next.expect("a page with more rows has a next cursor")
}

fn round_trip<P: Serialize + DeserializeOwned + Clone>(cursor: &str) {
    match decode_cursor::<P>(Some(cursor)) {
        Ok(Some(position)) => {
            let json = serde_json::to_value(&position).unwrap();
            let encoded = encode(&position);
            let decoded: P = decode_cursor(Some(&encoded))
                .unwrap_or_else(|_| panic!("our own cursor {encoded:?} (from {cursor:?}) refused"))
                .expect("a cursor was given");
            assert_eq!(serde_json::to_value(&decoded).unwrap(), json, "{cursor:?}");
            assert_eq!(encode(&decoded), encoded, "{cursor:?}");
        }
        Ok(None) => panic!("a cursor given decoded as none: {cursor:?}"),
        Err(error) => assert_eq!(error.code, "invalid_query", "{cursor:?}"),
    }
}

/// Every position type the routes page by.
fn every_kind(cursor: &str) {
    round_trip::<SongCursor>(cursor);
    round_trip::<AlbumCursor>(cursor);
    round_trip::<(String, Uuid)>(cursor);
    round_trip::<(DateTime<Utc>, Uuid)>(cursor);
    round_trip::<i32>(cursor);
}

fuzz_target!(|input: &[u8]| {
    // The input as the query's text, and as the JSON inside a well-encoded cursor (which is
    // where a forged cursor's surprises would be).
    if let Ok(cursor) = std::str::from_utf8(input) {
        every_kind(cursor);
    }
    every_kind(&URL_SAFE_NO_PAD.encode(input));
});
