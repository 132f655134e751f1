//! Which tickets an incident is about: its matching rules, run on declaring, on
//! accepting, on demand and every minute by the workers (so tickets that arrive later are
//! linked too), and links made or undone by hand.
//!
//! The store gathers each candidate ticket's facts a batch at a time; the domain's
//! [`paydesk_domain::incident::MatchRules::matches`] decides; the store links what
//! matched, once. Runs racing each other (two instances, a run on demand) link each
//! ticket once: the link's key refuses the second.

use super::state_error;
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::TicketId;
use paydesk_domain::incident::{IncidentAction, IncidentId};
use paydesk_domain::policy::Action;
use paydesk_domain::ticket::ticket_number;
use paydesk_store::StoredIncident;
use serde_json::json;

/// Candidate tickets read per batch.
const MATCH_BATCH: i64 = 200;

impl App {
    /// Runs an incident's rules now; returns how many tickets they linked. Errors:
    /// [`AppError::IncidentState`] unless the incident is being worked;
    /// [`AppError::Invalid`] on `rules` when it has none.
    pub async fn match_incident(&self, caller: &Caller, id: IncidentId) -> Result<usize, AppError> {
        caller.require(Action::IncidentManage)?;
        let incident = self.store.incident(id).await?;
        if !incident.status.is_active() {
            return Err(state_error(
                incident.status,
                "rules run only while an incident is worked (investigating, identified, monitoring)",
            ));
        }
        if incident.rules.is_none() {
            return Err(AppError::invalid(
                "rules",
                "the incident has no matching rules; set some with PATCH, or link tickets by hand",
            ));
        }
        self.run_rules(caller, &incident).await
    }

    /// Runs the rules of every incident being worked (the workers call this every
    /// minute); returns how many tickets were linked in all.
    pub async fn match_open_incidents(&self) -> Result<usize, AppError> {
        let caller = Caller::system();
        let mut linked = 0;
        for incident in self.store.incidents_with_rules().await? {
            linked += self.run_rules(&caller, &incident).await?;
        }
        Ok(linked)
    }

    /// Links every unresolved ticket the rules match within the incident's window, as
    /// `caller`, batch after batch; nothing for an incident without rules or not worked.
    pub(crate) async fn run_rules(
        &self,
        caller: &Caller,
        incident: &StoredIncident,
    ) -> Result<usize, AppError> {
        let Some(rules) = &incident.rules else {
            return Ok(0);
        };
        if !incident.status.is_active() {
            return Ok(0);
        }
        let window = incident.scope.window(self.now());
        let mut after = TicketId(0);
        let mut linked = 0;
        loop {
            let batch = self
                .store
                .match_candidates(incident.id, window, after, MATCH_BATCH)
                .await?;
            let Some((last, _)) = batch.last() else {
                break;
            };
            after = *last;
            let matched: Vec<TicketId> = batch
                .iter()
                .filter(|(_, facts)| rules.matches(window, facts))
                .map(|(id, _)| *id)
                .collect();
            let entry = self.incident_entry(caller, IncidentAction::LinkedByRule, json!({}));
            linked += self
                .store
                .link_by_rule(incident.id, &matched, &entry)
                .await?;
            if i64::try_from(batch.len()).unwrap_or(0) < MATCH_BATCH {
                break;
            }
        }
        Ok(linked)
    }

    /// Links a ticket to an incident by hand. Returns false when it was linked already.
    /// Errors: [`AppError::NotFound`] for a ticket the caller may not see;
    /// [`AppError::IncidentState`] for a proposal (accept it first) or a dismissed one.
    pub async fn link_incident_ticket(
        &self,
        caller: &Caller,
        id: IncidentId,
        ticket: TicketId,
    ) -> Result<bool, AppError> {
        self.set_incident_link(caller, id, ticket, true).await
    }

    /// Unlinks a ticket from an incident by hand; its rules will not link it again.
    /// Returns false when it was not linked.
    pub async fn unlink_incident_ticket(
        &self,
        caller: &Caller,
        id: IncidentId,
        ticket: TicketId,
    ) -> Result<bool, AppError> {
        self.set_incident_link(caller, id, ticket, false).await
    }

    async fn set_incident_link(
        &self,
        caller: &Caller,
        id: IncidentId,
        ticket: TicketId,
        linked: bool,
    ) -> Result<bool, AppError> {
        caller.require(Action::IncidentManage)?;
        self.taken_up(
            id,
            "tickets are linked to incidents that were declared or accepted",
        )
        .await?;
        self.visible_ticket(caller, ticket).await?;
        let action = if linked {
            IncidentAction::TicketLinked
        } else {
            IncidentAction::TicketUnlinked
        };
        let entry = self.incident_entry(caller, action, json!({ "ticket": ticket_number(ticket) }));
        Ok(if linked {
            self.store.link_incident_ticket(id, ticket, &entry).await?
        } else {
            self.store
                .unlink_incident_ticket(id, ticket, &entry)
                .await?
        })
    }
}
