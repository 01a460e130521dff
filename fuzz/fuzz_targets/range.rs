//! `Range` headers against files of every length: a range answered lies inside the file,
//! asking again for exactly that range answers it unchanged, and whether a header is ignored
//! (malformed: the whole file) does not depend on the file.
#![no_main]

use ampli::media::range::{NotSatisfiable, RangeRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    // The first eight bytes are the file's length (small lengths as often as huge ones), the
    // rest is the header as a client sends it.
    let Some((length, header)) = input.split_first_chunk::<8>() else {
        return;
    };
    let length = u64::from_le_bytes(*length);
    let length = if length & 1 == 0 {
        length >> 1
    } else {
        (length >> 1) % 4096
    };
    let Ok(header) = std::str::from_utf8(header) else {
        return;
    };
    let whole_on_any = RangeRequest::parse(Some(header), u64::MAX) == Ok(RangeRequest::Whole);
    match RangeRequest::parse(Some(header), length) {
        Ok(RangeRequest::Whole) => assert!(whole_on_any, "{header:?}"),
        Ok(RangeRequest::Part { start, end }) => {
            assert!(
                start <= end && end < length,
                "{header:?} on {length} bytes gave {start}..={end}"
            );
            let again = RangeRequest::parse(Some(&format!("bytes={start}-{end}")), length);
            assert_eq!(again, Ok(RangeRequest::Part { start, end }), "{header:?}");
        }
        Err(NotSatisfiable) => assert!(!whole_on_any, "{header:?}"),
    }
});
