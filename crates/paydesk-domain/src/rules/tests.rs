use super::*;
use crate::customer::Tier;
use crate::id::{QueueId, RuleId, UserId};
use crate::ticket::{BusinessLine, Channel, Priority, Status};
use crate::time::Timestamp;
use serde_json::json;

pub(super) fn facts() -> TicketFacts {
    TicketFacts {
        ticket: TicketSnapshot {
            status: Status::Open,
            priority: Priority::Normal,
            category: Some("refund".into()),
            tags: vec!["card".into()],
            queue_id: Some(QueueId(3)),
            assignee_id: None,
            business_line: BusinessLine::Buyer,
            channel: Channel::Email,
            language: "en".into(),
            subject: "Double charge on my order".into(),
            version: 1,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        },
        customer: Some(CustomerFacts {
            tier: Tier::Vip,
            country: Some("DE".into()),
            locale: Some("de-DE".into()),
        }),
        payment: PaymentFacts {
            largest_amount: Some(12_000),
            has_open_dispute: true,
            ..PaymentFacts::default()
        },
        sla: SlaFacts::default(),
        escalation: EscalationFacts::default(),
        time: TimeFacts::default(),
    }
}

fn spec(value: serde_json::Value) -> RuleSpec {
    serde_json::from_value(value).unwrap()
}

fn rule(id: i64, position: i64, spec: RuleSpec) -> Rule {
    Rule {
        id: RuleId(id),
        name: format!("rule {id}"),
        position,
        is_active: true,
        spec,
    }
}

#[test]
fn vocabularies_follow_the_domain_enums() {
    assert!(field::vocabularies_match());
}

#[test]
fn a_vip_rule_parses_validates_and_fires() {
    let s = spec(json!({
        "kind": {"type": "trigger", "on": ["ticket_created"]},
        "conditions": {"all": [{"field": "customer.tier", "op": "is", "value": "vip"}]},
        "actions": [{"type": "set_priority", "priority": "high"}]
    }));
    s.validate().unwrap();
    let out = evaluate_triggers(&[rule(1, 1, s)], TriggerEvent::TicketCreated, &facts(), 0);
    assert_eq!(out.firings.len(), 1);
    assert_eq!(out.facts.ticket.priority, Priority::High);
    assert_eq!(out.facts.ticket.version, 2);
}

#[test]
fn triggers_only_run_on_their_events() {
    let s = spec(json!({
        "kind": {"type": "trigger", "on": ["customer_replied"]},
        "actions": [{"type": "add_tags", "tags": ["replied"]}]
    }));
    let rules = [rule(1, 1, s)];
    assert!(
        evaluate_triggers(&rules, TriggerEvent::TicketCreated, &facts(), 0)
            .firings
            .is_empty()
    );
    assert_eq!(
        evaluate_triggers(&rules, TriggerEvent::CustomerReplied, &facts(), 0)
            .firings
            .len(),
        1
    );
}

#[test]
fn wrong_operator_for_a_field_is_refused_with_the_allowed_ones() {
    let s = spec(json!({
        "kind": {"type": "time"},
        "conditions": {"all": [{"field": "ticket.tags", "op": "greater_than", "value": 3}]},
        "actions": [{"type": "add_note", "text": "x"}]
    }));
    let e = s.validate().unwrap_err();
    assert_eq!(e.code, "operator_not_allowed");
    assert_eq!(e.path, "conditions.all[0].op");
    assert!(e.message.contains("contains"), "{}", e.message);
}

#[test]
fn bad_values_are_refused() {
    for (cond, path) in [
        (
            json!({"field": "ticket.status", "op": "is", "value": "done"}),
            "conditions.all[0].value",
        ),
        (
            json!({"field": "ticket.priority", "op": "in", "value": []}),
            "conditions.all[0].value",
        ),
        (
            json!({"field": "payment.open_dispute", "op": "is", "value": "yes"}),
            "conditions.all[0].value",
        ),
        (
            json!({"field": "ticket.queue_id", "op": "present", "value": 1}),
            "conditions.all[0].value",
        ),
        (
            json!({"field": "ticket.age_hours", "op": "less_than", "value": "2"}),
            "conditions.all[0].value",
        ),
    ] {
        let s = spec(
            json!({"kind": {"type": "time"}, "conditions": {"all": [cond]},
            "actions": [{"type": "add_note", "text": "x"}]}),
        );
        let e = s.validate().unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("invalid_value", path));
    }
}

#[test]
fn unknown_fields_and_incomplete_rules_are_refused() {
    let unknown = serde_json::from_value::<RuleSpec>(json!({"kind": {"type": "time"},
        "conditions": {"all": [{"field": "ticket.colour", "op": "is", "value": "x"}]},
        "actions": []}));
    assert!(unknown.unwrap_err().to_string().contains("ticket.colour"));
    let no_events = spec(json!({"kind": {"type": "trigger", "on": []},
        "actions": [{"type": "add_note", "text": "x"}]}));
    assert_eq!(no_events.validate().unwrap_err().code, "no_trigger_events");
    let no_actions = spec(json!({"kind": {"type": "time"}, "actions": []}));
    assert_eq!(no_actions.validate().unwrap_err().code, "no_actions");
    let bad_mail = spec(
        json!({"kind": {"type": "time"}, "actions": [{"type": "notify",
        "to": {"kind": "email", "address": "lead"}, "subject": "s", "text": "t"}]}),
    );
    assert_eq!(
        bad_mail.validate().unwrap_err().path,
        "actions[0].to.address"
    );
    let bad_url = spec(
        json!({"kind": {"type": "time"}, "actions": [{"type": "call_webhook",
        "url": "ftp://x"}]}),
    );
    assert_eq!(bad_url.validate().unwrap_err().path, "actions[0].url");
    let closing = spec(
        json!({"kind": {"type": "time"}, "actions": [{"type": "set_status",
        "status": "closed"}]}),
    );
    assert_eq!(closing.validate().unwrap_err().path, "actions[0].status");
}

#[test]
fn operators_compare_as_documented() {
    let f = facts();
    let holds = |c: serde_json::Value| {
        let c: Condition = serde_json::from_value(c).unwrap();
        c.validate("c").unwrap();
        c.holds(&f, 5 * 3_600_000)
    };
    assert!(holds(
        json!({"field": "ticket.subject", "op": "contains", "value": "DOUBLE"})
    ));
    assert!(holds(
        json!({"field": "ticket.tags", "op": "contains", "value": "card"})
    ));
    assert!(holds(
        json!({"field": "ticket.tags", "op": "not_contains", "value": "vip"})
    ));
    assert!(holds(
        json!({"field": "ticket.assignee_id", "op": "absent"})
    ));
    assert!(holds(
        json!({"field": "ticket.queue_id", "op": "in", "value": [2, 3]})
    ));
    assert!(holds(
        json!({"field": "payment.largest_amount", "op": "greater_than", "value": 10000})
    ));
    assert!(holds(
        json!({"field": "ticket.age_hours", "op": "greater_than", "value": 4})
    ));
    assert!(!holds(
        json!({"field": "ticket.age_hours", "op": "greater_than", "value": 5})
    ));
    assert!(holds(
        json!({"field": "payment.open_dispute", "op": "is", "value": true})
    ));
    assert!(holds(
        json!({"field": "escalation.team", "op": "is_not", "value": "risk"})
    ));
    assert!(!holds(
        json!({"field": "escalation.team", "op": "is", "value": "risk"})
    ));
    assert!(holds(
        json!({"field": "ticket.status", "op": "not_in", "value": ["pending", "solved"]})
    ));
}

#[test]
fn rules_that_undo_each_other_fire_once_each() {
    let add = spec(
        json!({"kind": {"type": "trigger", "on": ["ticket_updated"]},
        "conditions": {"all": [{"field": "ticket.tags", "op": "not_contains", "value": "x"}]},
        "actions": [{"type": "add_tags", "tags": ["x"]}]}),
    );
    let remove = spec(
        json!({"kind": {"type": "trigger", "on": ["ticket_updated"]},
        "conditions": {"all": [{"field": "ticket.tags", "op": "contains", "value": "x"}]},
        "actions": [{"type": "remove_tags", "tags": ["x"]}]}),
    );
    let out = evaluate_triggers(
        &[rule(1, 1, add), rule(2, 2, remove)],
        TriggerEvent::TicketUpdated,
        &facts(),
        0,
    );
    let ids: Vec<i64> = out.firings.iter().map(|f| f.rule_id.0).collect();
    assert_eq!(ids, [1, 2]);
    assert!(!out.facts.ticket.tags.contains(&"x".to_owned()));
}

#[test]
fn a_later_change_lets_an_earlier_rule_fire_in_the_next_pass() {
    let first = spec(
        json!({"kind": {"type": "trigger", "on": ["ticket_updated"]},
        "conditions": {"all": [{"field": "ticket.priority", "op": "is", "value": "urgent"}]},
        "actions": [{"type": "add_tags", "tags": ["hot"]}]}),
    );
    let second = spec(
        json!({"kind": {"type": "trigger", "on": ["ticket_updated"]},
        "actions": [{"type": "set_priority", "priority": "urgent"}]}),
    );
    let out = evaluate_triggers(
        &[rule(1, 1, first), rule(2, 2, second)],
        TriggerEvent::TicketUpdated,
        &facts(),
        0,
    );
    let ids: Vec<i64> = out.firings.iter().map(|f| f.rule_id.0).collect();
    assert_eq!(ids, [2, 1]);
    assert_eq!(out.passes, 3, "the third pass finds nothing left to fire");
}

#[test]
fn pending_five_business_days_is_due_once_per_version() {
    let s = spec(json!({"kind": {"type": "time"}, "conditions": {"all": [
        {"field": "ticket.status", "op": "is", "value": "pending"},
        {"field": "time.business_days_in_status", "op": "greater_than", "value": 4}]},
        "actions": [{"type": "add_note", "text": "Closing after five business days"},
                    {"type": "set_status", "status": "solved"}]}));
    let rules = [rule(7, 1, s)];
    let mut f = facts();
    f.ticket.status = Status::Pending;
    f.time.business_days_in_status = 5;
    let sweep = sweep_time_rules(&rules, &f, &BTreeMap::new(), 0);
    assert_eq!(sweep.firings.len(), 1);
    assert_eq!(sweep.facts.ticket.status, Status::Solved);
    let ledger = BTreeMap::from([(RuleId(7), sweep.facts.ticket.version)]);
    assert!(
        sweep_time_rules(&rules, &sweep.facts, &ledger, 0)
            .firings
            .is_empty()
    );
}

#[test]
fn explain_names_the_conditions_that_held() {
    let s = spec(json!({"kind": {"type": "time"}, "conditions": {
        "all": [{"field": "customer.tier", "op": "is", "value": "vip"}],
        "any": [{"field": "ticket.tags", "op": "contains", "value": "card"},
                {"field": "ticket.tags", "op": "contains", "value": "wire"}]},
        "actions": [{"type": "add_note", "text": "x"}]}));
    let why = explain(&rule(1, 1, s), &facts(), 0).unwrap();
    assert_eq!(
        why,
        ["customer.tier is \"vip\"", "ticket.tags contains \"card\""]
    );
    let _ = UserId(1);
}

use std::collections::BTreeMap;
