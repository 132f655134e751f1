//! The resolution workflow end to end, on both engines: an unauthorised-charge claim gets
//! its SOP; the agent cannot solve it before the checklist is done; it is escalated to the
//! risk team, whose response clock runs on the team's own calendar and breaches; the
//! answer lands as an internal note and a rule reopens the ticket; the agent applies a
//! macro that replies and solves; the timeline shows each step with who or which rule did
//! it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod incident_support;
mod sop_support;

use incident_support::{app, customer, person, ticket};
use paydesk_app::escalations::NewEscalation;
use paydesk_app::escalations::teams::PartnerTeamInput;
use paydesk_app::rules::RuleInput;
use paydesk_app::sla::SettingInput;
use paydesk_app::{App, AppError, Caller};
use paydesk_domain::calendar::CalendarSpec;
use paydesk_domain::escalation::{PartnerKind, ResponseTargets, Severity};
use paydesk_domain::event::{Event, EventKind};
use paydesk_domain::macros::{MacroAction, MacroDraft, MacroReply, MacroScope, ReplyVisibility};
use paydesk_domain::message::Visibility;
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::Status;
use paydesk_domain::{Actor, TicketId, Timestamp, UserId};
use paydesk_store::{PageRequest, Store, StoredPartnerTeam};
use paydesk_testkit::on_both_engines;
use serde_json::json;
use sop_support::{claim_input, published, solve};

/// Friday 2026-09-25 09:00 UTC: the claim comes in.
const FRI_0900: i64 = 1_790_326_800_000;
/// Friday 13:00: escalated to risk, an hour before the team's day ends.
const FRI_1300: i64 = 1_790_341_200_000;
/// Saturday 12:00: four wall-clock hours have long passed, but the team is closed.
const SAT_1200: i64 = 1_790_424_000_000;
/// Monday 2026-09-28 13:01: a minute past the target (one hour on Friday, three on Monday).
const MON_1301: i64 = 1_790_600_460_000;
/// Monday 13:30: risk answers.
const MON_1330: i64 = 1_790_602_200_000;
/// Monday 13:45: the agent finishes.
const MON_1345: i64 = 1_790_603_100_000;

const OWNER: &str = "scenario";

fn user_id(caller: &Caller) -> UserId {
    match caller.principal {
        Principal::User { id, .. } => id,
        _ => panic!("not a person"),
    }
}

/// The risk team's hours: weekdays 10:00-14:00 UTC, not the desk's.
async fn risk_hours(app: &App) -> i64 {
    let hours: Vec<_> = ["monday", "tuesday", "wednesday", "thursday", "friday"]
        .iter()
        .map(|d| json!({ "day": d, "start": "10:00", "end": "14:00" }))
        .collect();
    let spec: CalendarSpec =
        serde_json::from_value(json!({ "time_zone": "UTC", "hours": hours, "holidays": [] }))
            .unwrap();
    let input = SettingInput {
        id: None,
        expected_version: None,
        name: "Risk office".into(),
        position: 0,
        is_active: true,
        definition: spec,
    };
    app.save_calendar(&Caller::system(), input)
        .await
        .unwrap()
        .id
}

/// The risk team, on its own calendar, with `analyst` as its member.
async fn risk_team(app: &App, admin: &Caller, analyst: &Caller) -> StoredPartnerTeam {
    let calendar = risk_hours(app).await;
    let input = PartnerTeamInput {
        id: None,
        expected_version: None,
        name: "Risk".into(),
        kind: PartnerKind::Risk,
        calendar_id: Some(calendar),
        targets: ResponseTargets {
            sev1_minutes: 60,
            sev2_minutes: 240,
            sev3_minutes: 480,
            sev4_minutes: 960,
        },
        is_active: true,
        members: vec![user_id(analyst)],
        reasons: vec!["Suspected account takeover".into()],
    };
    app.save_partner_team(admin, input).await.unwrap()
}

async fn timeline(app: &App, id: TicketId) -> Vec<Event> {
    app.timeline(&Caller::system(), id, &PageRequest::first(500))
        .await
        .unwrap()
        .items
}

/// The first event of `kind` whose data has `key` = `value`.
fn find<'a>(events: &'a [Event], kind: EventKind, key: &str, value: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.kind == kind && e.data[key] == value)
        .unwrap_or_else(|| panic!("no {kind:?} with {key}={value} in {events:#?}"))
}

async fn an_unauthorised_charge_is_resolved_the_compliant_way(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let lead2 = person(&app, "leo@desk.test", Role::Lead).await;
    let admin = person(&app, "ada@desk.test", Role::Admin).await;
    let agent = person(&app, "ana@desk.test", Role::Agent).await;
    let analyst = person(&app, "rui@desk.test", Role::Partner).await;
    let analyst_id = Actor::User {
        id: user_id(&analyst),
    };
    let agent_id = Actor::User {
        id: user_id(&agent),
    };

    // The desk's set-up: the claim SOP, published with four eyes and required before
    // solving; the risk team on its own calendar; a rule; a macro.
    let claim = published(&app, &lead, &lead2, claim_input()).await;
    app.set_sop_requirement(&lead, "unauthorised_charge", true)
        .await
        .unwrap();
    let risk = risk_team(&app, &admin, &analyst).await;
    let rule = app
        .create_rule(
            &lead,
            &RuleInput {
                name: "Risk answered: back to the agent".into(),
                spec: json!({
                    "kind": {"type": "trigger", "on": ["escalation_answered"]},
                    "conditions": {"all": [
                        {"field": "ticket.category", "op": "is", "value": "unauthorised_charge"}
                    ]},
                    "actions": [
                        {"type": "set_status", "status": "open"},
                        {"type": "add_tags", "tags": ["risk_answered"]}
                    ]
                }),
                is_active: true,
            },
        )
        .await
        .unwrap()
        .rule;
    let resolved = app
        .create_macro(
            &lead,
            MacroDraft {
                title: "Unauthorised charge: refunded".into(),
                description: None,
                reply: Some(MacroReply {
                    body: "Hello {{customer.first_name}}, we refunded the charge you did not \
                           make on ticket {{ticket.number}} and blocked the card."
                        .into(),
                    visibility: ReplyVisibility::Public,
                }),
                actions: vec![MacroAction::SetStatus {
                    status: Status::Solved,
                }],
                scope: MacroScope::Shared,
                is_active: true,
            },
        )
        .await
        .unwrap();

    // The claim comes in, and its SOP applies.
    let buyer = customer(&app, "Bea").await;
    let t = ticket(
        &app,
        &clock,
        Some(buyer),
        Timestamp(FRI_0900),
        "unauthorised_charge",
    )
    .await;
    clock.set(Timestamp(FRI_0900 + 10 * Timestamp::MINUTE));
    let panel = app.ticket_sops(&agent, t).await.unwrap();
    assert_eq!(
        panel
            .applicable
            .iter()
            .map(|a| a.sop.id)
            .collect::<Vec<_>>(),
        [claim]
    );
    assert!(panel.checklist.is_required && !panel.checklist.is_complete);

    // The agent cannot solve it yet, by hand or by macro; nothing is written.
    let refused = app.change_ticket(&agent, t, solve()).await;
    assert!(
        matches!(&refused, Err(AppError::ChecklistIncomplete { sop: Some(s), steps_left, .. })
            if s == "Unauthorised charge claim" && steps_left.len() == 4),
        "{refused:?}"
    );
    let before = store.ticket(t).await.unwrap();
    let refused = app.apply_macro(&agent, t, resolved.id, None).await;
    assert!(
        matches!(refused, Err(AppError::ChecklistIncomplete { .. })),
        "{refused:?}"
    );
    assert_eq!(store.ticket(t).await.unwrap(), before);

    // The agent follows the SOP part way, then escalates to risk and holds the ticket.
    let run = app.start_sop(&agent, t, claim).await.unwrap();
    let steps = app.ticket_sops(&agent, t).await.unwrap().runs[0]
        .steps
        .clone();
    for s in &steps[..2] {
        app.mark_sop_step(&agent, t, run.id, &s.key, true)
            .await
            .unwrap();
    }
    clock.set(Timestamp(FRI_1300));
    let escalation = app
        .escalate(
            &agent,
            t,
            NewEscalation {
                team_id: risk.id,
                reason_id: risk.reasons[0].id,
                severity: Severity::Sev2,
                summary: "Customer denies a charge; two more attempts from a new device".into(),
                question: "Is this an account takeover, and may we refund?".into(),
                hold_ticket: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(store.ticket(t).await.unwrap().status, Status::OnHold);
    // An hour on Friday (13:00-14:00) and three on Monday from 10:00.
    let due = Timestamp(MON_1301 - Timestamp::MINUTE);
    assert_eq!(escalation.clock.due_at, Some(due));

    // Over the weekend nothing breaches, although four wall-clock hours passed long ago.
    clock.set(Timestamp(SAT_1200));
    app.fire_due_timers(100).await.unwrap();
    let listed = app.ticket_escalations(&agent, t).await.unwrap();
    assert!(!listed[0].is_breached());
    // A minute past the target on the team's calendar, it breaches (at risk first).
    clock.set(Timestamp(MON_1301));
    app.fire_due_timers(100).await.unwrap();
    app.fire_due_timers(100).await.unwrap();
    let listed = app.ticket_escalations(&agent, t).await.unwrap();
    assert!(listed[0].is_breached());

    // Risk answers; the answer lands on the ticket as an internal note by the analyst.
    clock.set(Timestamp(MON_1330));
    app.take_escalation(&analyst, escalation.id, None)
        .await
        .unwrap();
    let answer = "Confirmed takeover from a new device: refund it and block the card.";
    app.answer_escalation(&analyst, escalation.id, answer, None)
        .await
        .unwrap();
    let messages = store.messages(t).await.unwrap();
    let note = messages.last().unwrap();
    assert_eq!(note.visibility, Visibility::Internal);
    assert!(note.body.contains("Confirmed takeover"), "{}", note.body);

    // The answered escalation triggers the rule: the ticket is open again and tagged.
    app.run_triggers(OWNER, 500).await.unwrap();
    let reopened = store.ticket(t).await.unwrap();
    assert_eq!(reopened.status, Status::Open);
    assert!(reopened.tags.contains(&"risk_answered".to_owned()));

    // The agent finishes the checklist, applies the macro: the reply goes out and the
    // ticket is solved.
    clock.set(Timestamp(MON_1345));
    for s in &steps[2..] {
        app.mark_sop_step(&agent, t, run.id, &s.key, true)
            .await
            .unwrap();
    }
    let applied = app
        .apply_macro(&agent, t, resolved.id, Some(reopened.version))
        .await
        .unwrap();
    assert_eq!(applied.ticket.status, Status::Solved);
    let reply = store.messages(t).await.unwrap().pop().unwrap();
    assert_eq!(reply.visibility, Visibility::Public);
    assert!(
        reply.body.starts_with("Hello Bea, we refunded") && reply.body.contains("PD-"),
        "{}",
        reply.body
    );
    assert_eq!(store.outbound_mails(t).await.unwrap().len(), 1);

    // The timeline tells the story, each step with who or which rule did it.
    let events = timeline(&app, t).await;
    let sop_started = find(&events, EventKind::SopProgress, "action", "started");
    assert_eq!(sop_started.actor, agent_id);
    let escalated = find(&events, EventKind::EscalationChanged, "action", "created");
    assert_eq!(escalated.actor, agent_id);
    assert_eq!(escalated.data["reason"], "Suspected account takeover");
    let held = find(&events, EventKind::FieldChanged, "to", "on_hold");
    assert_eq!(held.actor, agent_id);
    let breached = find(&events, EventKind::EscalationChanged, "action", "breached");
    assert_eq!(breached.actor, Actor::System);
    assert_eq!(breached.at, Timestamp(MON_1301));
    let answered = find(&events, EventKind::EscalationChanged, "action", "answered");
    assert_eq!(answered.actor, analyst_id);
    let as_rule = Actor::Rule {
        id: rule.id,
        name: "Risk answered: back to the agent".into(),
    };
    let fired = find(
        &events,
        EventKind::RuleFired,
        "name",
        "Risk answered: back to the agent",
    );
    assert_eq!(fired.actor, as_rule);
    let after_answer: Vec<Event> = events
        .iter()
        .filter(|e| e.id > answered.id)
        .cloned()
        .collect();
    let reopened_by = find(&after_answer, EventKind::FieldChanged, "to", "open");
    assert_eq!(reopened_by.actor, as_rule);
    let macro_used = find(
        &events,
        EventKind::MacroApplied,
        "name",
        "Unauthorised charge: refunded",
    );
    assert_eq!(macro_used.actor, agent_id);
    let solved = find(&after_answer, EventKind::FieldChanged, "to", "solved");
    assert_eq!(solved.actor, agent_id);
    // The macro's change and its own event are one write.
    assert_eq!(macro_used.at, solved.at);
    // In that order.
    let order: Vec<_> = [sop_started, escalated, breached, answered, fired, solved]
        .iter()
        .map(|e| e.id)
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "the steps happened in order");
}

/// A trigger rule escalates a new claim to risk and sends the customer a macro's reply:
/// the escalation is requested by the rule, the reply is emailed, and a second change to
/// the ticket does not escalate it again while the first escalation is live.
async fn a_rule_escalates_and_sends_a_macro(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let analyst = person(&app, "rui@desk.test", Role::Partner).await;
    let risk = risk_team(&app, &Caller::system(), &analyst).await;
    let ack = app
        .create_macro(
            &lead,
            MacroDraft {
                title: "We are checking the charge".into(),
                description: None,
                reply: Some(MacroReply {
                    body: "Hello {{customer.first_name}}, our risk team is checking the charge."
                        .into(),
                    visibility: ReplyVisibility::Public,
                }),
                actions: vec![],
                scope: MacroScope::Shared,
                is_active: true,
            },
        )
        .await
        .unwrap();
    let name = "New claims go to risk";
    let rule = app
        .create_rule(
            &lead,
            &RuleInput {
                name: name.into(),
                spec: json!({
                    "kind": {"type": "trigger", "on": ["ticket_created", "ticket_updated"]},
                    "conditions": {"all": [
                        {"field": "ticket.category", "op": "is", "value": "unauthorised_charge"}
                    ]},
                    "actions": [
                        {"type": "escalate", "team_id": risk.id, "reason": "suspected account takeover",
                         "severity": "sev3", "summary": "New unauthorised-charge claim",
                         "question": "Is the account taken over?"},
                        {"type": "send_macro", "macro_id": ack.id}
                    ]
                }),
                is_active: true,
            },
        )
        .await
        .unwrap()
        .rule;
    let buyer = customer(&app, "Bea").await;
    let t = ticket(
        &app,
        &clock,
        Some(buyer),
        Timestamp(FRI_0900),
        "unauthorised_charge",
    )
    .await;
    app.run_triggers(OWNER, 500).await.unwrap();

    let as_rule = Actor::Rule {
        id: rule.id,
        name: name.into(),
    };
    let escalations = app.ticket_escalations(&lead, t).await.unwrap();
    assert_eq!(escalations.len(), 1);
    assert_eq!(escalations[0].requested_by, as_rule);
    assert_eq!(escalations[0].severity, Severity::Sev3);
    assert_eq!(escalations[0].reason, "Suspected account takeover");
    let reply = store.messages(t).await.unwrap().pop().unwrap();
    assert_eq!(reply.visibility, Visibility::Public);
    assert!(
        reply.body.starts_with("Hello Bea, our risk team"),
        "{}",
        reply.body
    );
    assert_eq!(store.outbound_mails(t).await.unwrap().len(), 1);
    let events = timeline(&app, t).await;
    assert_eq!(
        find(&events, EventKind::EscalationChanged, "action", "created").actor,
        as_rule
    );
    assert_eq!(
        find(
            &events,
            EventKind::MacroApplied,
            "name",
            "We are checking the charge"
        )
        .actor,
        as_rule
    );

    // A person's later change fires the rule again, but the live escalation is not repeated.
    let change = paydesk_app::tickets::TicketChange {
        patch: paydesk_domain::ticket::TicketPatch {
            priority: Some(paydesk_domain::ticket::Priority::High),
            ..Default::default()
        },
        expected_version: None,
    };
    app.change_ticket(&lead, t, change).await.unwrap();
    app.run_triggers(OWNER, 500).await.unwrap();
    assert_eq!(app.ticket_escalations(&lead, t).await.unwrap().len(), 1);
}

on_both_engines!(
    an_unauthorised_charge_is_resolved_the_compliant_way,
    a_rule_escalates_and_sends_a_macro
);
