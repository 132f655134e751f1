//! Business calendars: when a team (ours, or a vendor's) is open, and how much open time
//! lies between two instants, so SLA clocks can count business hours instead of wall time.
//!
//! A calendar is a set of weekly opening intervals in one IANA time zone, minus holidays
//! that close whole local days. Arithmetic walks local dates one at a time (see `walk`), so
//! a deadline weeks away costs microseconds, and every walk gives up after about ten years
//! without an opening instead of looping.
//!
//! # Guarantees
//!
//! - Hours follow the local wall clock across daylight-saving changes: 01:00-04:00 is two
//!   real hours on a spring-forward day and four on a fall-back day. A wall time the clocks
//!   skip maps to the moment they jump; a repeated one to its first occurrence.
//! - Intervals that touch at midnight (Mon 22:00-24:00, Tue 00:00-06:00) form one open span.
//! - `between(a, add(a, m)) == m` for `m >= 0`; `between` is additive over adjacent ranges
//!   and never exceeds the wall time; `add` is monotonic in `m`; when `b` is open and
//!   `between(a, b) > 0`, `add(a, between(a, b)) == b` (an amount that runs out exactly at a
//!   closing time therefore lands on the next opening, not on the closing instant).

mod error;
mod spec;
mod walk;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use error::CalendarError;
pub use spec::{CalendarSpec, Holiday, OpeningInterval, Weekday};

use crate::time::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use spec::{MINUTES_PER_DAY, parse_date, parse_time};
use std::collections::BTreeSet;

/// A validated calendar, ready for arithmetic. Built from a [`CalendarSpec`] by
/// [`Calendar::new`], or [`Calendar::always`] for plain wall time.
#[derive(Debug, Clone)]
pub struct Calendar {
    spec: CalendarSpec,
    zone: TimeZone,
    /// Opening intervals per weekday, Monday first, as minutes after local midnight
    /// (end up to 24:00), sorted by start and disjoint.
    week: [Vec<(u16, u16)>; 7],
    dated_holidays: BTreeSet<Date>,
    /// Yearly holidays as (month, day).
    yearly_holidays: BTreeSet<(i8, i8)>,
}

impl Calendar {
    /// Validates a definition and builds the calendar.
    ///
    /// # Errors
    ///
    /// The first problem found, naming its field: an unknown IANA zone
    /// (`unknown_time_zone`), a time that is not "HH:MM" within the day (`invalid_time`;
    /// "24:00" is allowed only as an end), an end not after its start
    /// (`end_not_after_start`), two intervals on one day that overlap (`overlapping_hours`;
    /// touching is fine), or a holiday date that is not a real "YYYY-MM-DD" date
    /// (`invalid_date`).
    pub fn new(spec: &CalendarSpec) -> Result<Calendar, CalendarError> {
        let zone = TimeZone::get(&spec.time_zone).map_err(|_| CalendarError::UnknownTimeZone {
            name: spec.time_zone.chars().take(64).collect(),
        })?;
        let week = weekly_hours(&spec.hours)?;
        let mut dated_holidays = BTreeSet::new();
        let mut yearly_holidays = BTreeSet::new();
        for (index, holiday) in spec.holidays.iter().enumerate() {
            let date = parse_date(format!("holidays[{index}].date"), &holiday.date)?;
            if holiday.yearly {
                yearly_holidays.insert((date.month(), date.day()));
            } else {
                dated_holidays.insert(date);
            }
        }
        Ok(Calendar {
            spec: spec.clone(),
            zone,
            week,
            dated_holidays,
            yearly_holidays,
        })
    }

    /// Open every minute of every day in UTC: the "calendar hours" clock, under which
    /// business time is wall time.
    #[must_use]
    pub fn always() -> Calendar {
        let hours = Weekday::ALL
            .iter()
            .map(|&day| OpeningInterval {
                day,
                start: "00:00".to_owned(),
                end: "24:00".to_owned(),
            })
            .collect();
        Calendar {
            spec: CalendarSpec {
                time_zone: "UTC".to_owned(),
                hours,
                holidays: Vec::new(),
            },
            zone: TimeZone::UTC,
            week: std::array::from_fn(|_| vec![(0, MINUTES_PER_DAY)]),
            dated_holidays: BTreeSet::new(),
            yearly_holidays: BTreeSet::new(),
        }
    }

    /// The definition this calendar was built from.
    #[must_use]
    pub fn spec(&self) -> &CalendarSpec {
        &self.spec
    }

    /// Whether the instant is inside business hours (an interval's start is open, its end
    /// is not).
    #[must_use]
    pub fn is_open(&self, at: Timestamp) -> bool {
        let at = at.0;
        self.spans(at, Some(at))
            .take_while(|span| span.start <= at)
            .any(|span| at < span.end)
    }

    /// The instant reached after `millis` business milliseconds counted from `from`.
    ///
    /// `millis <= 0` returns `from` unchanged, open or not. Otherwise counting starts at
    /// `from`, or at the next opening when `from` is closed; an amount that runs out exactly
    /// at a closing time lands on the next opening. None when the calendar has no opening
    /// within about ten years (every open day a holiday, say) or the result is beyond the
    /// years jiff can represent.
    #[must_use]
    pub fn add(&self, from: Timestamp, millis: i64) -> Option<Timestamp> {
        if millis <= 0 {
            return Some(from);
        }
        // Business time never outruns wall time, so a result beyond the last representable
        // instant is known without walking millions of days to find it.
        if from.0.saturating_add(millis) > jiff::Timestamp::MAX.as_millisecond() {
            return None;
        }
        let mut remaining = millis;
        for span in self.spans(from.0, None) {
            let start = span.start.max(from.0);
            let open = span.end - start;
            if open <= 0 {
                continue;
            }
            if remaining < open {
                return Some(Timestamp(start + remaining));
            }
            remaining -= open;
        }
        None
    }

    /// Business milliseconds between two instants; 0 when `b <= a`.
    #[must_use]
    pub fn between(&self, a: Timestamp, b: Timestamp) -> i64 {
        let (a, b) = (a.0, b.0);
        if b <= a {
            return 0;
        }
        self.spans(a, Some(b))
            .take_while(|span| span.start < b)
            .map(|span| span.end.min(b) - span.start.max(a))
            .filter(|&open| open > 0)
            .sum()
    }

    /// The first open instant at or after `at` (`at` itself when open); None when the
    /// calendar has no opening within about ten years.
    #[must_use]
    pub fn next_open(&self, at: Timestamp) -> Option<Timestamp> {
        self.spans(at.0, None)
            .find(|span| span.end > at.0)
            .map(|span| Timestamp(span.start.max(at.0)))
    }

    /// [`Calendar::add`] counted in whole business minutes.
    #[must_use]
    pub fn add_minutes(&self, from: Timestamp, minutes: i64) -> Option<Timestamp> {
        self.add(from, minutes.saturating_mul(Timestamp::MINUTE))
    }

    /// [`Calendar::between`] in whole business minutes, rounded down.
    #[must_use]
    pub fn minutes_between(&self, a: Timestamp, b: Timestamp) -> i64 {
        self.between(a, b) / Timestamp::MINUTE
    }
}

/// Parses the weekly intervals into sorted, disjoint minute ranges per weekday.
fn weekly_hours(hours: &[OpeningInterval]) -> Result<[Vec<(u16, u16)>; 7], CalendarError> {
    // (start, end, index in the spec) per weekday, the index kept to name fields in errors.
    let mut days: [Vec<(u16, u16, usize)>; 7] = std::array::from_fn(|_| Vec::new());
    for (index, interval) in hours.iter().enumerate() {
        let start = parse_time(format!("hours[{index}].start"), &interval.start, false)?;
        let end = parse_time(format!("hours[{index}].end"), &interval.end, true)?;
        if end <= start {
            return Err(CalendarError::EndNotAfterStart {
                field: format!("hours[{index}].end"),
                start: interval.start.clone(),
                end: interval.end.clone(),
            });
        }
        if let Some(day) = days.get_mut(interval.day.index()) {
            day.push((start, end, index));
        }
    }
    let mut week: [Vec<(u16, u16)>; 7] = std::array::from_fn(|_| Vec::new());
    for ((intervals, out), &weekday) in days.iter_mut().zip(&mut week).zip(Weekday::ALL) {
        intervals.sort_unstable();
        for pair in intervals.windows(2) {
            if let [(_, earlier_end, earlier), (later_start, _, later)] = *pair
                && later_start < earlier_end
            {
                let (first, second) = (earlier.min(later), earlier.max(later));
                return Err(CalendarError::OverlappingHours {
                    field: format!("hours[{second}]"),
                    other: format!("hours[{first}]"),
                    day: weekday,
                });
            }
        }
        *out = intervals
            .iter()
            .map(|&(start, end, _)| (start, end))
            .collect();
    }
    Ok(week)
}
