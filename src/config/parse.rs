//! Parsers for the values settings accept: durations, byte sizes, counts and ports.

use std::time::Duration;

/// "30", "30s", "1500ms", "5m", "1h" → a duration. A bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("expected a duration such as 30s, 1500ms, 5m or 1h, got {text:?}");
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let millis = match unit.trim() {
        "" | "s" => number.checked_mul(1_000),
        "ms" => Some(number),
        "m" => number.checked_mul(60_000),
        "h" => number.checked_mul(3_600_000),
        _ => None,
    }
    .ok_or_else(bad)?;
    Ok(Duration::from_millis(millis))
}

/// "1048576", "512k", "1M", "2G" → bytes (binary multiples).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let bad = || format!("expected a size in bytes such as 65536, 512k or 1M, got {text:?}");
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: usize = number.parse().map_err(|_| bad())?;
    let factor: usize = match unit.trim() {
        "" | "B" => 1,
        "k" | "K" | "KiB" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        "G" | "GiB" => 1 << 30,
        _ => return Err(bad()),
    };
    number.checked_mul(factor).ok_or_else(bad)
}

pub fn parse_count(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .map_err(|_| format!("expected a whole number, got {text:?}"))
}

pub fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    let duration = parse_duration(text)?;
    if duration.is_zero() {
        return Err("must be more than zero".to_owned());
    }
    Ok(duration)
}

pub fn parse_port(text: &str) -> Result<u16, String> {
    text.parse::<u16>()
        .ok()
        .filter(|port| *port > 0)
        .ok_or_else(|| format!("expected a port number, got {text:?}"))
}
