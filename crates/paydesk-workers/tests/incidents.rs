//! Incident work on both engines: two instances' runners deliver a public update's
//! replies once per ticket, and the customers get one email each from a real SMTP server
//! on loopback; two instances' incident rounds at once link each later ticket once and
//! propose one incident for a sharp drop.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod support;

use paydesk_app::incidents::updates::UpdateInput;
use paydesk_app::incidents::{DeclareInput, ScopeInput};
use paydesk_app::payment_health::AttemptInput;
use paydesk_app::{App, Caller};
use paydesk_domain::Timestamp;
use paydesk_domain::incident::{IncidentStatus, MatchRules, Severity};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::BusinessLine;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use paydesk_workers::incidents::round;
use std::time::Duration;
use support::{SmtpServer, T0, app_on, clock, ticket};

async fn lead(app: &App) -> Caller {
    let user = app
        .add_user(
            &Caller::system(),
            "lena@desk.example",
            "Lena",
            Role::Lead,
            None,
            None,
        )
        .await
        .unwrap();
    Caller::new(
        Principal::User {
            id: user.id,
            role: Role::Lead,
            vendor_id: None,
        },
        None,
    )
}

fn declare(rules: Option<MatchRules>) -> DeclareInput {
    DeclareInput {
        title: "Coins top-ups fail".into(),
        severity: Severity::Sev2,
        scope: ScopeInput {
            started_at: Some(Timestamp(T0 - Timestamp::HOUR)),
            ..ScopeInput::default()
        },
        rules,
        public_summary: None,
    }
}

async fn two_runners_deliver_each_reply_and_email_once(store: Store) {
    let server = SmtpServer::start();
    let clock = clock();
    let [a, b] = [
        app_on(&store, &clock, Some(server.settings(None))),
        app_on(&store, &clock, Some(server.settings(None))),
    ];
    let lena = lead(&a).await;
    let mut tickets = Vec::new();
    for i in 0..12 {
        let email = format!("buyer{i}@example.com");
        tickets.push(ticket(&a, &[email.as_str()], "Top-up failed").await);
    }
    let (incident, _) = a.declare_incident(&lena, declare(None)).await.unwrap();
    for t in &tickets {
        a.link_incident_ticket(&lena, incident.id, *t)
            .await
            .unwrap();
    }
    let body = "Top-ups with cards fail since 09:10 UTC; no money was taken. We will write again.";
    let input = UpdateInput {
        body: body.into(),
        is_public: true,
        solve_tickets: false,
    };
    let (update, _) = a
        .post_incident_update(&lena, incident.id, input, "top-ups-1")
        .await
        .unwrap();
    assert_eq!(update.total, 12);

    let (ra, rb) = (
        paydesk_workers::runner(&a).with_owner("a"),
        paydesk_workers::runner(&b).with_owner("b"),
    );
    let (da, db) = tokio::join!(ra.run_due(), rb.run_due());
    let ran: Vec<_> = da.unwrap().into_iter().chain(db.unwrap()).collect();
    assert_eq!(
        ran.iter()
            .filter(|r| r.job.kind == "incident_update")
            .count(),
        1,
        "one runner took the update"
    );
    let done = a.store().incident_update(update.id).await.unwrap();
    assert_eq!((done.status.as_str(), done.sent), ("done", 12));
    for t in &tickets {
        let replies = a
            .store()
            .messages(*t)
            .await
            .unwrap()
            .iter()
            .filter(|m| m.body == body)
            .count();
        assert_eq!(replies, 1, "{t:?}");
    }
    let mails = server.wait_for(12, Duration::from_secs(20)).await;
    assert_eq!(mails.len(), 12);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mails = server.received();
    assert_eq!(mails.len(), 12, "no email twice");
    let mut recipients: Vec<String> = mails
        .iter()
        .map(|m| m.envelope["rcpt_tos"][0].as_str().unwrap().to_string())
        .collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 12, "each customer once");
    assert!(mails.iter().all(|m| m.mail.subject.contains("[PD-")));
}

fn attempt(ok: bool, minutes_ago: i64) -> AttemptInput {
    AttemptInput {
        gateway: "checkout".into(),
        method: "card".into(),
        result: if ok { "success" } else { "failure" }.into(),
        code: (!ok).then(|| "timeout".to_string()),
        latency_ms: 400,
        at: Timestamp(T0 - minutes_ago * Timestamp::MINUTE),
        region: None,
        business_line: None,
    }
}

async fn two_rounds_at_once_link_and_propose_once(store: Store) {
    let clock = clock();
    let [a, b] = [app_on(&store, &clock, None), app_on(&store, &clock, None)];
    let lena = lead(&a).await;
    let rules = MatchRules {
        categories: vec!["top_up".into()],
        business_lines: vec![BusinessLine::Buyer],
        ..MatchRules::default()
    };
    let (incident, linked) = a
        .declare_incident(&lena, declare(Some(rules)))
        .await
        .unwrap();
    assert_eq!(linked, 0);
    // Tickets arriving after the declaration.
    for i in 0..5 {
        let id = ticket(&a, &[format!("late{i}@example.com").as_str()], "Top-up").await;
        let patch = paydesk_domain::ticket::TicketPatch {
            category: Some(Some("top_up".into())),
            ..Default::default()
        };
        a.change_ticket(
            &Caller::system(),
            id,
            paydesk_app::tickets::TicketChange {
                patch,
                expected_version: None,
            },
        )
        .await
        .unwrap();
    }
    let writer = Caller::system();
    let day: Vec<_> = (0..400)
        .map(|i| Ok(attempt(i % 10 != 0, 60 + i % 600)))
        .collect();
    a.record_payment_attempts(&writer, day).await.unwrap();
    let now: Vec<_> = (0..50).map(|i| Ok(attempt(i % 5 == 0, i % 10))).collect();
    a.record_payment_attempts(&writer, now).await.unwrap();

    let (x, y) = tokio::join!(round(&a), round(&b));
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x.linked + y.linked, 5, "each later ticket linked once");
    assert_eq!(x.proposed.len() + y.proposed.len(), 1, "one proposal");
    let stored = a.store().incident(incident.id).await.unwrap();
    assert_eq!(stored.linked_tickets, 5);
    let open = a
        .incidents(&lena, &[IncidentStatus::Proposed], 10, None)
        .await
        .unwrap();
    assert_eq!(open.items.len(), 1);
    assert_eq!(open.items[0].scope.gateway.as_deref(), Some("checkout"));
    let again = round(&a).await.unwrap();
    assert_eq!((again.linked, again.proposed.len()), (0, 0));
}

on_both_engines!(
    two_runners_deliver_each_reply_and_email_once,
    two_rounds_at_once_link_and_propose_once
);
