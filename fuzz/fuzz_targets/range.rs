//! `Range` headers against files of every length: a range answered lies inside the file, and
//! asking again for exactly that range answers it unchanged.
#![no_main]

use ampli::media::range::{RangeError, RangeRequest};
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
    match RangeRequest::parse(Some(header), length) {
        Ok(RangeRequest::Whole) => panic!("a Range header answered as the whole file: {header:?}"),
        Ok(RangeRequest::Part { start, end }) => {
            assert!(
                start <= end && end < length,
                "{header:?} on {length} bytes gave {start}..={end}"
            );
            let again = RangeRequest::parse(Some(&format!("bytes={start}-{end}")), length);
            assert_eq!(again, Ok(RangeRequest::Part { start, end }), "{header:?}");
        }
        // Whether a header is well formed does not depend on the file it is asked of.
        Err(RangeError::NotSatisfiable) => assert_ne!(
            RangeRequest::parse(Some(header), u64::MAX),
            Err(RangeError::Invalid),
            "{header:?}"
        ),
        Err(RangeError::Invalid) => assert_eq!(
            RangeRequest::parse(Some(header), u64::MAX),
            Err(RangeError::Invalid),
            "{header:?}"
        ),
    }
});
