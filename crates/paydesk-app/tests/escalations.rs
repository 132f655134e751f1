//! Escalations through the use cases, on both engines: the whole flow from a ticket to a
//! partner team's answer as an internal note, holding the ticket, who may work what,
//! vendor isolation, the response clock on the team's calendar and its timers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::error::AppError;
use paydesk_app::escalations::teams::PartnerTeamInput;
use paydesk_app::escalations::{NewEscalation, QueueQuery};
use paydesk_app::sla::SettingInput;
use paydesk_app::tickets::NewTicketInput;
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::calendar::CalendarSpec;
use paydesk_domain::escalation::{
    ClockStanding, EscalationStatus, PartnerKind, ResponseTargets, Severity,
};
use paydesk_domain::event::EventKind;
use paydesk_domain::message::{Author, Visibility};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel, Status};
use paydesk_domain::{QueueId, TicketId, Timestamp, VendorId};
use paydesk_store::{NewQueue, NewUser, PageRequest, Store, StoredPartnerTeam};
use paydesk_testkit::on_both_engines;
use serde_json::json;
use std::sync::Arc;

/// Monday 2026-11-16 00:00 UTC.
const T0: i64 = 1_794_787_200_000;
const MIN: i64 = Timestamp::MINUTE;
const DAY: i64 = 24 * 60;

fn at(minutes: i64) -> Timestamp {
    Timestamp(T0 + minutes * MIN)
}

struct Desk {
    app: App,
    time: Arc<ManualClock>,
    agent: Caller,
    specialist: Caller,
    outsider: Caller,
    lead: Caller,
    team: StoredPartnerTeam,
}

async fn person(app: &App, email: &str, role: Role, vendor_id: Option<VendorId>) -> Caller {
    let user = app
        .store()
        .insert_user(
            &NewUser {
                email: email.into(),
                name: email.split('@').next().unwrap_or("x").into(),
                role,
                vendor_id,
                password_hash: None,
            },
            Timestamp(T0),
        )
        .await
        .unwrap();
    Caller::new(
        Principal::User {
            id: user.id,
            role,
            vendor_id,
        },
        None,
    )
}

fn user_id(caller: &Caller) -> paydesk_domain::UserId {
    match caller.principal {
        Principal::User { id, .. } => id,
        _ => panic!("not a person"),
    }
}

/// Weekdays 09:00-17:00 UTC.
async fn office_hours(app: &App) -> i64 {
    let hours: Vec<_> = ["monday", "tuesday", "wednesday", "thursday", "friday"]
        .iter()
        .map(|d| json!({ "day": d, "start": "09:00", "end": "17:00" }))
        .collect();
    let spec: CalendarSpec =
        serde_json::from_value(json!({ "time_zone": "UTC", "hours": hours, "holidays": [] }))
            .unwrap();
    app.save_calendar(
        &Caller::system(),
        SettingInput {
            id: None,
            expected_version: None,
            name: "L2 office".into(),
            position: 0,
            is_active: true,
            definition: spec,
        },
    )
    .await
    .unwrap()
    .id
}

fn team_input(name: &str, calendar_id: Option<i64>, members: Vec<Caller>) -> PartnerTeamInput {
    PartnerTeamInput {
        id: None,
        expected_version: None,
        name: name.into(),
        kind: PartnerKind::Tier,
        calendar_id,
        targets: ResponseTargets {
            sev1_minutes: 60,
            sev2_minutes: 240,
            sev3_minutes: 480,
            sev4_minutes: 2400,
        },
        is_active: true,
        members: members.iter().map(user_id).collect(),
        reasons: vec![
            "Refund stuck at the gateway".into(),
            "Chargeback evidence".into(),
        ],
    }
}

async fn desk(store: Store) -> Desk {
    let time = Arc::new(ManualClock::at(Timestamp(T0)));
    let app = App::new(store, time.clone());
    let agent = person(&app, "ana@desk.test", Role::Agent, None).await;
    let specialist = person(&app, "sam@desk.test", Role::Partner, None).await;
    let outsider = person(&app, "oli@desk.test", Role::Partner, None).await;
    let lead = person(&app, "lee@desk.test", Role::Lead, None).await;
    let admin = person(&app, "ada@desk.test", Role::Admin, None).await;
    let calendar = office_hours(&app).await;
    let team = app
        .save_partner_team(
            &admin,
            team_input(
                "L2 payment specialists",
                Some(calendar),
                vec![specialist.clone()],
            ),
        )
        .await
        .unwrap();
    Desk {
        app,
        time,
        agent,
        specialist,
        outsider,
        lead,
        team,
    }
}

async fn ticket_in(app: &App, queue: Option<QueueId>) -> TicketId {
    let mut input = NewTicketInput::new(
        "Refund never arrived",
        "I was refunded 20.00 two weeks ago and nothing came",
        BusinessLine::Buyer,
        Channel::Email,
    );
    input.queue_id = queue;
    app.create_ticket(&Caller::system(), input, None)
        .await
        .unwrap()
        .ticket
        .id
}

fn ask(team: &StoredPartnerTeam, hold: bool) -> NewEscalation {
    NewEscalation {
        team_id: team.id,
        reason_id: team
            .reasons
            .iter()
            .find(|r| r.label == "Refund stuck at the gateway")
            .unwrap()
            .id,
        severity: Severity::Sev1,
        summary: "Refund stuck in processing".into(),
        question: "Did the gateway send the refund, and when will it land?".into(),
        hold_ticket: hold,
    }
}

async fn escalation_events(app: &App, id: TicketId) -> Vec<serde_json::Value> {
    let page = PageRequest {
        limit: 500,
        cursor: None,
    };
    let timeline = app.timeline(&Caller::system(), id, &page).await.unwrap();
    timeline
        .items
        .iter()
        .filter(|e| e.kind == EventKind::EscalationChanged)
        .map(|e| e.data.clone())
        .collect()
}

async fn the_whole_flow(store: Store) {
    let d = desk(store).await;
    let ticket = ticket_in(&d.app, None).await;
    let e = d
        .app
        .escalate(&d.agent, ticket, ask(&d.team, true))
        .await
        .unwrap();
    assert_eq!(e.status, EscalationStatus::Open);
    assert_eq!(e.team_name, "L2 payment specialists");
    assert_eq!(e.reason, "Refund stuck at the gateway");
    // Held: the ticket's own clocks pause through the normal ticket change.
    let view = d.app.ticket(&d.agent, ticket).await.unwrap();
    assert_eq!(view.ticket.status, Status::OnHold);
    let events = escalation_events(&d.app, ticket).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["action"], "created");
    assert_eq!(events[0]["team"], "L2 payment specialists");
    assert_eq!(events[0]["reason"], "Refund stuck at the gateway");
    assert_eq!(events[0]["severity"], "sev1");

    // The specialist's queue shows it; take, wait (the clock pauses), take back.
    let queue = d
        .app
        .escalation_queue(&d.specialist, &QueueQuery::default())
        .await
        .unwrap();
    assert_eq!(queue.iter().map(|q| q.id).collect::<Vec<_>>(), vec![e.id]);
    let taken = d
        .app
        .take_escalation(&d.specialist, e.id, Some(e.version))
        .await
        .unwrap();
    assert_eq!(taken.status, EscalationStatus::InProgress);
    assert_eq!(taken.assignee_id, Some(user_id(&d.specialist)));
    let again = d.app.take_escalation(&d.specialist, e.id, None).await;
    assert!(
        matches!(again, Err(AppError::EscalationState { .. })),
        "{again:?}"
    );
    let stale = d
        .app
        .wait_escalation(&d.specialist, e.id, Some(e.version))
        .await;
    assert!(
        matches!(stale, Err(AppError::VersionConflict { .. })),
        "{stale:?}"
    );
    d.time.set(at(9 * 60 + 10));
    let waiting = d
        .app
        .wait_escalation(&d.specialist, e.id, None)
        .await
        .unwrap();
    assert_eq!(waiting.clock.due_at, None);
    assert!(matches!(
        d.app.escalation_standing(&waiting),
        ClockStanding::Paused { left_ms } if left_ms == 50 * MIN
    ));
    d.time.set(at(12 * 60));
    let back = d
        .app
        .take_escalation(&d.specialist, e.id, None)
        .await
        .unwrap();
    assert_eq!(back.clock.due_at, Some(at(12 * 60 + 50)));

    // The tracker link, then the answer as an internal note by the specialist.
    let linked = d
        .app
        .set_escalation_external_ref(&d.specialist, e.id, "PAY-481", None)
        .await
        .unwrap();
    assert_eq!(linked.external_ref.as_deref(), Some("PAY-481"));
    let bad = d
        .app
        .set_escalation_external_ref(&d.specialist, e.id, "see slack", None)
        .await;
    assert_eq!(bad.unwrap_err().field(), Some("external_ref"));
    let answered = d
        .app
        .answer_escalation(
            &d.specialist,
            e.id,
            "The gateway sent it on the 12th; ARN is with the bank.",
            None,
        )
        .await
        .unwrap();
    assert_eq!(answered.status, EscalationStatus::Answered);
    assert_eq!(answered.answered_at, Some(at(12 * 60)));
    let view = d.app.ticket(&d.agent, ticket).await.unwrap();
    let note = view.messages.last().unwrap();
    assert_eq!(note.visibility, Visibility::Internal);
    assert_eq!(
        note.author,
        Author::User {
            id: user_id(&d.specialist)
        }
    );
    assert!(
        note.body.contains("L2 payment specialists answered"),
        "{}",
        note.body
    );
    assert!(note.body.contains("ARN is with the bank"), "{}", note.body);
    let actions: Vec<_> = escalation_events(&d.app, ticket)
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "taken",
            "waiting",
            "taken",
            "external_ref_set",
            "answered"
        ]
    );
    // Over: no more moves; it stays readable on the ticket.
    let late = d
        .app
        .decline_escalation(&d.specialist, e.id, "no", None)
        .await;
    assert!(
        matches!(late, Err(AppError::EscalationState { .. })),
        "{late:?}"
    );
    let listed = d.app.ticket_escalations(&d.agent, ticket).await.unwrap();
    assert_eq!(listed[0].status, EscalationStatus::Answered);
}

async fn only_the_team_works_its_escalations(store: Store) {
    let d = desk(store).await;
    let ticket = ticket_in(&d.app, None).await;
    let e = d
        .app
        .escalate(&d.agent, ticket, ask(&d.team, false))
        .await
        .unwrap();
    // Not held unless asked.
    let view = d.app.ticket(&d.agent, ticket).await.unwrap();
    assert_ne!(view.ticket.status, Status::OnHold);
    // A partner outside the team may not work it, and its queue is empty.
    let taken = d.app.take_escalation(&d.outsider, e.id, None).await;
    assert!(
        matches!(taken, Err(AppError::Forbidden { .. })),
        "{taken:?}"
    );
    // Reading follows the ticket: whoever may see the ticket sees its escalations.
    let read = d.app.escalation(&d.outsider, e.id).await.unwrap();
    assert_eq!(read.id, e.id);
    let queue = d
        .app
        .escalation_queue(&d.outsider, &QueueQuery::default())
        .await
        .unwrap();
    assert!(queue.is_empty());
    let other_team = d
        .app
        .escalation_queue(
            &d.outsider,
            &QueueQuery {
                team_id: Some(d.team.id),
                statuses: vec![],
            },
        )
        .await;
    assert!(matches!(other_team, Err(AppError::Forbidden { .. })));
    // A plain agent (not a member) cannot work it either; a lead can, and declines.
    let by_agent = d.app.take_escalation(&d.agent, e.id, None).await;
    assert!(matches!(by_agent, Err(AppError::Forbidden { .. })));
    let declined = d
        .app
        .decline_escalation(
            &d.lead,
            e.id,
            "Ask finance: this is a payout question",
            None,
        )
        .await
        .unwrap();
    assert_eq!(declined.status, EscalationStatus::Declined);
    let view = d.app.ticket(&d.agent, ticket).await.unwrap();
    assert!(view.messages.last().unwrap().body.contains("declined"));
    // A viewer may not escalate.
    let viewer = person(&d.app, "vic@desk.test", Role::Viewer, None).await;
    let refused = d.app.escalate(&viewer, ticket, ask(&d.team, false)).await;
    assert!(matches!(refused, Err(AppError::Forbidden { .. })));
    // Bad input names its field.
    let mut empty = ask(&d.team, false);
    empty.summary = "  ".into();
    let err = d.app.escalate(&d.agent, ticket, empty).await.unwrap_err();
    assert_eq!(err.field(), Some("summary"));
    let mut foreign = ask(&d.team, false);
    foreign.reason_id = 9_999;
    let err = d.app.escalate(&d.agent, ticket, foreign).await.unwrap_err();
    assert_eq!(err.field(), Some("reason_id"));
    // Card data in the question is masked before it is stored.
    let mut card = ask(&d.team, false);
    card.question = "Customer pasted 4111 1111 1111 1111 in chat; was it charged?".into();
    let stored = d.app.escalate(&d.agent, ticket, card).await.unwrap();
    assert!(
        !stored.question.contains("4111 1111 1111 1111"),
        "{}",
        stored.question
    );
}

async fn a_bpo_agent_escalates_only_what_it_sees(store: Store) {
    let d = desk(store.clone()).await;
    let at0 = Timestamp(T0);
    let va = store.insert_vendor("Northwind", at0).await.unwrap();
    let vb = store.insert_vendor("Southridge", at0).await.unwrap();
    let queue = |key: &str, vendor: VendorId| NewQueue {
        key: key.into(),
        name: key.into(),
        business_line: None,
        vendor_id: Some(vendor),
    };
    let qa = store
        .insert_queue(&queue("a", va.id), at0)
        .await
        .unwrap()
        .id;
    let qb = store
        .insert_queue(&queue("b", vb.id), at0)
        .await
        .unwrap()
        .id;
    let mine = ticket_in(&d.app, Some(qa)).await;
    let theirs = ticket_in(&d.app, Some(qb)).await;
    let bpo = person(&d.app, "bea@bpo.test", Role::BpoAgent, Some(va.id)).await;
    d.app
        .escalate(&bpo, mine, ask(&d.team, false))
        .await
        .unwrap();
    let refused = d.app.escalate(&bpo, theirs, ask(&d.team, false)).await;
    assert!(
        matches!(refused, Err(AppError::NotFound { .. })),
        "{refused:?}"
    );
    let other = d
        .app
        .escalate(&d.agent, theirs, ask(&d.team, false))
        .await
        .unwrap();
    // Nor may it read the other vendor's ticket's escalations.
    assert!(d.app.ticket_escalations(&bpo, theirs).await.is_err());
    assert!(d.app.escalation(&bpo, other.id).await.is_err());
    assert_eq!(d.app.ticket_escalations(&bpo, mine).await.unwrap().len(), 1);
}

async fn the_clock_breaches_on_the_teams_calendar(store: Store) {
    let d = desk(store).await;
    let ticket = ticket_in(&d.app, None).await;
    // Friday 16:30: half an hour that day, the rest on Monday from 09:00.
    d.time.set(at(4 * DAY + 16 * 60 + 30));
    let e = d
        .app
        .escalate(&d.agent, ticket, ask(&d.team, true))
        .await
        .unwrap();
    let monday = 7 * DAY;
    assert_eq!(e.clock.due_at, Some(at(monday + 9 * 60 + 30)));
    assert_eq!(e.clock.at_risk_at, Some(at(monday + 9 * 60 + 15)));
    // Over the weekend nothing falls due.
    d.time.set(at(6 * DAY + 12 * 60));
    d.app.fire_due_timers(100).await.unwrap();
    assert_eq!(escalation_events(&d.app, ticket).await.len(), 1);
    d.time.set(at(monday + 9 * 60 + 20));
    d.app.fire_due_timers(100).await.unwrap();
    let events = escalation_events(&d.app, ticket).await;
    assert_eq!(events.last().unwrap()["action"], "at_risk");
    d.time.set(at(monday + 9 * 60 + 31));
    d.app.fire_due_timers(100).await.unwrap();
    d.app.fire_due_timers(100).await.unwrap();
    let events = escalation_events(&d.app, ticket).await;
    let actions: Vec<_> = events.iter().map(|e| e["action"].clone()).collect();
    assert_eq!(
        actions,
        [json!("created"), json!("at_risk"), json!("breached")]
    );
    let listed = d.app.ticket_escalations(&d.agent, ticket).await.unwrap();
    assert!(listed[0].is_breached());
    assert!(matches!(
        d.app.escalation_standing(&listed[0]),
        ClockStanding::Overdue { ms } if ms == MIN
    ));
}

async fn admins_keep_partner_teams(store: Store) {
    let d = desk(store).await;
    let admin = person(&d.app, "adm@desk.test", Role::Admin, None).await;
    let refused = d
        .app
        .save_partner_team(&d.lead, team_input("Risk", None, vec![]))
        .await;
    assert!(matches!(refused, Err(AppError::Forbidden { .. })));
    let dup = d
        .app
        .save_partner_team(&admin, team_input("L2 payment specialists", None, vec![]))
        .await;
    assert!(matches!(dup, Err(AppError::Duplicate(_))), "{dup:?}");
    let mut bad = team_input("Risk", Some(999), vec![]);
    let err = d
        .app
        .save_partner_team(&admin, bad.clone())
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("calendar_id"));
    bad.calendar_id = None;
    bad.targets.sev1_minutes = 10_000;
    let err = d.app.save_partner_team(&admin, bad).await.unwrap_err();
    assert_eq!(err.field(), Some("targets.sev1_minutes"));
    // Retiring a reason keeps it for old escalations but refuses new ones with it.
    let mut change = team_input("L2 payment specialists", None, vec![d.outsider.clone()]);
    change.id = Some(d.team.id);
    change.expected_version = Some(d.team.version);
    change.reasons = vec!["Chargeback evidence".into()];
    let saved = d.app.save_partner_team(&admin, change).await.unwrap();
    assert_eq!(saved.members, vec![user_id(&d.outsider)]);
    let retired = saved
        .reasons
        .iter()
        .find(|r| r.label == "Refund stuck at the gateway")
        .unwrap();
    assert!(!retired.is_active);
    let ticket = ticket_in(&d.app, None).await;
    let err = d
        .app
        .escalate(&d.agent, ticket, ask(&d.team, false))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("reason_id"));
    let page = PageRequest {
        limit: 500,
        cursor: None,
    };
    let trail = d.app.store().audit_trail(&page).await.unwrap();
    let team_changes = trail
        .items
        .iter()
        .filter(|r| {
            r.event.kind == EventKind::ConfigChanged && r.event.data["what"] == "partner_team"
        })
        .count();
    assert_eq!(team_changes, 2, "the team's creation and its change");
}

on_both_engines!(
    the_whole_flow,
    only_the_team_works_its_escalations,
    a_bpo_agent_escalates_only_what_it_sees,
    the_clock_breaches_on_the_teams_calendar,
    admins_keep_partner_teams
);
