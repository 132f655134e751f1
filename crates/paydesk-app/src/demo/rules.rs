//! The demo's rules: what a payments desk typically automates first. Set up after the
//! history, with the trigger loop's cursor moved past it, so the rules act on what comes
//! in from now on rather than replaying months of history.

use crate::error::AppError;
use crate::rules::RuleInput;
use crate::{App, Caller};
use paydesk_store::RuleLoop;
use serde_json::json;

impl App {
    pub(super) async fn set_up_demo_rules(&self, lead_email: Option<&str>) -> Result<(), AppError> {
        let lead = lead_email.unwrap_or("lead@example.com");
        let rules = [
            (
                "VIP tickets to high priority",
                json!({"kind": {"type": "trigger", "on": ["ticket_created"]},
                    "conditions": {"all": [
                        {"field": "customer.tier", "op": "in", "value": ["vip", "strategic"]},
                        {"field": "ticket.priority", "op": "in", "value": ["low", "normal"]}]},
                    "actions": [{"type": "set_priority", "priority": "high"}]}),
            ),
            (
                "Tag chargeback when a dispute is linked",
                json!({"kind": {"type": "trigger", "on": ["ticket_created", "ticket_updated"]},
                    "conditions": {"all": [
                        {"field": "payment.open_dispute", "op": "is", "value": true},
                        {"field": "ticket.tags", "op": "not_contains", "value": "chargeback"}]},
                    "actions": [{"type": "add_tags", "tags": ["chargeback"]}]}),
            ),
            (
                "Pending for 5 business days: solve with a note",
                json!({"kind": {"type": "time"},
                    "conditions": {"all": [
                        {"field": "ticket.status", "op": "is", "value": "pending"},
                        {"field": "time.business_days_in_status", "op": "greater_than", "value": 4}]},
                    "actions": [
                        {"type": "add_note", "text": "No answer from the customer for five business days: solved by rule. A reply reopens the ticket."},
                        {"type": "set_status", "status": "solved"}]}),
            ),
            (
                "On hold past the partner SLA: tell the lead",
                json!({"kind": {"type": "time"},
                    "conditions": {"all": [
                        {"field": "time.on_hold_past_partner_sla", "op": "is", "value": true}]},
                    "actions": [{"type": "notify", "to": {"kind": "email", "address": lead},
                        "subject": "On hold past the partner SLA",
                        "text": "A ticket has waited on a partner team longer than agreed; please chase the escalation."}]}),
            ),
        ];
        let system = Caller::system();
        for (name, spec) in rules {
            let input = RuleInput {
                name: name.to_owned(),
                spec,
                is_active: true,
            };
            self.create_rule(&system, &input).await?;
        }
        let now = self.clock.now();
        let last = self.store.last_event_id().await?;
        if self
            .store
            .lease_rule_loop(RuleLoop::Triggers, "demo", now, 60_000)
            .await?
            .is_some()
        {
            self.store
                .advance_rule_loop(RuleLoop::Triggers, "demo", last, true)
                .await?;
        }
        Ok(())
    }
}
