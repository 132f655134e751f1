//! Queues, agents and routing: who works which queue, how tickets are placed in queues and
//! handed to agents, and what agents see of their work.
//!
//! Every assignment, whoever starts it (an agent's claim or "next ticket", automatic
//! assignment, overflow, an agent going offline), goes through the store's locked claim
//! path and records an `assigned` event with its reason, so two instances routing at once
//! never assign a ticket twice or an agent beyond capacity.

mod agents;
mod auto;
mod placement;
mod queues;
mod views;
mod work;

pub use agents::AgentInput;
pub use queues::{QueueOverview, QueuePatch};

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::UserId;
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::policy::Principal;
use serde_json::Value;

/// The person calling; routing's own actions (claim, next ticket, my work) need one.
fn person(caller: &Caller) -> Result<UserId, AppError> {
    match caller.principal {
        Principal::User { id, .. } => Ok(id),
        _ => Err(AppError::invalid(
            "caller",
            "only a signed-in person has work of their own; sign in as the agent",
        )),
    }
}

/// Refuses labels that cannot be stored (NUL, card data), naming the field.
fn refuse_labels<'a>(
    field: &str,
    labels: impl IntoIterator<Item = &'a String>,
) -> Result<(), AppError> {
    for label in labels {
        crate::tickets::refuse_unstorable(field, label)?;
    }
    Ok(())
}

impl App {
    /// Wakes the routing loop (a ticket arrived, an agent came online or has room again).
    pub fn want_routing(&self) {
        self.routing_wanted.notify_one();
    }

    /// What the routing loop waits on between rounds.
    #[must_use]
    pub fn routing_wanted(&self) -> &tokio::sync::Notify {
        &self.routing_wanted
    }

    /// A configuration event by `caller`, to commit with the change it records.
    pub(crate) fn config_event(&self, caller: &Caller, data: Value) -> NewEvent {
        NewEvent {
            ticket_id: None,
            customer_id: None,
            actor: caller.actor(),
            at: self.clock.now(),
            kind: EventKind::ConfigChanged,
            data,
            ip: caller.ip.clone(),
        }
    }
}
