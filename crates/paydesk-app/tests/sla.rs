//! SLA clocks through the use cases, on both engines: policies apply, replies meet
//! targets, statuses pause clocks, timers mark breaches once, policy changes reach open
//! tickets, business calendars count only opening hours.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::sla::SettingInput;
use paydesk_app::tickets::{NewReply, NewTicketInput, TicketChange};
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::calendar::CalendarSpec;
use paydesk_domain::event::EventKind;
use paydesk_domain::message::Visibility;
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::sla::{ClockState, Metric, PolicySpec, SlaClock};
use paydesk_domain::ticket::{BusinessLine, Channel, Status, TicketPatch};
use paydesk_domain::{TicketId, Timestamp};
use paydesk_store::{NewUser, PageRequest, Store};
use paydesk_testkit::on_both_engines;
use serde_json::json;
use std::sync::Arc;

/// Monday 2026-11-16 00:00 UTC.
const T0: i64 = 1794787200000;
const MIN: i64 = Timestamp::MINUTE;

fn at(minutes: i64) -> Timestamp {
    Timestamp(T0 + minutes * MIN)
}

fn app(store: Store) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(Timestamp(T0)));
    (App::new(store, clock.clone()), clock)
}

async fn agent(app: &App) -> Caller {
    let user = app
        .store()
        .insert_user(
            &NewUser {
                email: "ana@desk.test".into(),
                name: "Ana".into(),
                role: Role::Agent,
                vendor_id: None,
                password_hash: None,
            },
            Timestamp(T0),
        )
        .await
        .unwrap();
    Caller::new(
        Principal::User {
            id: user.id,
            role: user.role,
            vendor_id: None,
        },
        None,
    )
}

fn policy(name: &str, definition: serde_json::Value) -> SettingInput<PolicySpec> {
    SettingInput {
        id: None,
        expected_version: None,
        name: name.into(),
        position: 10,
        is_active: true,
        definition: serde_json::from_value(definition).unwrap(),
    }
}

fn standard() -> serde_json::Value {
    json!({ "targets": [
        { "metric": "first_reply", "priority": "normal", "minutes": 60 },
        { "metric": "next_reply", "priority": "normal", "minutes": 120 },
        { "metric": "resolution", "priority": "normal", "minutes": 600 },
    ]})
}

async fn open_ticket(app: &App) -> TicketId {
    let input = NewTicketInput::new(
        "Charged twice",
        "Two charges of 9.99 for one order",
        BusinessLine::Buyer,
        Channel::Email,
    );
    app.create_ticket(&Caller::system(), input, None)
        .await
        .unwrap()
        .ticket
        .id
}

fn clock(clocks: &[SlaClock], metric: Metric) -> &SlaClock {
    clocks.iter().find(|c| c.metric == metric).unwrap()
}

fn message(body: &str, from_customer: bool) -> NewReply {
    NewReply {
        visibility: Visibility::Public,
        from_customer,
        body: body.into(),
        attachments: vec![],
        expected_version: None,
    }
}

async fn count_events(app: &App, id: TicketId, kind: EventKind) -> usize {
    let page = PageRequest {
        limit: 500,
        cursor: None,
    };
    let timeline = app.timeline(&Caller::system(), id, &page).await.unwrap();
    timeline.items.iter().filter(|e| e.kind == kind).count()
}

async fn clocks_follow_the_conversation(store: Store) {
    let (app, time) = app(store);
    let system = Caller::system();
    app.save_sla_policy(&system, policy("Standard", standard()))
        .await
        .unwrap();
    let id = open_ticket(&app).await;
    let clocks = app.ticket_sla(&system, id).await.unwrap();
    assert_eq!(clock(&clocks, Metric::FirstReply).due_at, Some(at(60)));
    assert_eq!(clock(&clocks, Metric::Resolution).due_at, Some(at(600)));
    assert_eq!(count_events(&app, id, EventKind::SlaPolicyApplied).await, 1);

    // The agent answers in 30 minutes: first reply met.
    let ana = agent(&app).await;
    time.set(at(30));
    app.add_message(&ana, id, message("We are looking into it.", false))
        .await
        .unwrap();
    let clocks = app.ticket_sla(&system, id).await.unwrap();
    assert_eq!(
        clock(&clocks, Metric::FirstReply).state,
        ClockState::Achieved
    );

    // Waiting on the customer pauses resolution for 60 minutes.
    time.set(at(40));
    let pending = TicketChange {
        patch: TicketPatch {
            status: Some(Status::Pending),
            ..TicketPatch::default()
        },
        expected_version: None,
    };
    app.change_ticket(&ana, id, pending).await.unwrap();
    let clocks = app.ticket_sla(&system, id).await.unwrap();
    assert_eq!(clock(&clocks, Metric::Resolution).state, ClockState::Paused);
    time.set(at(100));
    app.add_message(&Caller::system(), id, message("Here is my receipt", true))
        .await
        .unwrap();
    let clocks = app.ticket_sla(&system, id).await.unwrap();
    assert_eq!(clock(&clocks, Metric::Resolution).due_at, Some(at(660)));
    assert_eq!(clock(&clocks, Metric::NextReply).due_at, Some(at(220)));

    // Nobody answers: the warning and the breach fire once each, however often timers run.
    time.set(at(300));
    let fired = app.fire_due_timers(100).await.unwrap();
    assert_eq!(
        fired.iter().filter(|f| f.is_effective).count(),
        2,
        "{fired:?}"
    );
    assert!(app.fire_due_timers(100).await.unwrap().is_empty());
    assert_eq!(count_events(&app, id, EventKind::SlaBreached).await, 1);
    assert_eq!(count_events(&app, id, EventKind::SlaAtRisk).await, 1);
    let clocks = app.ticket_sla(&system, id).await.unwrap();
    assert_eq!(clock(&clocks, Metric::NextReply).breached_at, Some(at(220)));
}

async fn a_policy_change_reaches_open_tickets(store: Store) {
    let (app, time) = app(store);
    let system = Caller::system();
    let saved = app
        .save_sla_policy(&system, policy("Standard", standard()))
        .await
        .unwrap();
    let id = open_ticket(&app).await;
    time.set(at(100));
    let mut faster = policy(
        "Standard",
        json!({ "targets": [
            { "metric": "first_reply", "priority": "normal", "minutes": 60 },
            { "metric": "resolution", "priority": "normal", "minutes": 300 },
        ]}),
    );
    faster.id = Some(saved.id);
    faster.expected_version = Some(saved.version);
    app.save_sla_policy(&system, faster.clone()).await.unwrap();
    // A stale version is refused.
    assert!(app.save_sla_policy(&system, faster).await.is_err());
    app.reapply_sla().await.unwrap();
    let clocks = app.ticket_sla(&system, id).await.unwrap();
    let resolution = clock(&clocks, Metric::Resolution);
    assert_eq!(resolution.target_ms, 300 * MIN);
    assert_eq!(
        resolution.elapsed_ms,
        100 * MIN,
        "time counted stays counted"
    );
    assert_eq!(resolution.due_at, Some(at(300)));
    // The breach timer moved with it.
    time.set(at(301));
    let fired = app.fire_due_timers(100).await.unwrap();
    assert!(
        fired
            .iter()
            .any(|f| f.kind == "sla_breach" && f.due_at == at(300))
    );
    // Running it again changes nothing.
    app.reapply_sla().await.unwrap();
    assert_eq!(app.ticket_sla(&system, id).await.unwrap(), {
        let mut c = clocks.clone();
        c.iter_mut()
            .filter(|c| c.metric == Metric::Resolution || c.metric == Metric::FirstReply)
            .for_each(|c| {
                if c.due_at.is_some_and(|d| d <= at(301)) {
                    c.breached_at = c.due_at;
                    c.warned_at = c.warned_at.or(c.warn_at);
                }
            });
        c
    });
}

async fn business_hours_count_only_when_open(store: Store) {
    let (app, time) = app(store);
    let system = Caller::system();
    let hours: Vec<_> = ["monday", "tuesday", "wednesday", "thursday", "friday"]
        .iter()
        .map(|d| json!({ "day": d, "start": "09:00", "end": "17:00" }))
        .collect();
    let spec: CalendarSpec = serde_json::from_value(json!({
        "time_zone": "America/Los_Angeles",
        "hours": hours,
        "holidays": [{ "date": "2026-11-26", "name": "Thanksgiving" }],
    }))
    .unwrap();
    let calendar = app
        .save_calendar(
            &system,
            SettingInput {
                id: None,
                expected_version: None,
                name: "US in-house".into(),
                position: 0,
                is_active: true,
                definition: spec,
            },
        )
        .await
        .unwrap();
    app.save_sla_policy(
        &system,
        policy(
            "Business hours",
            json!({ "targets": [
                { "metric": "first_reply", "priority": "normal", "minutes": 240, "calendar_id": calendar.id },
            ]}),
        ),
    )
    .await
    .unwrap();
    // Wednesday 2026-11-25 15:00 in Los Angeles (23:00 UTC): two hours that day, none on
    // Thanksgiving, two more on Friday: due Friday 11:00 local, 19:00 UTC.
    time.set(Timestamp(T0 + 9 * 24 * 60 * MIN + 23 * 60 * MIN));
    let id = open_ticket(&app).await;
    let clocks = app.ticket_sla(&system, id).await.unwrap();
    let friday_11_local = Timestamp(T0 + 11 * 24 * 60 * MIN + 19 * 60 * MIN);
    assert_eq!(
        clock(&clocks, Metric::FirstReply).due_at,
        Some(friday_11_local)
    );
    // An unknown calendar id is refused with a clear field.
    let bad = policy(
        "Broken",
        json!({ "targets": [{ "metric": "first_reply", "priority": "high", "minutes": 5, "calendar_id": 999 }] }),
    );
    let err = app.save_sla_policy(&system, bad).await.unwrap_err();
    assert!(err.to_string().contains("no calendar"), "{err}");
}

on_both_engines!(
    clocks_follow_the_conversation,
    a_policy_change_reaches_open_tickets,
    business_hours_count_only_when_open
);
