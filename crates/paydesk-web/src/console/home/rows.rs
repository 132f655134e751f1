//! What one row of a work list shows, and the queue tabs above it.

use super::HomeQuery;
use crate::console::desk::Desk;
use crate::console::format;
use paydesk_app::{App, AppError};
use paydesk_domain::policy::Action;
use paydesk_domain::{QueueId, Timestamp, UserId};
use paydesk_store::WorkRow;
use std::collections::{BTreeMap, HashMap};

/// One ticket of a work list, ready to show.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: String,
    pub subject: String,
    pub status: &'static str,
    pub priority: &'static str,
    pub business_line: &'static str,
    /// The customer's tier when it is not standard.
    pub tier: Option<&'static str>,
    pub category: Option<String>,
    pub queue: Option<String>,
    /// "me", the agent's name, or "nobody".
    pub holder: String,
    /// The SLA standing as a CSS class (`breached`, `at_risk`, `on_track`, `none`).
    pub sla_class: &'static str,
    pub sla_text: String,
    pub age: String,
}

impl Row {
    #[must_use]
    pub fn of(w: &WorkRow, now: Timestamp, names: &Names, me: UserId) -> Self {
        let (sla_class, sla_text) = format::sla(w.sla, w.sla_due_at, now);
        Self {
            number: paydesk_domain::ticket::ticket_number(w.id),
            subject: w.subject.clone(),
            status: w.status.as_str(),
            priority: w.priority.as_str(),
            business_line: w.business_line.as_str(),
            // Standard is the rule; only the tiers that change how to answer are shown.
            tier: w
                .customer_tier
                .filter(|t| *t != paydesk_domain::customer::Tier::Standard)
                .map(|t| t.as_str()),
            category: w.category.clone(),
            queue: w.queue_id.and_then(|q| names.queues.get(&q).cloned()),
            holder: match w.assignee_id {
                Some(a) if a == me => "me".to_string(),
                Some(a) => names
                    .people
                    .get(&a)
                    .cloned()
                    .unwrap_or_else(|| "another agent".to_string()),
                None => "nobody".to_string(),
            },
            sla_class,
            sla_text,
            age: crate::console::when::span(now.0 - w.created_at.0),
        }
    }
}

/// The names a work list shows: queues and the agents holding its tickets.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub queues: HashMap<QueueId, String>,
    pub people: BTreeMap<UserId, String>,
}

/// A queue as a tab of the home page, with its unsolved, at-risk and breached counts.
#[derive(Debug, Clone)]
pub struct QueueTab {
    pub id: i64,
    pub name: String,
    pub unsolved: i64,
    pub at_risk: i64,
    pub breached: i64,
    pub is_current: bool,
}

/// The caller's queues as tabs, and every visible queue's name by id. A role that may not
/// read queues gets none.
pub async fn queue_tabs(
    app: &App,
    desk: &Desk,
    query: &HomeQuery,
) -> Result<(Vec<QueueTab>, HashMap<QueueId, String>), AppError> {
    if !desk.may(Action::QueueRead) {
        return Ok((vec![], HashMap::new()));
    }
    let queues = app.queues(&desk.caller).await?;
    let me = desk.session.user.id;
    // Leads and admins see every queue; agents their queues, or every queue they may
    // see when they are a member of none (a BPO agent: its vendor's).
    let sees_all = desk.may(Action::QueueManage) || !queues.iter().any(|q| q.members.contains(&me));
    let names = queues
        .iter()
        .map(|q| (q.settings.queue.id, q.settings.queue.name.clone()))
        .collect();
    let current = (query.list() == "queue").then_some(query.queue).flatten();
    let tabs = queues
        .iter()
        .filter(|q| sees_all || q.members.contains(&me))
        .map(|q| {
            let counts = q.counts.as_ref();
            let count = |s| counts.and_then(|c| c.by_sla.get(&s).copied()).unwrap_or(0);
            QueueTab {
                id: q.settings.queue.id.0,
                name: q.settings.queue.name.clone(),
                unsolved: counts.map_or(0, |c| c.by_status.values().sum()),
                at_risk: count(paydesk_domain::routing::SlaStanding::AtRisk),
                breached: count(paydesk_domain::routing::SlaStanding::Breached),
                is_current: current == Some(q.settings.queue.id.0),
            }
        })
        .collect();
    Ok((tabs, names))
}
