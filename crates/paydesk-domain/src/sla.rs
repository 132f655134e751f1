//! Service level agreements: which policy applies to a ticket, what each metric's target
//! is, and how a ticket's clocks run, pause, are achieved and breach.
//!
//! A policy is data ([`PolicySpec`], stored as JSON): conditions on the ticket, targets per
//! metric and priority (each in calendar hours or in the business hours of a named
//! calendar), the statuses that pause each metric and the fraction of a target at which a
//! clock is "at risk". Policies are tried in order and the first that matches applies.
//!
//! The clocks themselves ([`SlaClock`]) move only through [`evaluate`], which the store calls
//! in the same transaction as every ticket write, and through [`fire`], which the durable
//! timers call when a warning or breach falls due. Both are pure, so every rule here is
//! tested without a database.

mod clock;
mod evaluate;
mod policy;
#[cfg(test)]
mod tests;

pub use clock::{ClockState, SlaClock};
pub use evaluate::{
    DisputeDeadline, Happening, SlaChange, SlaOutcome, TicketFacts, TimerKind, evaluate, fire,
    urgency,
};
pub use policy::{Pause, PolicyConditions, PolicySpec, SlaPolicy, Target};

use crate::time::Timestamp;

/// A ticket's stored due time when no clock runs: an instant far beyond any real one (year
/// 290,000), so such tickets sort last on both engines. Its digits hold no Luhn-valid run,
/// so the schema's default never looks like card data to a scanner (`i64::MAX`'s digits do).
pub const NO_DUE: i64 = 9_100_000_000_010_000_000;

crate::label_enum!(
    /// What an SLA measures.
    Metric {
        /// From the ticket's creation to the desk's first public reply.
        FirstReply = "first_reply",
        /// From a customer's message to the desk's next public reply.
        NextReply = "next_reply",
        /// Between the desk's public replies while the ticket is unsolved.
        PeriodicUpdate = "periodic_update",
        /// From creation to solved (a reopened ticket's clock goes on where it stopped).
        Resolution = "resolution",
        /// From a dispute's opening to the date its evidence is due at the gateway: an
        /// absolute deadline set by the card network, not by a policy, counted in calendar
        /// time and never paused. Met when the dispute is answered.
        DisputeResponse = "dispute_response",
    }
);

/// Time counted on a clock: calendar time, or the business hours of a calendar. The
/// calendar module implements it for business calendars; [`AlwaysOpen`] is calendar time.
pub trait BusinessTime {
    /// The instant reached after `millis` of counted time from `from` (None when the
    /// calendar never opens again).
    fn add(&self, from: Timestamp, millis: i64) -> Option<Timestamp>;
    /// Counted milliseconds between `a` and `b` (0 when `b <= a`).
    fn between(&self, a: Timestamp, b: Timestamp) -> i64;
}

/// Calendar hours: every millisecond counts.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlwaysOpen;

impl BusinessTime for AlwaysOpen {
    fn add(&self, from: Timestamp, millis: i64) -> Option<Timestamp> {
        Some(from.plus_millis(millis.max(0)))
    }

    fn between(&self, a: Timestamp, b: Timestamp) -> i64 {
        b.since(a).max(0)
    }
}

impl BusinessTime for crate::calendar::Calendar {
    fn add(&self, from: Timestamp, millis: i64) -> Option<Timestamp> {
        crate::calendar::Calendar::add(self, from, millis)
    }

    fn between(&self, a: Timestamp, b: Timestamp) -> i64 {
        crate::calendar::Calendar::between(self, a, b)
    }
}

/// Looks up the counted time of a clock: `None` is calendar hours, `Some(id)` a business
/// calendar. An unknown calendar counts as calendar hours (a deleted calendar must not
/// stop clocks).
pub trait Calendars {
    fn time(&self, calendar_id: Option<i64>) -> &dyn BusinessTime;
}

/// Calendar hours only; for tests and for desks that have no business calendars.
impl Calendars for AlwaysOpen {
    fn time(&self, _calendar_id: Option<i64>) -> &dyn BusinessTime {
        self
    }
}
