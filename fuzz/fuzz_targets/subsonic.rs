//! Subsonic requests as `/rest` reads them: any query string and form body either reads or is
//! refused, and whatever text it carries, written back into an answer, makes well-formed XML
//! and JSON that reads back to the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    // Up to the first NUL byte is the query string, the rest the form body.
    let (query, form) = match input.iter().position(|&b| b == 0) {
        Some(at) => (&input[..at], &input[at + 1..]),
        None => (input, &[][..]),
    };
    let Ok(query) = std::str::from_utf8(query) else {
        return;
    };
    ampli::fuzzing::subsonic_request(query, form);
});
