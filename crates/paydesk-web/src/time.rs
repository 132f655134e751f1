//! Instants at the HTTP edge: RFC 3339 in UTC out, RFC 3339 (any offset) in.

use paydesk_domain::Timestamp;

/// `2026-11-23T19:01:00.000Z`.
#[must_use]
pub fn format(t: Timestamp) -> String {
    t.rfc3339()
}

/// Same as [`format`], for optional instants.
#[must_use]
pub fn format_opt(t: Option<Timestamp>) -> Option<String> {
    t.map(format)
}

/// Reads an RFC 3339 instant (`2026-11-01T00:00:00Z`) or a plain date (`2026-11-01`, UTC midnight).
pub fn parse(text: &str) -> Result<Timestamp, String> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Ok(Timestamp(ts.as_millisecond()));
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>()
        && let Ok(zoned) = date.to_zoned(jiff::tz::TimeZone::UTC)
    {
        return Ok(Timestamp(zoned.timestamp().as_millisecond()));
    }
    Err(format!(
        "'{}' is not a time; use RFC 3339 such as 2026-11-01T00:00:00Z or a date such as 2026-11-01",
        text.chars().take(40).collect::<String>()
    ))
}
