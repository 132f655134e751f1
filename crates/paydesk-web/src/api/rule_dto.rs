//! The JSON shapes of `/rules`.

use paydesk_app::rules::{DryRunHit, DryRunPage};
use paydesk_domain::ticket::{Status, ticket_number};
use paydesk_store::{FiringRecord, StoredRule};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a webhook secret reads as in answers; sent back unchanged, it keeps the secret.
pub const SECRET_MASK: &str = paydesk_app::rules::SECRET_MASK;

/// A rule to create or replace.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleIn {
    pub name: String,
    /// When it runs (`kind`), what must hold (`conditions`: `all`, `any`) and what it does
    /// (`actions`, in order).
    #[schema(value_type = paydesk_domain::rules::RuleSpec)]
    pub spec: Value,
    /// New rules start inactive unless this is true; try them with a dry run first.
    #[serde(default)]
    pub is_active: bool,
    /// On replace: the version you read, so a rule changed meanwhile is not overwritten.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A rule, with its place in the order and how often it fired.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RuleOut {
    pub id: i64,
    pub name: String,
    /// `trigger` or `time`.
    pub kind: String,
    /// Rules run by position, then id.
    pub position: i64,
    pub is_active: bool,
    /// Webhook secrets read as `********`.
    #[schema(value_type = paydesk_domain::rules::RuleSpec)]
    pub spec: Value,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub last_fired_at: Option<String>,
    pub firing_count: i64,
}

impl From<&StoredRule> for RuleOut {
    fn from(r: &StoredRule) -> Self {
        Self {
            id: r.rule.id.0,
            name: r.rule.name.clone(),
            kind: r.rule.spec.kind.as_str().to_owned(),
            position: r.rule.position,
            is_active: r.rule.is_active,
            spec: paydesk_app::rules::masked_spec(&r.rule.spec),
            version: r.version,
            created_at: r.created_at.rfc3339(),
            updated_at: r.updated_at.rfc3339(),
            last_fired_at: r.last_fired_at.map(|t| t.rfc3339()),
            firing_count: r.firing_count,
        }
    }
}

/// The new order of the rules: every rule's id once.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleOrder {
    pub ids: Vec<i64>,
}

/// A ticket a dry run would touch, and why.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DryRunHitOut {
    pub ticket: String,
    pub subject: String,
    pub status: Status,
    /// The conditions that held.
    pub why: Vec<String>,
}

/// One page of a dry run.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DryRunOut {
    pub tickets: Vec<DryRunHitOut>,
    /// How many unresolved tickets were looked at.
    pub scanned: usize,
    /// Pass as `after` to look at the next tickets; null when all were looked at.
    pub next_after: Option<String>,
}

impl From<DryRunHit> for DryRunHitOut {
    fn from(h: DryRunHit) -> Self {
        Self {
            ticket: h.number,
            subject: h.subject,
            status: h.status,
            why: h.why,
        }
    }
}

impl From<DryRunPage> for DryRunOut {
    fn from(p: DryRunPage) -> Self {
        Self {
            scanned: p.scanned,
            next_after: p.next_after.map(ticket_number),
            tickets: p.hits.into_iter().map(DryRunHitOut::from).collect(),
        }
    }
}

/// One firing of a rule on a ticket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FiringOut {
    pub id: i64,
    pub ticket: String,
    pub fired_at: String,
    /// The event that started a trigger; null for a time-rule sweep.
    pub source_event_id: Option<i64>,
    /// The ticket's version after the firing.
    pub ticket_version: i64,
    #[schema(value_type = Object)]
    pub actions: Value,
    /// Why an action could not be taken, if one could not.
    pub error: Option<String>,
}

impl From<&FiringRecord> for FiringOut {
    fn from(record: &FiringRecord) -> Self {
        let f = &record.firing;
        let mut actions = f.actions.clone();
        paydesk_app::rules::mask_secrets(&mut actions);
        Self {
            id: record.id,
            ticket: ticket_number(f.ticket_id),
            fired_at: f.fired_at.rfc3339(),
            source_event_id: f.source_event_id.map(|e| e.0),
            ticket_version: f.ticket_version,
            actions,
            error: f.error.clone(),
        }
    }
}
