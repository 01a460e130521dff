//! HTTP Range requests (RFC 9110 §14) over a file of known length: one byte range per
//! request, which is what players send. A Range header Ampli will not satisfy as asked
//! (malformed, reversed, several ranges, another unit) is ignored, as RFC 9110 §14.2 lets a
//! server do: the answer is the whole file. Only a well-formed range starting past the end
//! is refused (416).

/// What a `Range` header asks of a file of `length` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRequest {
    /// No Range header (or one to ignore): the whole file, 200.
    Whole,
    /// Bytes `start..=end`, 206.
    Part { start: u64, end: u64 },
}

/// A single well-formed range that starts at or past the end of the file (416
/// `range_not_satisfiable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("range starts past the end")]
pub struct NotSatisfiable;

/// A Range header that is not one well-formed `bytes=` range: ignored by the caller.
struct Ignored;

impl RangeRequest {
    pub fn parse(header: Option<&str>, length: u64) -> Result<Self, NotSatisfiable> {
        match header.map(|header| parse_single(header, length)) {
            None | Some(Err(Ignored)) => Ok(Self::Whole),
            Some(Ok(range)) => range,
        }
    }
}

fn parse_single(
    header: &str,
    length: u64,
) -> Result<Result<RangeRequest, NotSatisfiable>, Ignored> {
    let spec = header.trim().strip_prefix("bytes=").ok_or(Ignored)?.trim();
    if spec.contains(',') {
        return Err(Ignored);
    }
    let (first, last) = spec.split_once('-').ok_or(Ignored)?;
    let number = |text: &str| -> Result<u64, Ignored> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Ignored);
        }
        text.parse().map_err(|_| Ignored)
    };
    let (start, end) = match (first.trim(), last.trim()) {
        ("", suffix) => {
            // The last `suffix` bytes.
            let suffix = number(suffix)?;
            if suffix == 0 {
                return Ok(Err(NotSatisfiable));
            }
            (length.saturating_sub(suffix), length.saturating_sub(1))
        }
        (start, "") => (number(start)?, length.saturating_sub(1)),
        (start, end) => {
            let (start, end) = (number(start)?, number(end)?);
            if end < start {
                return Err(Ignored);
            }
            (start, end.min(length.saturating_sub(1)))
        }
    };
    if length == 0 || start >= length {
        return Ok(Err(NotSatisfiable));
    }
    Ok(Ok(RangeRequest::Part { start, end }))
}

#[cfg(test)]
mod tests {
    use super::RangeRequest::*;
    use super::*;

    #[test]
    fn single_ranges_of_every_form() {
        let parse = |h: &str| RangeRequest::parse(Some(h), 1000);
        assert_eq!(RangeRequest::parse(None, 1000), Ok(Whole));
        assert_eq!(parse("bytes=0-99"), Ok(Part { start: 0, end: 99 }));
        assert_eq!(
            parse("bytes=500-"),
            Ok(Part {
                start: 500,
                end: 999
            })
        );
        assert_eq!(
            parse("bytes=-100"),
            Ok(Part {
                start: 900,
                end: 999
            })
        );
        assert_eq!(parse("bytes=-5000"), Ok(Part { start: 0, end: 999 }));
        assert_eq!(
            parse("bytes=990-5000"),
            Ok(Part {
                start: 990,
                end: 999
            }),
            "clamped"
        );
    }

    #[test]
    fn ranges_not_satisfiable_as_asked_are_ignored() {
        let parse = |h: &str| RangeRequest::parse(Some(h), 1000);
        for bad in [
            "bytes=",
            "bytes=-",
            "bytes=a-b",
            "items=0-1",
            "bytes=5-1",
            "bytes=0-1,5-9",
            "0-1",
            "bytes=+1-2",
        ] {
            assert_eq!(parse(bad), Ok(Whole), "{bad}");
        }
        assert_eq!(parse("bytes=1000-"), Err(NotSatisfiable));
        assert_eq!(parse("bytes=2000-3000"), Err(NotSatisfiable));
        assert_eq!(parse("bytes=-0"), Err(NotSatisfiable));
        assert_eq!(
            RangeRequest::parse(Some("bytes=0-"), 0),
            Err(NotSatisfiable)
        );
    }
}
