//! The escalation API's request and response shapes. Times are RFC 3339 in UTC.

use crate::time::{format, format_opt};
use paydesk_domain::Actor;
use paydesk_domain::escalation::{
    ClockStanding, EscalationStatus, PartnerKind, ResponseTargets, Severity,
};
use paydesk_domain::ticket::ticket_number;
use paydesk_store::{StoredEscalation, StoredPartnerTeam, StoredReason};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A ticket escalated to a partner team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEscalation {
    pub team_id: i64,
    /// One of the team's active reasons (see `GET /api/v1/partner-teams`).
    pub reason_id: i64,
    pub severity: Severity,
    /// One line: what this is about.
    pub summary: String,
    /// The question the team should answer.
    pub question: String,
    /// Put the ticket on hold while the team works (its own SLA clocks pause).
    #[serde(default)]
    pub hold_ticket: bool,
}

/// The query of a move on an escalation (take, wait): optionally the version the caller saw.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveEscalation {
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// An answer, or the reason for declining; it becomes an internal note on the ticket.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerEscalation {
    pub text: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// The link to an external tracker issue: a key like `PAY-123` or an http(s) URL; an
/// empty text clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchEscalation {
    pub external_ref: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// An escalation's response clock now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockOut {
    /// running, paused (waiting on the requester), stopped (answered or declined).
    pub state: &'static str,
    pub due_at: Option<String>,
    pub at_risk: bool,
    pub breached: bool,
    /// Milliseconds left to the due time (counted time while paused); negative when overdue.
    pub left_ms: Option<i64>,
}

impl ClockOut {
    #[must_use]
    pub fn of(e: &StoredEscalation, standing: ClockStanding) -> Self {
        let (state, left_ms, at_risk) = match standing {
            ClockStanding::Left { ms, at_risk } => ("running", Some(ms), at_risk),
            ClockStanding::Overdue { ms } => ("running", Some(-ms), true),
            ClockStanding::Paused { left_ms } => ("paused", Some(left_ms), false),
            ClockStanding::Stopped => ("stopped", None, false),
        };
        Self {
            state,
            due_at: format_opt(e.clock.due_at),
            at_risk: at_risk || e.at_risk_marked_at.is_some(),
            breached: e.is_breached(),
            left_ms,
        }
    }
}

/// An escalation.
#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationOut {
    pub id: i64,
    pub ticket: String,
    pub ticket_subject: String,
    pub team_id: i64,
    pub team: String,
    pub reason_id: i64,
    pub reason: String,
    pub severity: Severity,
    pub summary: String,
    pub question: String,
    pub status: EscalationStatus,
    pub requested_by: Actor,
    pub assignee_id: Option<i64>,
    pub external_ref: Option<String>,
    pub clock: ClockOut,
    pub breached_at: Option<String>,
    pub answered_at: Option<String>,
    pub answer: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl EscalationOut {
    #[must_use]
    pub fn of(e: &StoredEscalation, standing: ClockStanding) -> Self {
        Self {
            id: e.id.0,
            ticket: ticket_number(e.ticket_id),
            ticket_subject: e.ticket_subject.clone(),
            team_id: e.team_id.0,
            team: e.team_name.clone(),
            reason_id: e.reason_id,
            reason: e.reason.clone(),
            severity: e.severity,
            summary: e.summary.clone(),
            question: e.question.clone(),
            status: e.status,
            requested_by: e.requested_by.clone(),
            assignee_id: e.assignee_id.map(|u| u.0),
            external_ref: e.external_ref.clone(),
            clock: ClockOut::of(e, standing),
            breached_at: format_opt(e.breached_at),
            answered_at: format_opt(e.answered_at),
            answer: e.answer.clone(),
            version: e.version,
            created_at: format(e.created_at),
            updated_at: format(e.updated_at),
        }
    }
}

/// Escalations.
#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationList {
    pub items: Vec<EscalationOut>,
}

/// A reason tickets are escalated to a team.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonOut {
    pub id: i64,
    pub label: String,
    /// Retired reasons stay on old escalations but cannot be chosen.
    pub is_active: bool,
}

impl From<&StoredReason> for ReasonOut {
    fn from(r: &StoredReason) -> Self {
        Self {
            id: r.id,
            label: r.label.clone(),
            is_active: r.is_active,
        }
    }
}

/// A partner team.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerTeamOut {
    pub id: i64,
    pub name: String,
    pub kind: PartnerKind,
    pub calendar_id: Option<i64>,
    pub targets: ResponseTargets,
    pub is_active: bool,
    pub members: Vec<i64>,
    pub reasons: Vec<ReasonOut>,
    pub version: i64,
}

impl From<&StoredPartnerTeam> for PartnerTeamOut {
    fn from(t: &StoredPartnerTeam) -> Self {
        Self {
            id: t.id.0,
            name: t.name.clone(),
            kind: t.kind,
            calendar_id: t.calendar_id,
            targets: t.targets,
            is_active: t.is_active,
            members: t.members.iter().map(|u| u.0).collect(),
            reasons: t.reasons.iter().map(ReasonOut::from).collect(),
            version: t.version,
        }
    }
}

/// Partner teams.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerTeamList {
    pub items: Vec<PartnerTeamOut>,
}

/// A partner team as an admin saves it. On change, `expected_version` guards against
/// overwriting someone else's change; members and reasons replace the lists.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerTeamIn {
    pub name: String,
    pub kind: PartnerKind,
    #[serde(default)]
    pub calendar_id: Option<i64>,
    pub targets: ResponseTargets,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(default)]
    pub members: Vec<i64>,
    /// The reasons tickets are escalated to this team for; reasons left out are retired.
    pub reasons: Vec<String>,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

fn yes() -> bool {
    true
}
