//! Why a calendar definition was refused: each failure names the offending field (as a path
//! such as `hours[2].end`) and has a stable snake_case code for the API.

use super::Weekday;
use thiserror::Error;

/// A calendar definition that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    #[error("time_zone: unknown time zone '{name}'; expected an IANA name such as 'Europe/London'")]
    UnknownTimeZone { name: String },
    #[error(
        "{field}: '{value}' is not a time of day; expected HH:MM from 00:00 to 23:59, or 24:00 as an end"
    )]
    InvalidTime { field: String, value: String },
    #[error("{field}: the end {end} must be after the start {start}")]
    EndNotAfterStart {
        field: String,
        start: String,
        end: String,
    },
    #[error("{field}: overlaps {other} on {day}")]
    OverlappingHours {
        field: String,
        other: String,
        day: Weekday,
    },
    #[error("{field}: '{value}' is not a date; expected YYYY-MM-DD")]
    InvalidDate { field: String, value: String },
}

impl CalendarError {
    /// The stable code of this failure.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownTimeZone { .. } => "unknown_time_zone",
            Self::InvalidTime { .. } => "invalid_time",
            Self::EndNotAfterStart { .. } => "end_not_after_start",
            Self::OverlappingHours { .. } => "overlapping_hours",
            Self::InvalidDate { .. } => "invalid_date",
        }
    }

    /// The field at fault, as a path into the spec (`time_zone`, `hours[1].start`,
    /// `holidays[0].date`).
    #[must_use]
    pub fn field(&self) -> &str {
        match self {
            Self::UnknownTimeZone { .. } => "time_zone",
            Self::InvalidTime { field, .. }
            | Self::EndNotAfterStart { field, .. }
            | Self::OverlappingHours { field, .. }
            | Self::InvalidDate { field, .. } => field,
        }
    }
}
