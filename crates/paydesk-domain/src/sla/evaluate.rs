//! How a ticket's clocks move when the ticket changes, and when their timers fall due.
//!
//! [`evaluate`] takes the clocks as stored, the ticket as it is now and what just happened
//! (created, a public reply from the desk, a message from the customer) and returns the
//! clocks as they must be stored, with the changes worth an event. It is idempotent: given
//! its own output and nothing new happening, it changes nothing.

use super::policy::first_match;
use super::{Calendars, ClockState, Metric, SlaClock, SlaPolicy};
use crate::customer::Tier;
use crate::id::{QueueId, VendorId};
use crate::ticket::{BusinessLine, Channel, Priority, Status};
use crate::time::Timestamp;

/// What SLA policies and clocks look at on a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    pub status: Status,
    pub priority: Priority,
    pub channel: Channel,
    pub business_line: BusinessLine,
    pub category: Option<String>,
    pub queue_id: Option<QueueId>,
    /// The vendor of the ticket's queue.
    pub vendor_id: Option<VendorId>,
    pub customer_tier: Option<Tier>,
    /// The deadline of the dispute the ticket works, if it works one.
    pub dispute: Option<DisputeDeadline>,
}

/// A dispute's evidence deadline, as the ticket working it sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisputeDeadline {
    /// When the dispute (or its current stage) opened.
    pub opened_at: Timestamp,
    /// When the gateway stops taking evidence.
    pub due_at: Timestamp,
    /// The desk answered it (submitted evidence or accepted), or it closed.
    pub answered: bool,
}

/// Something that just happened to the ticket, besides its fields changing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Happening {
    /// A public reply from the desk (not an internal note).
    StaffReply,
    /// A message from the customer.
    CustomerMessage,
}

/// A change worth recording in the event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlaChange {
    /// Another policy (or none) now sets the ticket's targets.
    PolicyApplied { from: Option<i64>, to: Option<i64> },
    /// A clock became at risk.
    AtRisk { metric: Metric, at: Timestamp },
    /// A clock passed its due time without being met.
    Breached { metric: Metric, due_at: Timestamp },
}

/// What [`evaluate`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaOutcome {
    /// Every clock of the ticket, one per metric that ever had one.
    pub clocks: Vec<SlaClock>,
    pub policy_id: Option<i64>,
    pub changes: Vec<SlaChange>,
}

impl SlaOutcome {
    /// The ticket's place in urgency order: the earliest due time among running clocks,
    /// whether one of them is breached, whether one is at risk (and none breached).
    #[must_use]
    pub fn urgency(&self) -> (Option<Timestamp>, bool, bool) {
        urgency(&self.clocks)
    }
}

/// See [`SlaOutcome::urgency`].
#[must_use]
pub fn urgency(clocks: &[SlaClock]) -> (Option<Timestamp>, bool, bool) {
    let running = || clocks.iter().filter(|c| c.is_running());
    let due = running().filter_map(|c| c.due_at).min();
    let breached = running().any(|c| c.breached_at.is_some());
    let at_risk = !breached && running().any(|c| c.warned_at.is_some());
    (due, breached, at_risk)
}

/// Moves a ticket's clocks after a write.
///
/// `policies` in order (the first match applies), `current_policy` the one applied before,
/// `clocks` as stored, `facts` the ticket now, `happenings` what this write did.
#[must_use]
pub fn evaluate(
    policies: &[SlaPolicy],
    current_policy: Option<i64>,
    mut clocks: Vec<SlaClock>,
    facts: &TicketFacts,
    happenings: &[Happening],
    calendars: &dyn Calendars,
    now: Timestamp,
) -> SlaOutcome {
    let policy = first_match(policies, facts);
    let policy_id = policy.map(|p| p.id);
    let mut changes = Vec::new();
    if policy_id != current_policy {
        changes.push(SlaChange::PolicyApplied {
            from: current_policy,
            to: policy_id,
        });
    }
    // Targets first: from this moment the matching policy's targets count.
    for clock in clocks
        .iter_mut()
        .filter(|c| c.is_active() && c.metric != Metric::DisputeResponse)
    {
        let target = policy.and_then(|p| p.spec.target(clock.metric, facts.priority));
        match target {
            None => clock.end(
                ClockState::Cancelled,
                calendars.time(clock.calendar_id),
                now,
            ),
            Some(t) => {
                let target_ms = t.minutes.saturating_mul(Timestamp::MINUTE);
                if (clock.policy_id, clock.target_ms, clock.calendar_id)
                    != (policy_id, target_ms, t.calendar_id)
                {
                    let old = calendars.time(clock.calendar_id);
                    clock.retarget(policy_id, target_ms, t.calendar_id, old, now);
                }
            }
        }
    }
    let start = |metric: Metric| {
        policy
            .and_then(|p| p.spec.target(metric, facts.priority))
            .map(|t| {
                SlaClock::start(
                    metric,
                    policy_id,
                    t.minutes.saturating_mul(Timestamp::MINUTE),
                    t.calendar_id,
                    now,
                )
            })
    };
    let mut ended = Vec::new();
    for happening in happenings {
        match happening {
            Happening::StaffReply => {
                for metric in [Metric::FirstReply, Metric::NextReply] {
                    if let Some(c) = find(&mut clocks, metric).filter(|c| c.is_active()) {
                        ended.push((c.metric, c.due_at));
                        c.end(ClockState::Achieved, calendars.time(c.calendar_id), now);
                    }
                }
                if facts.status.is_unresolved() {
                    match find(&mut clocks, Metric::PeriodicUpdate) {
                        Some(c) => {
                            if c.is_active() {
                                ended.push((c.metric, c.due_at));
                                c.end(ClockState::Achieved, calendars.time(c.calendar_id), now);
                            }
                            c.restart(now);
                        }
                        None => clocks.extend(start(Metric::PeriodicUpdate)),
                    }
                }
            }
            Happening::CustomerMessage => {
                let first_reply_open =
                    find(&mut clocks, Metric::FirstReply).is_some_and(|c| c.is_active());
                if !first_reply_open && facts.status.is_unresolved() {
                    match find(&mut clocks, Metric::NextReply) {
                        Some(c) if c.is_active() => {}
                        Some(c) => c.restart(now),
                        None => clocks.extend(start(Metric::NextReply)),
                    }
                }
            }
        }
    }
    dispute_clock(&mut clocks, facts.dispute, &mut ended, now);
    // Metrics that never had a clock start where the ticket's state says they should.
    if facts.status.is_unresolved() && find(&mut clocks, Metric::Resolution).is_none() {
        clocks.extend(start(Metric::Resolution));
    }
    if facts.status == Status::New && find(&mut clocks, Metric::FirstReply).is_none() {
        clocks.extend(start(Metric::FirstReply));
    }
    for clock in &mut clocks {
        let time = calendars.time(clock.calendar_id);
        if facts.status.is_unresolved() {
            if clock.metric == Metric::DisputeResponse {
                // A network's deadline runs whatever the ticket's status.
                continue;
            }
            if clock.metric == Metric::Resolution && clock.state == ClockState::Achieved {
                // Reopened: the resolution clock goes on where it stopped.
                clock.state = ClockState::Paused;
                clock.achieved_at = None;
                clock.paused_since = Some(now);
            }
            let pauses = policy.is_some_and(|p| p.spec.pauses(clock.metric, facts.status));
            if pauses {
                clock.pause(time, now);
            } else {
                clock.resume(now);
            }
        } else if clock.is_active() {
            let state = if clock.metric == Metric::Resolution {
                ClockState::Achieved
            } else {
                ClockState::Cancelled
            };
            if state == ClockState::Achieved {
                ended.push((clock.metric, clock.due_at));
            }
            clock.end(state, time, now);
        }
    }
    // A clock met after its due time breached, even if its timer has not fired yet.
    for (metric, due_at) in ended {
        if let (Some(due_at), Some(c)) = (due_at, find(&mut clocks, metric))
            && due_at <= now
            && c.breached_at.is_none()
            && c.achieved_at.is_some_and(|a| a >= due_at)
        {
            c.breached_at = Some(due_at);
            changes.push(SlaChange::Breached { metric, due_at });
        }
    }
    let at_risk = policy.map_or(75, |p| p.spec.at_risk_percent);
    for clock in &mut clocks {
        clock.schedule(calendars.time(clock.calendar_id), at_risk);
    }
    clocks.sort_by_key(|c| c.metric);
    SlaOutcome {
        clocks,
        policy_id,
        changes,
    }
}

/// Keeps the dispute deadline's clock in step with the dispute: started at the dispute's
/// opening with the time up to its due date as target, moved when the gateway moves the
/// date, met when the dispute is answered, dropped when the ticket no longer works one.
fn dispute_clock(
    clocks: &mut Vec<SlaClock>,
    dispute: Option<DisputeDeadline>,
    ended: &mut Vec<(Metric, Option<Timestamp>)>,
    now: Timestamp,
) {
    let metric = Metric::DisputeResponse;
    let time = super::AlwaysOpen;
    match (dispute, find(clocks, metric)) {
        (Some(d), None) if !d.answered => {
            clocks.push(SlaClock::deadline(metric, d.opened_at, d.due_at))
        }
        (Some(d), Some(c)) if c.is_active() => {
            if d.answered {
                ended.push((metric, c.due_at));
                c.end(ClockState::Achieved, &time, now);
            } else if c.started_at.plus_millis(c.target_ms) != d.due_at {
                c.target_ms = d.due_at.since(c.started_at).max(0);
            }
        }
        (Some(d), Some(c)) if !d.answered => {
            let same = c.started_at.plus_millis(c.target_ms) == d.due_at;
            if same && c.state == ClockState::Achieved {
                return;
            }
            // A new stage (pre-arbitration, arbitration) brings a new deadline; a ticket
            // reopened on an unanswered dispute takes its deadline up again.
            let opened = if same {
                c.started_at
            } else {
                now.min(d.due_at)
            };
            let (cycle, breached) = (c.cycle + 1, c.breached_at.filter(|_| same));
            *c = SlaClock::deadline(metric, opened, d.due_at);
            c.cycle = cycle;
            c.breached_at = breached;
        }
        (None, Some(c)) if c.is_active() => c.end(ClockState::Cancelled, &time, now),
        _ => {}
    }
}

fn find(clocks: &mut [SlaClock], metric: Metric) -> Option<&mut SlaClock> {
    clocks.iter_mut().find(|c| c.metric == metric)
}

/// Which of a clock's timers fell due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerKind {
    Warning,
    Breach,
}

impl TimerKind {
    /// The stored name of the timer.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TimerKind::Warning => "sla_warning",
            TimerKind::Breach => "sla_breach",
        }
    }
}

/// A clock's timer fell due at `now`: marks the clock at risk or breached, once. Returns the
/// change to record, or `None` when the timer is stale (the clock was met, paused, moved or
/// already marked since the timer was set).
pub fn fire(clock: &mut SlaClock, kind: TimerKind, now: Timestamp) -> Option<SlaChange> {
    if !clock.is_running() || clock.breached_at.is_some() {
        return None;
    }
    match kind {
        TimerKind::Breach => {
            let due_at = clock.due_at.filter(|d| *d <= now)?;
            clock.breached_at = Some(due_at);
            Some(SlaChange::Breached {
                metric: clock.metric,
                due_at,
            })
        }
        TimerKind::Warning => {
            if clock.warned_at.is_some() {
                return None;
            }
            let at = clock.warn_at.filter(|w| *w <= now)?;
            clock.warned_at = Some(at);
            Some(SlaChange::AtRisk {
                metric: clock.metric,
                at,
            })
        }
    }
}
