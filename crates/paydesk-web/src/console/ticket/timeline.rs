//! The ticket's history as sentences: who did what, and when. Shown oldest first, like
//! the conversation, so both read top to bottom.

use super::people::People;
use crate::console::when::When;
use paydesk_domain::Timestamp;
use paydesk_domain::event::{Event, EventKind};
use serde_json::Value;

/// One event as the timeline shows it.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub kind: &'static str,
    pub sentence: String,
    pub when: When,
}

/// The events as sentences, oldest first.
#[must_use]
pub fn rows(events: &[Event], people: &People, now: Timestamp) -> Vec<EventRow> {
    events
        .iter()
        .map(|e| EventRow {
            kind: e.kind.as_str(),
            sentence: sentence(e, people),
            when: When::at(e.at, now),
        })
        .collect()
}

/// What happened, with who did it.
#[must_use]
pub fn sentence(e: &Event, people: &People) -> String {
    let who = people.actor(&e.actor);
    let d = &e.data;
    match e.kind {
        EventKind::TicketCreated => format!("{who} created the ticket."),
        EventKind::MessageAdded if d["visibility"] == "internal" => {
            format!("{who} added an internal note.")
        }
        EventKind::MessageAdded => format!("{who} wrote a public message."),
        EventKind::FieldChanged => changed(&who, d, people),
        EventKind::Reopened => format!("{who} reopened the ticket."),
        EventKind::Redacted => format!(
            "{who} sent card data in the {}; it was masked.",
            words(d["field"].as_str().unwrap_or("text"))
        ),
        EventKind::Assigned => match d["assignee_id"].as_i64() {
            Some(id) => format!(
                "{who} assigned the ticket to {}.",
                people.user(paydesk_domain::UserId(id))
            ),
            None => format!("{who} unassigned the ticket."),
        },
        EventKind::SlaBreached => format!(
            "The {} target was breached.",
            words(d["metric"].as_str().unwrap_or("SLA"))
        ),
        EventKind::SlaAtRisk => format!(
            "The {} target is at risk.",
            words(d["metric"].as_str().unwrap_or("SLA"))
        ),
        EventKind::SlaPolicyApplied => "The SLA targets were set by policy.".to_string(),
        EventKind::MailQueued => "The reply's email was queued.".to_string(),
        EventKind::MailSent => "The reply's email was sent.".to_string(),
        EventKind::MailFailed => "The reply's email could not be sent.".to_string(),
        EventKind::PaymentLinked => {
            let kind = words(d["kind"].as_str().unwrap_or("payment"));
            if d["linked"] == false {
                format!("{who} unlinked a {kind}.")
            } else {
                format!("{who} linked a {kind}.")
            }
        }
        EventKind::SopProgress => sop_progress(&who, d),
        EventKind::EscalationChanged => escalation(&who, d),
        other => format!("{who}: {}.", words(other.as_str())),
    }
}

/// A `sop_progress` event: "Ana ticked the step check-the-ledger (SOP 3, version 2)."
fn sop_progress(who: &str, d: &Value) -> String {
    let which = format!(
        "SOP {}, version {}",
        d["sop_id"].as_i64().unwrap_or_default(),
        d["version"].as_i64().unwrap_or_default()
    );
    let step = d["step"].as_str().unwrap_or("a step");
    match d["action"].as_str() {
        Some("started") => format!("{who} started following {which}."),
        Some("unticked") => format!("{who} unticked the step {step} ({which})."),
        _ => format!("{who} ticked the step {step} ({which})."),
    }
}

/// An `escalation_changed` event: "Ana escalated to Finance: Payout missing."
fn escalation(who: &str, d: &Value) -> String {
    let team = d["team"].as_str().unwrap_or("a partner team");
    match d["action"].as_str().unwrap_or_default() {
        "created" => format!(
            "{who} escalated to {team}: {}.",
            d["reason"].as_str().unwrap_or("no reason")
        ),
        "taken" => format!("{who} took the escalation to {team}."),
        "waiting" => format!("{team} waits on the requester; {who} paused the escalation."),
        "answered" => format!("{who} answered the escalation to {team}."),
        "declined" => format!("{who} declined the escalation to {team}."),
        "external_ref_set" => format!("{who} linked the escalation to {team} to a tracker issue."),
        "at_risk" => format!("The escalation to {team} is at risk of missing its target."),
        "breached" => format!("The escalation to {team} missed its response target."),
        other => format!("{who}: escalation to {team} {}.", words(other)),
    }
}

/// A `field_changed` event: "Ana changed priority from normal to high."
fn changed(who: &str, d: &Value, people: &People) -> String {
    let field = d["field"].as_str().unwrap_or("a field");
    if field == "subject" {
        return format!("{who} changed the subject.");
    }
    let show = |v: &Value| match (field, v) {
        (_, Value::Null) => "nothing".to_string(),
        ("assignee_id", Value::Number(n)) => n
            .as_i64()
            .map_or_else(String::new, |id| people.user(paydesk_domain::UserId(id))),
        (_, Value::Array(items)) if items.is_empty() => "no tags".to_string(),
        (_, Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::String(s)) => words(s),
        (_, other) => other.to_string(),
    };
    format!(
        "{who} changed {} from {} to {}.",
        words(field.trim_end_matches("_id")),
        show(&d["from"]),
        show(&d["to"])
    )
}

/// A stable label as words: `first_reply` → `first reply`.
#[must_use]
pub fn words(label: &str) -> String {
    label.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use paydesk_domain::{Actor, EventId, UserId};
    use serde_json::json;

    fn event(kind: EventKind, data: Value) -> Event {
        Event {
            id: EventId(1),
            ticket_id: None,
            customer_id: None,
            actor: Actor::User { id: UserId(7) },
            at: Timestamp(0),
            kind,
            data,
        }
    }

    #[test]
    fn names_who_changed_what() {
        let mut people = People::default();
        people.names.insert(UserId(7), "Ana".into());
        people.names.insert(UserId(8), "Bo".into());
        let e = event(
            EventKind::FieldChanged,
            json!({ "field": "priority", "from": "normal", "to": "high" }),
        );
        assert_eq!(
            sentence(&e, &people),
            "Ana changed priority from normal to high."
        );
        let e = event(
            EventKind::FieldChanged,
            json!({ "field": "assignee_id", "from": null, "to": 8 }),
        );
        assert_eq!(
            sentence(&e, &people),
            "Ana changed assignee from nothing to Bo."
        );
        let e = event(EventKind::MessageAdded, json!({ "visibility": "internal" }));
        assert_eq!(sentence(&e, &people), "Ana added an internal note.");
    }
}
