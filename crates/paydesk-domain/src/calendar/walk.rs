//! From wall-clock hours to real time: the open spans of each local date, walked in order.
//!
//! Each local date's intervals are turned into UTC millisecond spans with the calendar's
//! zone, one date at a time, so arithmetic over weeks costs a few zone look-ups per day
//! rather than work per minute. Wall times map to instants the same way everywhere:
//! unambiguous times directly, a repeated (fold) time to its earlier instant, and a skipped
//! (gap) time to the moment the clocks jump, the first instant after the gap. That mapping
//! never runs backwards, so the spans of successive dates follow one another without
//! overlapping, and "24:00" of one date is the same instant as "00:00" of the next.

use super::Calendar;
use super::spec::MINUTES_PER_DAY;
use jiff::civil::Date;
use jiff::tz::AmbiguousOffset;

/// How many local dates in a row may be closed before a walk gives up: about ten years.
const MAX_CLOSED_DAYS: u32 = 3700;

/// An open stretch of real time in epoch milliseconds: start inclusive, end exclusive,
/// never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) start: i64,
    pub(super) end: i64,
}

impl Calendar {
    /// The open spans from `from`'s local date onwards, in time order, ending after the
    /// local date after `until` (when given) or after a long run of closed dates.
    ///
    /// Earlier dates need no look: their spans end by this date's midnight, which is never
    /// later than `from`.
    pub(super) fn spans(&self, from: i64, until: Option<i64>) -> Spans<'_> {
        Spans {
            calendar: self,
            next_date: Some(self.local_date(from)),
            last_date: until.and_then(|until| self.local_date(until).tomorrow().ok()),
            closed_run: 0,
            day: Vec::new(),
            index: 0,
        }
    }

    /// The local date at an instant; instants beyond jiff's range read as its ends.
    fn local_date(&self, at: i64) -> Date {
        let instant = jiff::Timestamp::from_millisecond(at).unwrap_or(if at < 0 {
            jiff::Timestamp::MIN
        } else {
            jiff::Timestamp::MAX
        });
        self.zone.to_datetime(instant).date()
    }

    /// Appends the open spans of one local date, in order.
    fn day_spans(&self, date: Date, out: &mut Vec<Span>) {
        if self.is_holiday(date) {
            return;
        }
        let weekday = usize::try_from(date.weekday().to_monday_zero_offset()).unwrap_or(0);
        let Some(intervals) = self.week.get(weekday) else {
            return;
        };
        for &(start, end) in intervals {
            if let (Some(start), Some(end)) = (self.instant(date, start), self.instant(date, end))
                && end > start
            {
                out.push(Span { start, end });
            }
        }
    }

    /// Whether a local date is closed by a dated or a yearly holiday.
    fn is_holiday(&self, date: Date) -> bool {
        self.dated_holidays.contains(&date)
            || self.yearly_holidays.contains(&(date.month(), date.day()))
    }

    /// The instant of a wall time on a local date (`minute` up to 24:00, which is the next
    /// date's midnight), in epoch milliseconds; None beyond jiff's range.
    fn instant(&self, date: Date, minute: u16) -> Option<i64> {
        let (date, minute) = if minute >= MINUTES_PER_DAY {
            (date.tomorrow().ok()?, minute - MINUTES_PER_DAY)
        } else {
            (date, minute)
        };
        let wall = date.at(
            i8::try_from(minute / 60).ok()?,
            i8::try_from(minute % 60).ok()?,
            0,
            0,
        );
        let ambiguous = self.zone.to_ambiguous_timestamp(wall);
        let instant = match ambiguous.offset() {
            // Read with the offset after the jump, a skipped time lands before the jump, so
            // the next transition is the jump itself.
            AmbiguousOffset::Gap { after, .. } => {
                let before_jump = after.to_timestamp(wall).ok()?;
                self.zone.following(before_jump).next()?.timestamp()
            }
            AmbiguousOffset::Unambiguous { .. } | AmbiguousOffset::Fold { .. } => {
                ambiguous.compatible().ok()?
            }
        };
        Some(instant.as_millisecond())
    }
}

/// The open spans of successive local dates; see [`Calendar::spans`].
pub(super) struct Spans<'c> {
    calendar: &'c Calendar,
    next_date: Option<Date>,
    last_date: Option<Date>,
    closed_run: u32,
    day: Vec<Span>,
    index: usize,
}

impl Iterator for Spans<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        loop {
            if let Some(span) = self.day.get(self.index) {
                self.index += 1;
                return Some(*span);
            }
            if self.closed_run >= MAX_CLOSED_DAYS {
                return None;
            }
            let date = self.next_date?;
            if self.last_date.is_some_and(|last| date > last) {
                return None;
            }
            self.next_date = date.tomorrow().ok();
            self.day.clear();
            self.index = 0;
            self.calendar.day_spans(date, &mut self.day);
            self.closed_run = if self.day.is_empty() {
                self.closed_run + 1
            } else {
                0
            };
        }
    }
}
