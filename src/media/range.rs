//! HTTP Range requests (RFC 9110 §14) over a file of known length: one byte range per
//! request, which is what players send. Malformed, reversed and multi-range headers are
//! refused rather than guessed at.

/// What a `Range` header asks of a file of `length` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRequest {
    /// No Range header (or one to ignore): the whole file, 200.
    Whole,
    /// Bytes `start..=end`, 206.
    Part { start: u64, end: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// Not a single well-formed `bytes=` range (416 `invalid_range`).
    #[error("malformed, reversed or multiple ranges")]
    Invalid,
    /// Well formed, but starting at or past the end (416 `range_not_satisfiable`).
    #[error("range starts past the end")]
    NotSatisfiable,
}

impl RangeRequest {
    pub fn parse(header: Option<&str>, length: u64) -> Result<Self, RangeError> {
        let Some(header) = header else {
            return Ok(Self::Whole);
        };
        let spec = header
            .trim()
            .strip_prefix("bytes=")
            .ok_or(RangeError::Invalid)?
            .trim();
        if spec.contains(',') {
            return Err(RangeError::Invalid);
        }
        let (first, last) = spec.split_once('-').ok_or(RangeError::Invalid)?;
        let number = |text: &str| -> Result<u64, RangeError> {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(RangeError::Invalid);
            }
            text.parse().map_err(|_| RangeError::Invalid)
        };
        let (start, end) = match (first.trim(), last.trim()) {
            ("", suffix) => {
                // The last `suffix` bytes.
                let suffix = number(suffix)?;
                if suffix == 0 {
                    return Err(RangeError::NotSatisfiable);
                }
                (length.saturating_sub(suffix), length.saturating_sub(1))
            }
            (start, "") => (number(start)?, length.saturating_sub(1)),
            (start, end) => {
                let (start, end) = (number(start)?, number(end)?);
                if end < start {
                    return Err(RangeError::Invalid);
                }
                (start, end.min(length.saturating_sub(1)))
            }
        };
        if length == 0 || start >= length {
            return Err(RangeError::NotSatisfiable);
        }
        Ok(Self::Part { start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::RangeError::*;
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
    fn bad_ranges_are_refused() {
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
            assert_eq!(parse(bad), Err(Invalid), "{bad}");
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
