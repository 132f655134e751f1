//! Running triggers from the event log. Every ticket event that can start a trigger is
//! read past a stored cursor and evaluated once; the cursor moves past it only after its
//! firings are recorded, so a crash re-reads it and the ledger (unique per rule and event)
//! keeps a recorded firing from being taken again.

use crate::App;
use crate::error::AppError;
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::rules::{Firing, Rule, TriggerEvent, evaluate_triggers};
use paydesk_domain::ticket::Status;
use paydesk_domain::{Actor, TicketId, Timestamp};
use paydesk_store::{NewFiring, RuleLoop, TriggerSource};
use serde_json::json;

/// How long one instance holds a rule loop before another may take it over.
pub(crate) const LEASE_MS: i64 = 60_000;

/// What one run of the trigger loop did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TriggerReport {
    /// Events read past the cursor.
    pub events_read: usize,
    /// Events that started an evaluation.
    pub evaluated: usize,
    /// Firings recorded.
    pub firings: usize,
}

/// The trigger event a logged event starts, if any. What rules change starts nothing:
/// the evaluator already let later rules see it (loop protection across writes).
fn trigger_of(source: &TriggerSource) -> Option<TriggerEvent> {
    if source.actor_kind == "rule" {
        return None;
    }
    match source.kind.as_str() {
        "ticket_created" => Some(TriggerEvent::TicketCreated),
        "field_changed" => Some(TriggerEvent::TicketUpdated),
        "message_added" if source.actor_kind == "customer" => Some(TriggerEvent::CustomerReplied),
        "sla_at_risk" => Some(TriggerEvent::SlaAtRisk),
        "sla_breached" => Some(TriggerEvent::SlaBreached),
        "escalation_changed"
            if source.data.get("action").and_then(|a| a.as_str()) == Some("answered") =>
        {
            Some(TriggerEvent::EscalationAnswered)
        }
        _ => None,
    }
}

impl App {
    /// Evaluates the active triggers for up to `limit` ticket events past the cursor, for
    /// the instance `owner`. Does nothing while another instance holds the loop.
    pub async fn run_triggers(&self, owner: &str, limit: i64) -> Result<TriggerReport, AppError> {
        let mut report = TriggerReport::default();
        let now = self.clock.now();
        let Some(cursor) = self
            .store
            .lease_rule_loop(RuleLoop::Triggers, owner, now, LEASE_MS)
            .await?
        else {
            return Ok(report);
        };
        let sources = self.store.trigger_sources(cursor, limit).await?;
        report.events_read = sources.len();
        let rules = if sources.is_empty() {
            vec![]
        } else {
            self.store.active_rules().await?
        };
        let calendar = self.desk_calendar().await?;
        // One write logs several events (a field_changed per field, a reopening with a
        // customer's reply): it starts its triggers once.
        let mut last_write: Option<(TicketId, Timestamp)> = None;
        let mut last = cursor;
        for source in &sources {
            let write = (source.ticket_id, source.at);
            let same_write = last_write == Some(write);
            if let Some(event) = trigger_of(source)
                && !(same_write && event == TriggerEvent::TicketUpdated)
                && rules.iter().any(|r| r.listens_to(event))
            {
                last_write = Some(write);
                report.evaluated += 1;
                report.firings += self.fire_triggers(&rules, source, event, &calendar).await?;
            } else if trigger_of(source).is_some() {
                last_write = Some(write);
            }
            last = source.event_id;
            if !self
                .store
                .advance_rule_loop(RuleLoop::Triggers, owner, last, false)
                .await?
            {
                return Ok(report);
            }
        }
        self.store
            .advance_rule_loop(RuleLoop::Triggers, owner, last, true)
            .await?;
        Ok(report)
    }

    async fn fire_triggers(
        &self,
        rules: &[Rule],
        source: &TriggerSource,
        event: TriggerEvent,
        calendar: &paydesk_domain::calendar::Calendar,
    ) -> Result<usize, AppError> {
        let ticket = match self.store.ticket(source.ticket_id).await {
            Ok(t) if t.status != Status::Closed => t,
            _ => return Ok(0),
        };
        let facts = self.rule_facts(&ticket, calendar).await?;
        let evaluation = evaluate_triggers(rules, event, &facts, self.clock.now().0);
        let mut recorded = 0;
        for firing in &evaluation.firings {
            if self
                .store
                .has_fired_for(firing.rule_id, source.event_id)
                .await?
            {
                continue;
            }
            let errors = self.take_actions(ticket.id, firing, event.as_str()).await?;
            if self
                .record_firing(ticket.id, firing, event.as_str(), Some(source), errors)
                .await?
            {
                recorded += 1;
            }
        }
        Ok(recorded)
    }

    /// Records a firing in the ledger with its `rule_fired` event naming the rule.
    pub(crate) async fn record_firing(
        &self,
        ticket: TicketId,
        firing: &Firing,
        on: &str,
        source: Option<&TriggerSource>,
        errors: Vec<String>,
    ) -> Result<bool, AppError> {
        let now = self.clock.now();
        let version = self.store.ticket(ticket).await?.version;
        let actions = serde_json::to_value(&firing.actions)
            .map_err(|e| AppError::invalid("actions", e.to_string()))?;
        let error = (!errors.is_empty()).then(|| errors.join("; "));
        let actor = Actor::Rule {
            id: firing.rule_id,
            name: firing.rule_name.clone(),
        };
        let kinds: Vec<&str> = firing.actions.iter().map(|a| a.kind()).collect();
        let event = NewEvent::ticket(
            Some(ticket),
            &actor,
            now,
            EventKind::RuleFired,
            json!({
                "rule_id": firing.rule_id,
                "name": firing.rule_name,
                "on": on,
                "actions": kinds,
                "source_event_id": source.map(|s| s.event_id),
                "error": error,
            }),
        );
        let new = NewFiring {
            rule_id: firing.rule_id,
            ticket_id: ticket,
            fired_at: now,
            source_event_id: source.map(|s| s.event_id),
            ticket_version: version,
            actions,
            error,
        };
        Ok(self.store.record_firing(&new, &event).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use paydesk_domain::EventId;

    fn source(kind: &str, actor: &str, data: serde_json::Value) -> TriggerSource {
        TriggerSource {
            event_id: EventId(1),
            ticket_id: TicketId(1),
            kind: kind.into(),
            actor_kind: actor.into(),
            at: Timestamp(0),
            data,
        }
    }

    #[test]
    fn logged_events_map_to_trigger_events() {
        let none = json!({});
        assert_eq!(
            trigger_of(&source("ticket_created", "user", none.clone())),
            Some(TriggerEvent::TicketCreated)
        );
        assert_eq!(
            trigger_of(&source("message_added", "customer", none.clone())),
            Some(TriggerEvent::CustomerReplied)
        );
        assert_eq!(
            trigger_of(&source("message_added", "user", none.clone())),
            None
        );
        assert_eq!(
            trigger_of(&source("field_changed", "rule", none.clone())),
            None
        );
        assert_eq!(
            trigger_of(&source(
                "escalation_changed",
                "user",
                json!({"action": "answered"})
            )),
            Some(TriggerEvent::EscalationAnswered)
        );
        assert_eq!(
            trigger_of(&source(
                "escalation_changed",
                "user",
                json!({"action": "opened"})
            )),
            None
        );
    }
}
