//! The stored and wire form of a calendar, and the parsing of its wall-clock fields.
//!
//! The spec keeps times and dates as the strings a person wrote ("09:00", "2026-12-25") so a
//! calendar round-trips through storage and the API unchanged; [`super::Calendar::new`]
//! parses them once, with the parsers here, into minutes and civil dates.

use super::CalendarError;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Minutes in a local day; the value of "24:00".
pub(super) const MINUTES_PER_DAY: u16 = 24 * 60;

crate::label_enum!(
    /// A day of the week, as named in opening hours.
    Weekday {
        Monday = "monday",
        Tuesday = "tuesday",
        Wednesday = "wednesday",
        Thursday = "thursday",
        Friday = "friday",
        Saturday = "saturday",
        Sunday = "sunday",
    }
);

impl Weekday {
    /// Position in the week, Monday first (0) to Sunday (6).
    #[must_use]
    pub fn index(self) -> usize {
        match self {
            Self::Monday => 0,
            Self::Tuesday => 1,
            Self::Wednesday => 2,
            Self::Thursday => 3,
            Self::Friday => 4,
            Self::Saturday => 5,
            Self::Sunday => 6,
        }
    }
}

/// A calendar definition as stored (JSON) and as sent over the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarSpec {
    /// IANA time zone name the wall-clock hours are read in, e.g. "America/Los_Angeles".
    pub time_zone: String,
    /// Weekly opening intervals; a day with none is closed.
    pub hours: Vec<OpeningInterval>,
    /// Days closed in full, whatever their weekly hours say.
    #[serde(default)]
    pub holidays: Vec<Holiday>,
}

/// One opening interval on one day of the week, in local wall-clock time.
///
/// An interval never crosses midnight: a night shift is written as two intervals, one ending
/// at "24:00" and one starting at "00:00" the next day, and behaves as one continuous span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningInterval {
    /// The day of the week this interval opens on.
    pub day: Weekday,
    /// Opening time, "HH:MM" from "00:00" to "23:59" (inclusive).
    pub start: String,
    /// Closing time, "HH:MM" after `start`; "24:00" means the end of the day (exclusive).
    pub end: String,
}

/// A local day on which the calendar is closed from midnight to midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holiday {
    /// "YYYY-MM-DD"; when `yearly`, only the month and day count.
    pub date: String,
    /// Whether the holiday repeats every year on the same month and day (a yearly
    /// 29 February closes only leap years' 29 February).
    #[serde(default)]
    pub yearly: bool,
    /// What the day is called, for people reading the calendar.
    #[serde(default)]
    pub name: String,
}

/// Parses "HH:MM" into minutes after midnight; "24:00" only when `is_end`.
pub(super) fn parse_time(field: String, value: &str, is_end: bool) -> Result<u16, CalendarError> {
    let invalid = || CalendarError::InvalidTime {
        field: field.clone(),
        value: value.chars().take(32).collect(),
    };
    let (hours, minutes) = value.split_once(':').ok_or_else(invalid)?;
    let hours = two_digits(hours).ok_or_else(invalid)?;
    let minutes = two_digits(minutes).ok_or_else(invalid)?;
    let total = hours * 60 + minutes;
    let in_range = hours < 24 && minutes < 60;
    if in_range || (is_end && total == MINUTES_PER_DAY) {
        Ok(total)
    } else {
        Err(invalid())
    }
}

/// Parses "YYYY-MM-DD" into a civil date that exists.
pub(super) fn parse_date(field: String, value: &str) -> Result<Date, CalendarError> {
    let invalid = || CalendarError::InvalidDate {
        field: field.clone(),
        value: value.chars().take(32).collect(),
    };
    let mut parts = value.split('-');
    let (Some(year), Some(month), Some(day), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let year: i16 = year.parse().map_err(|_| invalid())?;
    let month = two_digits(month).ok_or_else(invalid)?;
    let day = two_digits(day).ok_or_else(invalid)?;
    let month = i8::try_from(month).map_err(|_| invalid())?;
    let day = i8::try_from(day).map_err(|_| invalid())?;
    Date::new(year, month, day).map_err(|_| invalid())
}

/// Exactly two ASCII digits, as a number.
fn two_digits(text: &str) -> Option<u16> {
    match text.as_bytes() {
        [tens @ b'0'..=b'9', ones @ b'0'..=b'9'] => {
            Some(u16::from(tens - b'0') * 10 + u16::from(ones - b'0'))
        }
        _ => None,
    }
}
