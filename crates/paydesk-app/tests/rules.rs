//! Trigger and time rules through the use cases, on both engines: triggers fire on each
//! event kind, in order, with all/any; rules that undo each other stop; every change a
//! rule makes is an event naming it; a dry run writes nothing; a second time-rule sweep in
//! a row changes nothing; notify and webhook actions queue their durable jobs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod incident_support;

use incident_support::{app, at, customer, person, ticket};
use paydesk_app::rules::{RULE_NOTIFY_JOB, RULE_WEBHOOK_JOB, RuleInput};
use paydesk_app::tickets::{NewReply, TicketChange};
use paydesk_app::{App, AppError, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::id::RuleId;
use paydesk_domain::message::Visibility;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{Priority, Status, TicketPatch};
use paydesk_domain::{Actor, TicketId, Timestamp};
use paydesk_store::{PageRequest, Store};
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};

const OWNER: &str = "test-instance";

async fn rule(app: &App, lead: &Caller, name: &str, spec: Value) -> RuleId {
    app.create_rule(
        lead,
        &RuleInput {
            name: name.into(),
            spec,
            is_active: true,
        },
    )
    .await
    .unwrap()
    .rule
    .id
}

fn trigger(on: &[&str], conditions: Value, actions: Value) -> Value {
    json!({"kind": {"type": "trigger", "on": on}, "conditions": conditions, "actions": actions})
}

async fn events(store: &Store, id: TicketId) -> Vec<paydesk_domain::event::Event> {
    store
        .timeline(id, &PageRequest::first(500))
        .await
        .unwrap()
        .items
}

async fn fired(store: &Store, id: TicketId) -> Vec<String> {
    events(store, id)
        .await
        .into_iter()
        .filter(|e| e.kind == EventKind::RuleFired)
        .map(|e| e.data["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn tags(app: &App, id: TicketId) -> Vec<String> {
    app.store().ticket(id).await.unwrap().tags
}

async fn append(app: &App, id: TicketId, kind: EventKind, data: Value) {
    let e = NewEvent::ticket(Some(id), &Actor::System, app.now(), kind, data);
    app.store().append_audit(&[e], None).await.unwrap();
}

async fn triggers_fire_on_each_event_kind(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lead@example.com", Role::Lead).await;
    for (on, tag) in [
        ("ticket_created", "t-created"),
        ("ticket_updated", "t-updated"),
        ("customer_replied", "t-replied"),
        ("sla_at_risk", "t-at-risk"),
        ("sla_breached", "t-breached"),
        ("escalation_answered", "t-answered"),
    ] {
        rule(
            &app,
            &lead,
            on,
            trigger(
                &[on],
                json!({}),
                json!([{"type": "add_tags", "tags": [tag]}]),
            ),
        )
        .await;
    }
    let buyer = customer(&app, "Bea").await;
    let id = ticket(&app, &clock, Some(buyer), at(0), "card").await;
    app.run_triggers(OWNER, 500).await.unwrap();
    assert_eq!(tags(&app, id).await, ["t-created"]);

    let change = TicketChange {
        patch: TicketPatch {
            priority: Some(Priority::High),
            ..TicketPatch::default()
        },
        expected_version: None,
    };
    app.change_ticket(&Caller::system(), id, change)
        .await
        .unwrap();
    app.run_triggers(OWNER, 500).await.unwrap();
    assert!(tags(&app, id).await.contains(&"t-updated".to_owned()));

    let reply = NewReply {
        visibility: Visibility::Public,
        from_customer: true,
        body: "Any news on this?".into(),
        attachments: vec![],
        expected_version: None,
    };
    app.add_message(&Caller::system(), id, reply).await.unwrap();
    append(
        &app,
        id,
        EventKind::SlaAtRisk,
        json!({"metric": "first_reply"}),
    )
    .await;
    append(
        &app,
        id,
        EventKind::SlaBreached,
        json!({"metric": "first_reply"}),
    )
    .await;
    append(
        &app,
        id,
        EventKind::EscalationChanged,
        json!({"action": "opened"}),
    )
    .await;
    let report = app.run_triggers(OWNER, 500).await.unwrap();
    assert_eq!(report.firings, 3, "{report:?}");
    append(
        &app,
        id,
        EventKind::EscalationChanged,
        json!({"action": "answered"}),
    )
    .await;
    app.run_triggers(OWNER, 500).await.unwrap();
    let mut have = tags(&app, id).await;
    have.sort();
    assert_eq!(
        have,
        [
            "t-answered",
            "t-at-risk",
            "t-breached",
            "t-created",
            "t-replied",
            "t-updated"
        ]
    );
    // Each event was evaluated once: running again fires nothing more.
    assert_eq!(app.run_triggers(OWNER, 500).await.unwrap().firings, 0);
    assert_eq!(fired(&store, id).await.len(), 6);
}

async fn rules_run_in_order_with_all_and_any(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lead@example.com", Role::Lead).await;
    let vip = customer(&app, "Vera").await;
    let vip_tier = paydesk_domain::customer::CustomerPatch {
        tier: Some(paydesk_domain::customer::Tier::Vip),
        ..Default::default()
    };
    app.update_customer(&Caller::system(), vip, vip_tier, None)
        .await
        .unwrap();
    let created = ["ticket_created"];
    let second = rule(
        &app,
        &lead,
        "second",
        trigger(
            &created,
            json!({"all": [{"field": "ticket.priority", "op": "is", "value": "high"}]}),
            json!([{"type": "add_tags", "tags": ["vip-high"]}]),
        ),
    )
    .await;
    let first = rule(
        &app,
        &lead,
        "first",
        trigger(
            &created,
            json!({"all": [{"field": "customer.tier", "op": "is", "value": "vip"}]}),
            json!([{"type": "set_priority", "priority": "high"}]),
        ),
    )
    .await;
    rule(
        &app,
        &lead,
        "any-miss",
        trigger(
            &created,
            json!({"any": [{"field": "ticket.category", "op": "is", "value": "payout"},
                       {"field": "ticket.tags", "op": "contains", "value": "nope"}]}),
            json!([{"type": "add_tags", "tags": ["wrong"]}]),
        ),
    )
    .await;
    rule(
        &app,
        &lead,
        "any-hit",
        trigger(
            &created,
            json!({"any": [{"field": "ticket.category", "op": "is", "value": "payout"},
                       {"field": "ticket.category", "op": "is", "value": "card"}]}),
            json!([{"type": "add_tags", "tags": ["card-or-payout"]}]),
        ),
    )
    .await;
    app.reorder_rules(&lead, &[first, second, RuleId(3), RuleId(4)])
        .await
        .unwrap();

    let id = ticket(&app, &clock, Some(vip), at(0), "card").await;
    let plain = ticket(&app, &clock, None, at(1), "card").await;
    app.run_triggers(OWNER, 500).await.unwrap();
    assert_eq!(fired(&store, id).await, ["first", "second", "any-hit"]);
    let t = store.ticket(id).await.unwrap();
    assert_eq!(t.priority, Priority::High);
    assert_eq!(t.tags, ["card-or-payout", "vip-high"]);
    assert_eq!(fired(&store, plain).await, ["any-hit"]);
}

async fn rules_that_undo_each_other_stop(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lead@example.com", Role::Lead).await;
    let on = ["ticket_created", "ticket_updated"];
    rule(
        &app,
        &lead,
        "add",
        trigger(
            &on,
            json!({"all": [{"field": "ticket.tags", "op": "not_contains", "value": "flip"}]}),
            json!([{"type": "add_tags", "tags": ["flip"]}]),
        ),
    )
    .await;
    rule(
        &app,
        &lead,
        "remove",
        trigger(
            &on,
            json!({"all": [{"field": "ticket.tags", "op": "contains", "value": "flip"}]}),
            json!([{"type": "remove_tags", "tags": ["flip"]}]),
        ),
    )
    .await;
    let id = ticket(&app, &clock, None, at(0), "card").await;
    app.run_triggers(OWNER, 500).await.unwrap();
    assert_eq!(fired(&store, id).await, ["add", "remove"]);
    // The rules' own changes start no triggers: the loop has nothing more to do.
    assert_eq!(app.run_triggers(OWNER, 500).await.unwrap().firings, 0);
    assert_eq!(fired(&store, id).await.len(), 2);
    assert!(tags(&app, id).await.is_empty());
}

async fn every_change_names_the_rule(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lead@example.com", Role::Lead).await;
    let rid = rule(
        &app,
        &lead,
        "Chargebacks to high",
        trigger(
            &["ticket_created"],
            json!({}),
            json!([{"type": "set_priority", "priority": "high"},
               {"type": "add_note", "text": "Raised by the chargeback rule"}]),
        ),
    )
    .await;
    let id = ticket(&app, &clock, None, at(0), "card").await;
    app.run_triggers(OWNER, 500).await.unwrap();
    let by_rule = Actor::Rule {
        id: rid,
        name: "Chargebacks to high".into(),
    };
    let all = events(&store, id).await;
    let changed: Vec<_> = all
        .iter()
        .filter(|e| e.kind == EventKind::FieldChanged)
        .collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].actor, by_rule);
    let note = all
        .iter()
        .find(|e| e.kind == EventKind::MessageAdded && e.actor == by_rule);
    assert!(note.is_some(), "the note is the rule's: {all:?}");
    let firing = all.iter().find(|e| e.kind == EventKind::RuleFired).unwrap();
    assert_eq!(firing.actor, by_rule);
    assert_eq!(firing.data["rule_id"], json!(rid.0));
    assert_eq!(firing.data["on"], "ticket_created");
    assert_eq!(firing.data["actions"], json!(["set_priority", "add_note"]));
    let ledger = app.rule_firings(&lead, rid, None, 50).await.unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].firing.ticket_id, id);
}

async fn a_dry_run_writes_nothing(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lead@example.com", Role::Lead).await;
    let a = ticket(&app, &clock, None, at(0), "card").await;
    let b = ticket(&app, &clock, None, at(1), "payout").await;
    let rid = app
        .create_rule(
            &lead,
            &RuleInput {
                name: "Payout tickets".into(),
                spec: json!({"kind": {"type": "time"},
            "conditions": {"all": [{"field": "ticket.category", "op": "is", "value": "payout"}]},
            "actions": [{"type": "set_status", "status": "solved"}]}),
                is_active: false,
            },
        )
        .await
        .unwrap()
        .rule
        .id;
    let before = store.last_event_id().await.unwrap();
    let page = app.dry_run_rule(&lead, rid, None).await.unwrap();
    assert_eq!(
        page.hits.iter().map(|h| h.ticket_id).collect::<Vec<_>>(),
        [b]
    );
    assert_eq!(page.hits[0].why, ["ticket.category is \"payout\""]);
    assert_eq!(page.scanned, 2);
    assert_eq!(page.next_after, None);
    assert_eq!(store.last_event_id().await.unwrap(), before);
    assert_eq!(store.ticket(b).await.unwrap().status, Status::New);
    assert_eq!(store.ticket(a).await.unwrap().version, 1);
    let agent = person(&app, "agent@example.com", Role::Agent).await;
    assert!(matches!(
        app.dry_run_rule(&agent, rid, None).await,
        Err(AppError::Forbidden { .. })
    ));
}

async fn a_second_sweep_changes_nothing(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lead@example.com", Role::Lead).await;
    rule(
        &app,
        &lead,
        "Pending five business days",
        json!({"kind": {"type": "time"},
        "conditions": {"all": [{"field": "ticket.status", "op": "is", "value": "pending"},
            {"field": "time.business_days_in_status", "op": "greater_than", "value": 4}]},
        "actions": [{"type": "add_note", "text": "No answer for five business days: solving."},
                    {"type": "set_status", "status": "solved"}]}),
    )
    .await;
    rule(&app, &lead, "Stale note", json!({"kind": {"type": "time"},
        "conditions": {"all": [{"field": "ticket.hours_since_update", "op": "greater_than", "value": 24}]},
        "actions": [{"type": "add_tags", "tags": ["stale"]}]})).await;
    let waiting = ticket(&app, &clock, None, at(0), "card").await;
    let fresh = ticket(&app, &clock, None, at(0), "card").await;
    let change = TicketChange {
        patch: TicketPatch {
            status: Some(Status::Pending),
            ..TicketPatch::default()
        },
        expected_version: None,
    };
    app.change_ticket(&Caller::system(), waiting, change)
        .await
        .unwrap();
    clock.set(Timestamp(at(0).0 + 8 * Timestamp::DAY));
    let first = app.sweep_time_rules(OWNER).await.unwrap();
    assert_eq!(first.firings, 3, "{first:?}");
    let t = store.ticket(waiting).await.unwrap();
    assert_eq!(t.status, Status::Solved);
    assert_eq!(tags(&app, fresh).await, ["stale"]);
    let last = store.last_event_id().await.unwrap();
    let second = app.sweep_time_rules(OWNER).await.unwrap();
    assert_eq!(second.firings, 0);
    assert_eq!(
        store.last_event_id().await.unwrap(),
        last,
        "the second sweep wrote nothing"
    );
}

async fn notify_and_webhook_queue_their_jobs(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lead@example.com", Role::Lead).await;
    rule(
        &app,
        &lead,
        "Tell the lead",
        trigger(
            &["ticket_created"],
            json!({}),
            json!([
        {"type": "notify", "to": {"kind": "email", "address": "lead@example.com"},
         "subject": "New card ticket", "text": "A card ticket came in"},
        {"type": "call_webhook", "url": "http://127.0.0.1:9/hook", "secret": "s3cret"},
        {"type": "escalate", "team_id": 1, "reason": "r", "severity": "high",
         "summary": "s", "question": "q"}]),
        ),
    )
    .await;
    let id = ticket(&app, &clock, None, at(0), "card").await;
    app.run_triggers(OWNER, 500).await.unwrap();
    assert_eq!(store.pending_jobs(RULE_NOTIFY_JOB).await.unwrap(), 1);
    assert_eq!(store.pending_jobs(RULE_WEBHOOK_JOB).await.unwrap(), 1);
    let firing = events(&store, id)
        .await
        .into_iter()
        .find(|e| e.kind == EventKind::RuleFired)
        .unwrap();
    let error = firing.data["error"].as_str().unwrap();
    // Team 1 does not exist: the failing action is recorded on the firing, the others ran.
    assert!(
        error.starts_with("escalate:") && error.contains("not found"),
        "{error}"
    );
}

async fn bad_rules_are_refused_clearly(store: Store) {
    let (app, _clock) = app(store.clone());
    let lead = person(&app, "lead@example.com", Role::Lead).await;
    let save = |spec: Value| {
        let app = app.clone();
        let lead = lead.clone();
        async move {
            app.create_rule(
                &lead,
                &RuleInput {
                    name: "r".into(),
                    spec,
                    is_active: true,
                },
            )
            .await
        }
    };
    let e = save(trigger(
        &["ticket_created"],
        json!({"all": [{"field": "ticket.tags", "op": "greater_than", "value": 1}]}),
        json!([{"type": "add_tags", "tags": ["x"]}]),
    ))
    .await
    .unwrap_err();
    assert_eq!(e.code(), "operator_not_allowed");
    assert_eq!(e.field(), Some("spec.conditions.all[0].op"));
    let e = save(trigger(
        &["ticket_created"],
        json!({"all": [{"field": "ticket.colour", "op": "is", "value": "red"}]}),
        json!([{"type": "add_tags", "tags": ["x"]}]),
    ))
    .await
    .unwrap_err();
    assert_eq!(e.code(), "invalid_field");
    assert_eq!(e.field(), Some("spec.conditions.all[0].field"));
    let e = save(trigger(
        &["ticket_created"],
        json!({}),
        json!([{"type": "set_priority", "priority": "extreme"}]),
    ))
    .await
    .unwrap_err();
    assert_eq!(e.field(), Some("spec.actions[0]"));
    assert!(e.to_string().contains("extreme"), "{e}");
    let agent = person(&app, "agent@example.com", Role::Agent).await;
    let refused = app
        .create_rule(
            &agent,
            &RuleInput {
                name: "r".into(),
                spec: trigger(
                    &["ticket_created"],
                    json!({}),
                    json!([{"type": "add_tags", "tags": ["x"]}]),
                ),
                is_active: true,
            },
        )
        .await;
    assert!(matches!(refused, Err(AppError::Forbidden { .. })));
    assert!(app.rules(&lead).await.unwrap().is_empty());

    let noted = app
        .create_rule(
            &lead,
            &RuleInput {
                name: "Note".into(),
                spec: trigger(
                    &["ticket_created"],
                    json!({}),
                    json!([{"type": "add_note", "text": "Customer sent card 4111 1111 1111 1111"}]),
                ),
                is_active: false,
            },
        )
        .await
        .unwrap();
    let stored = format!("{:?}", noted.rule.spec);
    assert!(
        !stored.contains("4111 1111 1111 1111"),
        "rule texts are redacted: {stored}"
    );
    assert!(stored.contains("Customer sent card"));
}

on_both_engines!(
    triggers_fire_on_each_event_kind,
    rules_run_in_order_with_all_and_any,
    rules_that_undo_each_other_stop,
    every_change_names_the_rule,
    a_dry_run_writes_nothing,
    a_second_sweep_changes_nothing,
    notify_and_webhook_queue_their_jobs,
    bad_rules_are_refused_clearly,
);
