//! Request and response shapes of queues, agents, teams and an agent's own work.

use super::dto::present;
use crate::time::{format, format_opt};
use paydesk_app::routing::{QueueOverview, QueuePatch};
use paydesk_domain::QueueId;
use paydesk_domain::routing::{
    AgentProfile, Candidate, Presence, QueueConditions, RoutingMode, Skills, SlaStanding, TeamKind,
};
use paydesk_domain::ticket::{BusinessLine, Priority, Status, ticket_number};
use paydesk_store::{QueueCounts, Team, WorkRow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Counts of a queue's unsolved tickets.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct QueueCountsOut {
    /// By status: new, open, pending, on_hold.
    pub by_status: BTreeMap<String, i64>,
    /// By SLA standing: breached, at_risk, on_track, none.
    pub by_sla: BTreeMap<String, i64>,
    /// New or open with nobody assigned.
    pub unassigned: i64,
}

impl From<&QueueCounts> for QueueCountsOut {
    fn from(c: &QueueCounts) -> Self {
        Self {
            by_status: c
                .by_status
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
            by_sla: c.by_sla.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            unassigned: c.unassigned,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueOut {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub business_line: Option<BusinessLine>,
    pub vendor_id: Option<i64>,
    /// Which tickets naming no queue it takes; queues are tried by `position`.
    pub conditions: QueueConditions,
    pub position: i64,
    pub routing: RoutingMode,
    pub overflow_after_minutes: Option<i64>,
    pub overflow_queue_id: Option<i64>,
    pub calendar_id: Option<i64>,
    /// User ids of the people who work it.
    pub members: Vec<i64>,
    pub counts: QueueCountsOut,
}

impl From<&QueueOverview> for QueueOut {
    fn from(o: &QueueOverview) -> Self {
        let (q, r) = (&o.settings.queue, &o.settings.routing);
        Self {
            id: q.id.0,
            key: q.key.clone(),
            name: q.name.clone(),
            business_line: q.business_line,
            vendor_id: q.vendor_id.map(|v| v.0),
            conditions: r.conditions.clone(),
            position: r.position,
            routing: r.routing,
            overflow_after_minutes: r.overflow_after_minutes,
            overflow_queue_id: r.overflow_queue_id.map(|q| q.0),
            calendar_id: r.calendar_id,
            members: o.members.iter().map(|u| u.0).collect(),
            counts: o
                .counts
                .as_ref()
                .map(QueueCountsOut::from)
                .unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueList {
    pub items: Vec<QueueOut>,
}

/// A change to a queue's routing; absent fields stay, `null` clears an optional one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchQueue {
    #[serde(default)]
    pub conditions: Option<QueueConditions>,
    #[serde(default)]
    pub position: Option<i64>,
    #[serde(default)]
    pub routing: Option<RoutingMode>,
    /// Minutes an unassigned ticket may wait before moving to `overflow_queue_id`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub overflow_after_minutes: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub overflow_queue_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub calendar_id: Option<Option<i64>>,
}

impl From<PatchQueue> for QueuePatch {
    fn from(p: PatchQueue) -> Self {
        Self {
            conditions: p.conditions,
            position: p.position,
            routing: p.routing,
            overflow_after_minutes: p.overflow_after_minutes,
            overflow_queue_id: p.overflow_queue_id.map(|q| q.map(QueueId)),
            calendar_id: p.calendar_id,
        }
    }
}

/// A new queue; the routing settings of [`PatchQueue`] may come with it. Unknown fields
/// are refused (by the flattened settings).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateQueue {
    /// Letters, digits, `-` and `_`; unique.
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub business_line: Option<BusinessLine>,
    /// The BPO vendor serving it, if any.
    #[serde(default)]
    pub vendor_id: Option<i64>,
    #[serde(flatten)]
    pub routing: PatchQueue,
}

/// One row of a queue view or of "my work".
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkRowOut {
    pub id: i64,
    pub number: String,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub business_line: BusinessLine,
    pub category: Option<String>,
    pub language: String,
    pub queue_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub created_at: String,
    /// When the earliest running SLA clock is due; `null` when none runs.
    pub sla_due_at: Option<String>,
    pub sla: SlaStanding,
}

impl From<&WorkRow> for WorkRowOut {
    fn from(w: &WorkRow) -> Self {
        Self {
            id: w.id.0,
            number: ticket_number(w.id),
            subject: w.subject.clone(),
            status: w.status,
            priority: w.priority,
            business_line: w.business_line,
            category: w.category.clone(),
            language: w.language.clone(),
            queue_id: w.queue_id.map(|q| q.0),
            assignee_id: w.assignee_id.map(|u| u.0),
            created_at: format(w.created_at),
            sla_due_at: format_opt(w.sla_due_at),
            sla: w.sla,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkPage {
    pub items: Vec<WorkRowOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresenceIn {
    pub presence: Presence,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentOut {
    pub user_id: i64,
    pub skills: Skills,
    pub capacity: i64,
    pub chat_capacity: i64,
    pub presence: Presence,
    pub presence_at: String,
    pub team_id: Option<i64>,
    pub calendar_id: Option<i64>,
    /// Open tickets (new, open, pending, on hold) assigned now.
    pub load: i64,
    /// Send it back in `version` when changing the profile.
    pub version: i64,
}

impl AgentOut {
    #[must_use]
    pub fn new(p: &AgentProfile, load: i64) -> Self {
        Self {
            user_id: p.user_id.0,
            skills: p.skills.clone(),
            capacity: p.capacity,
            chat_capacity: p.chat_capacity,
            presence: p.presence,
            presence_at: format(p.presence_at),
            team_id: p.team_id.map(|t| t.0),
            calendar_id: p.calendar_id,
            load,
            version: p.version,
        }
    }
}

impl From<&Candidate> for AgentOut {
    fn from(c: &Candidate) -> Self {
        Self::new(&c.profile, c.load)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentList {
    pub items: Vec<AgentOut>,
}

/// An agent's routing profile. Presence is set on its own (`/presence`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutAgent {
    #[serde(default)]
    pub skills: Skills,
    /// Most open tickets at once (0-1000).
    pub capacity: i64,
    /// Most live chats at once (0-1000); defaults to 1.
    #[serde(default)]
    pub chat_capacity: Option<i64>,
    #[serde(default)]
    pub team_id: Option<i64>,
    #[serde(default)]
    pub calendar_id: Option<i64>,
    /// The version you read; a profile changed since answers 409.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamOut {
    pub id: i64,
    pub name: String,
    pub kind: TeamKind,
    pub vendor_id: Option<i64>,
    pub calendar_id: Option<i64>,
}

impl From<&Team> for TeamOut {
    fn from(t: &Team) -> Self {
        Self {
            id: t.id.0,
            name: t.name.clone(),
            kind: t.kind,
            vendor_id: t.vendor_id.map(|v| v.0),
            calendar_id: t.calendar_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamList {
    pub items: Vec<TeamOut>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeam {
    pub name: String,
    pub kind: TeamKind,
    #[serde(default)]
    pub vendor_id: Option<i64>,
    #[serde(default)]
    pub calendar_id: Option<i64>,
}
