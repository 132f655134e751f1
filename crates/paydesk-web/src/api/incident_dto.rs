//! The incident API's request and response shapes. Times are RFC 3339 in UTC.

use super::dto::present;
use crate::error::ApiError;
use crate::time::{format, format_opt, parse};
use paydesk_app::incidents::{IncidentPatch, IncidentView, ScopeInput};
use paydesk_domain::Actor;
use paydesk_domain::incident::{
    IncidentAction, IncidentOrigin, IncidentStatus, LinkReason, MatchRules, PaymentMethod, Severity,
};
use paydesk_domain::ticket::{BusinessLine, Status, ticket_number};
use paydesk_store::{IncidentEntry, IncidentTicket, StoredIncident, StoredUpdate, TicketIncident};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an incident affects and since when.
#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ScopeDto {
    #[serde(default)]
    pub gateway: Option<String>,
    #[serde(default)]
    pub method: Option<PaymentMethod>,
    /// A region label such as `eu` or `us-east`.
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub business_line: Option<BusinessLine>,
    /// RFC 3339; when declaring, absent means now.
    #[serde(default)]
    pub started_at: Option<String>,
    /// RFC 3339; absent while it lasts (resolving sets it).
    #[serde(default)]
    pub ended_at: Option<String>,
}

fn time_field(
    field: &str,
    text: Option<&str>,
) -> Result<Option<paydesk_domain::Timestamp>, ApiError> {
    text.map(|t| {
        parse(t).map_err(|e| ApiError::new("invalid_field", e).with_field(format!("scope.{field}")))
    })
    .transpose()
}

impl ScopeDto {
    pub(crate) fn into_input(self) -> Result<ScopeInput, ApiError> {
        Ok(ScopeInput {
            started_at: time_field("started_at", self.started_at.as_deref())?,
            ended_at: time_field("ended_at", self.ended_at.as_deref())?,
            gateway: self.gateway,
            method: self.method,
            region: self.region,
            business_line: self.business_line,
        })
    }
}

/// An incident to declare.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclareIncident {
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub scope: ScopeDto,
    /// Which tickets are about it; absent: tickets are linked by hand only.
    #[serde(default)]
    pub rules: Option<MatchRules>,
    /// What customers are told (the status page's words).
    #[serde(default)]
    pub public_summary: Option<String>,
}

/// A change to an incident: absent fields stay, `null` clears `public_summary` or `rules`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchIncident {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    /// investigating, identified or monitoring (resolve and accept have their own routes).
    #[serde(default)]
    pub status: Option<IncidentStatus>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub public_summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<MatchRules>)]
    pub rules: Option<Option<MatchRules>>,
    /// The whole scope, replacing the current one (a missing start keeps the current start).
    #[serde(default)]
    pub scope: Option<ScopeDto>,
    /// The version read; an incident changed meanwhile is refused (409).
    #[serde(default)]
    pub version: Option<i64>,
}

impl PatchIncident {
    pub(crate) fn into_patch(self) -> Result<IncidentPatch, ApiError> {
        Ok(IncidentPatch {
            title: self.title,
            severity: self.severity,
            status: self.status,
            public_summary: self.public_summary,
            rules: self.rules,
            scope: self.scope.map(ScopeDto::into_input).transpose()?,
            expected_version: self.version,
        })
    }
}

/// An update to post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostUpdate {
    pub body: String,
    /// Reply to every linked unresolved ticket (default false: the timeline only).
    #[serde(default)]
    pub public: bool,
    /// Solve each ticket with the reply (public updates only).
    #[serde(default)]
    pub solve_tickets: bool,
}

/// How to resolve.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveIncident {
    /// With `solve_tickets`, the reply every linked unresolved ticket gets; otherwise a
    /// note on the timeline.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub solve_tickets: bool,
}

/// Why a proposal is dismissed.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct DismissIncident {
    #[serde(default)]
    pub reason: Option<String>,
}

/// A ticket to link by hand.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkTicket {
    /// `PD-123` or `123`.
    pub ticket: String,
}

/// An incident.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentOut {
    pub id: i64,
    pub title: String,
    pub severity: Severity,
    /// What the severity means.
    pub severity_meaning: String,
    pub status: IncidentStatus,
    pub origin: IncidentOrigin,
    pub scope: ScopeDto,
    pub rules: Option<MatchRules>,
    pub public_summary: Option<String>,
    /// Tickets linked now.
    pub linked_tickets: i64,
    /// Send it back as `version` to change the incident safely.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// When it was resolved or dismissed.
    pub closed_at: Option<String>,
}

impl From<&StoredIncident> for IncidentOut {
    fn from(i: &StoredIncident) -> Self {
        Self {
            id: i.id.0,
            title: i.title.clone(),
            severity: i.severity,
            severity_meaning: i.severity.meaning().into(),
            status: i.status,
            origin: i.origin,
            scope: ScopeDto {
                gateway: i.scope.gateway.clone(),
                method: i.scope.method,
                region: i.scope.region.clone(),
                business_line: i.scope.business_line,
                started_at: Some(format(i.scope.started_at)),
                ended_at: format_opt(i.scope.ended_at),
            },
            rules: i.rules.clone(),
            public_summary: i.public_summary.clone(),
            linked_tickets: i.linked_tickets,
            version: i.version,
            created_at: format(i.created_at),
            updated_at: format(i.updated_at),
            closed_at: format_opt(i.closed_at),
        }
    }
}

/// An incident just declared or accepted, with how many tickets its rules linked.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentLinked {
    pub incident: IncidentOut,
    /// Tickets the rules linked by this call.
    pub linked: usize,
}

/// An update with its delivery progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpdateOut {
    pub id: i64,
    pub incident_id: i64,
    /// `update`, or `resolution` for the message of a resolve.
    pub kind: String,
    pub body: String,
    pub public: bool,
    pub solve_tickets: bool,
    /// `delivering` while replies go out to the tickets, then `done`.
    pub status: String,
    /// Tickets it is for (linked and unresolved when posted).
    pub total: i64,
    /// Tickets that got the reply.
    pub sent: i64,
    /// Tickets passed over (solved, closed or unlinked before their turn).
    pub skipped: i64,
    pub author: Actor,
    pub created_at: String,
    pub completed_at: Option<String>,
}

impl From<&StoredUpdate> for UpdateOut {
    fn from(u: &StoredUpdate) -> Self {
        Self {
            id: u.id,
            incident_id: u.incident_id.0,
            kind: u.kind.clone(),
            body: u.body.clone(),
            public: u.is_public,
            solve_tickets: u.solve_tickets,
            status: u.status.clone(),
            total: u.total,
            sent: u.sent,
            skipped: u.skipped,
            author: u.actor.clone(),
            created_at: format(u.created_at),
            completed_at: format_opt(u.completed_at),
        }
    }
}

/// One entry of an incident's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryOut {
    pub at: String,
    pub action: IncidentAction,
    /// Who did it.
    pub actor: Actor,
    /// What it changed (for example `{"from": "sev3", "to": "sev2"}`, `{"count": 12}`).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl From<&IncidentEntry> for EntryOut {
    fn from(e: &IncidentEntry) -> Self {
        Self {
            at: format(e.at),
            action: e.action,
            actor: e.actor.clone(),
            detail: e.detail.clone(),
        }
    }
}

/// An incident with its updates and timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub incident: IncidentOut,
    pub updates: Vec<UpdateOut>,
    pub timeline: Vec<EntryOut>,
}

impl From<&IncidentView> for IncidentDetail {
    fn from(v: &IncidentView) -> Self {
        Self {
            incident: (&v.incident).into(),
            updates: v.updates.iter().map(UpdateOut::from).collect(),
            timeline: v.timeline.iter().map(EntryOut::from).collect(),
        }
    }
}

/// A page of incidents, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentPage {
    pub items: Vec<IncidentOut>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// A ticket linked to an incident.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedTicketOut {
    pub number: String,
    pub status: Status,
    pub reason: LinkReason,
    pub linked_at: String,
}

impl From<&IncidentTicket> for LinkedTicketOut {
    fn from(t: &IncidentTicket) -> Self {
        Self {
            number: ticket_number(t.ticket_id),
            status: t.status,
            reason: t.reason,
            linked_at: format(t.linked_at),
        }
    }
}

/// The tickets linked to an incident (those the caller may see).
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedTicketList {
    pub items: Vec<LinkedTicketOut>,
}

/// An incident a ticket is linked to.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketIncidentOut {
    pub incident: IncidentOut,
    pub reason: LinkReason,
    pub linked_at: String,
}

impl From<&TicketIncident> for TicketIncidentOut {
    fn from(t: &TicketIncident) -> Self {
        Self {
            incident: (&t.incident).into(),
            reason: t.reason,
            linked_at: format(t.linked_at),
        }
    }
}

/// The incidents a ticket is linked to, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketIncidentList {
    pub items: Vec<TicketIncidentOut>,
}

/// What a link or unlink did.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkOut {
    pub ticket: String,
    /// Whether the call changed anything (false: it was so already).
    pub changed: bool,
}
