//! Escalations as console rows: team, reason, status badge and the response clock in the
//! SLA clocks' words ("2 h 10 min left", "overdue by 15 min", "paused: 50 min left").

use crate::console::when::{When, span};
use paydesk_domain::Timestamp;
use paydesk_domain::escalation::ClockStanding;
use paydesk_domain::ticket::ticket_number;
use paydesk_store::{StoredEscalation, StoredPartnerTeam};

/// One escalation as lists and panels show it.
#[derive(Debug, Clone)]
pub struct EscalationRow {
    pub id: i64,
    pub href: String,
    pub ticket: String,
    pub ticket_href: String,
    pub ticket_subject: String,
    pub team: String,
    pub reason: String,
    pub severity: &'static str,
    pub summary: String,
    /// The status's stable name, for the badge's class.
    pub status: &'static str,
    pub status_words: String,
    /// The clock in words; empty once answered or declined.
    pub clock: String,
    /// `on_track`, `at_risk`, `breached` or `none`: the colour of `clock`.
    pub tone: &'static str,
    pub created: When,
}

/// The clock of `e` at `now` as (tone, words).
#[must_use]
pub fn clock_words(e: &StoredEscalation, standing: ClockStanding) -> (&'static str, String) {
    match standing {
        ClockStanding::Overdue { ms } => ("breached", format!("overdue by {}", span(ms))),
        ClockStanding::Left { ms, at_risk: true } => {
            ("at_risk", format!("at risk: {} left", span(ms)))
        }
        ClockStanding::Left { ms, .. } => ("on_track", format!("{} left", span(ms))),
        ClockStanding::Paused { left_ms } => ("none", format!("paused: {} left", span(left_ms))),
        ClockStanding::Stopped if e.is_breached() => ("breached", "answered late".into()),
        ClockStanding::Stopped => ("none", String::new()),
    }
}

/// The row of `e` at `now`.
#[must_use]
pub fn row(e: &StoredEscalation, now: Timestamp) -> EscalationRow {
    let standing = e.clock.standing(e.status, e.is_breached(), now);
    let (tone, clock) = clock_words(e, standing);
    let ticket = ticket_number(e.ticket_id);
    EscalationRow {
        id: e.id.0,
        href: format!("/desk/escalations/{}", e.id.0),
        ticket_href: format!("/desk/tickets/{ticket}"),
        ticket,
        ticket_subject: e.ticket_subject.clone(),
        team: e.team_name.clone(),
        reason: e.reason.clone(),
        severity: e.severity.as_str(),
        summary: e.summary.clone(),
        status: e.status.as_str(),
        status_words: e.status.as_str().replace('_', " "),
        clock,
        tone,
        created: When::at(e.created_at, now),
    }
}

/// One choice of the escalate form: a team and one of its active reasons.
#[derive(Debug, Clone)]
pub struct ReasonChoice {
    /// `team_id:reason_id`.
    pub value: String,
    pub label: String,
}

/// A team with its reasons, as an option group of the escalate form.
#[derive(Debug, Clone)]
pub struct TeamChoices {
    pub team: String,
    pub reasons: Vec<ReasonChoice>,
}

/// The active teams with their active reasons.
#[must_use]
pub fn team_choices(teams: &[StoredPartnerTeam]) -> Vec<TeamChoices> {
    teams
        .iter()
        .filter(|t| t.is_active)
        .map(|t| TeamChoices {
            team: t.name.clone(),
            reasons: t
                .reasons
                .iter()
                .filter(|r| r.is_active)
                .map(|r| ReasonChoice {
                    value: format!("{}:{}", t.id.0, r.id),
                    label: r.label.clone(),
                })
                .collect(),
        })
        .filter(|t| !t.reasons.is_empty())
        .collect()
}
