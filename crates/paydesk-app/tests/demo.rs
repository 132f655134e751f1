//! The demo generator, on both engines: a small run covers every business line, channel,
//! status and most categories; nothing card-like survives in stored text; a second run is
//! refused; and the same seed gives the same data.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::demo::{DemoOptions, DemoSummary};
use paydesk_app::refunds::Decision;
use paydesk_app::{App, AppError, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::event::EventKind;
use paydesk_domain::incident::IncidentStatus;
use paydesk_domain::payment::refund::RefundState;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{Status, Ticket};
use paydesk_store::{PageRequest, RefundFilter, Store, TicketFilter};
use paydesk_testkit::{StoreEngine, on_both_engines};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// 2026-07-01T15:00:00Z, a Wednesday afternoon.
const END: Timestamp = Timestamp(1_782_918_000_000);

fn small(seed: u64, tickets: usize, days: i64) -> DemoOptions {
    DemoOptions {
        seed,
        tickets,
        days,
        end: END,
    }
}

async fn generate(store: &Store, opts: &DemoOptions) -> Result<DemoSummary, AppError> {
    let app = App::new(store.clone(), Arc::new(ManualClock::at(END)));
    app.generate_demo(opts, &|_, _| {}).await
}

/// Every ticket, oldest first.
async fn all_tickets(store: &Store) -> Vec<Ticket> {
    let mut out = Vec::new();
    let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
    loop {
        let got = store
            .list_tickets(&TicketFilter::default(), &page)
            .await
            .unwrap();
        out.extend(got.items);
        match got.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => break,
        }
    }
    out.reverse();
    out
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether `text` holds a Luhn-valid run of 13-19 digits: digit groups joined by single
/// spaces or dashes, any stretch of whole consecutive groups counted (written here
/// independently of the redactor).
fn has_card_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut groups: Vec<Vec<u8>> = vec![Vec::new()];
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_digit() {
                groups.last_mut().unwrap().push(b);
                i += 1;
            } else if (b == b' ' || b == b'-') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                groups.push(Vec::new());
                i += 1;
            } else {
                break;
            }
        }
        for start in 0..groups.len() {
            let mut run = Vec::new();
            for g in &groups[start..] {
                run.extend_from_slice(g);
                if run.len() > 19 {
                    break;
                }
                if run.len() >= 13 && luhn(&run) {
                    return true;
                }
            }
        }
    }
    false
}

#[test]
fn the_checker_finds_cards() {
    assert!(has_card_number("my card 4111 1111 1111 1111 thanks"));
    assert!(has_card_number("x4111-1111-1111-1111x"));
    assert!(has_card_number("2024 378282246310005"));
    assert!(!has_card_number(
        "order ORD-7F3K2Q on 2026-03-14, $1,234.56"
    ));
    assert!(!has_card_number("[card ****1111] [cvv ***]"));
}

async fn demo_fills_an_empty_desk(store: Store) {
    let opts = small(7, 600, 30);
    let app = App::new(store.clone(), Arc::new(ManualClock::at(END)));
    let calls = Mutex::new(Vec::new());
    let summary = app
        .generate_demo(&opts, &|done, total| {
            calls.lock().unwrap().push((done, total))
        })
        .await
        .unwrap();
    assert_eq!(summary.tickets, 600);
    assert_eq!(calls.lock().unwrap().last(), Some(&(600, 600)));

    // A dozen macros of every scope, with their use; the system sees all but personal ones.
    let macros = app
        .list_macros(
            &paydesk_app::Caller::system(),
            &paydesk_app::macros::MacroQuery::default(),
        )
        .await
        .unwrap();
    let kinds: BTreeSet<_> = macros.iter().map(|m| m.scope.kind()).collect();
    assert_eq!(kinds.len(), 2, "shared and team: {kinds:?}");
    assert_eq!(macros.len(), 10);
    assert!(
        macros
            .iter()
            .all(|m| m.usage_count > 0 && m.last_used_at.is_some())
    );

    let tickets = all_tickets(&store).await;
    assert_eq!(tickets.len(), 600);
    let lines: BTreeSet<_> = tickets.iter().map(|t| t.business_line.as_str()).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    let channels: BTreeSet<_> = tickets.iter().map(|t| t.channel.as_str()).collect();
    assert_eq!(channels.len(), 7, "{channels:?}");
    let categories: BTreeSet<_> = tickets.iter().filter_map(|t| t.category.clone()).collect();
    assert!(categories.len() >= 8, "{categories:?}");
    let mut statuses: BTreeMap<Status, usize> = BTreeMap::new();
    for t in &tickets {
        *statuses.entry(t.status).or_default() += 1;
        assert!(t.created_at < END && t.updated_at <= END, "{t:?}");
        assert!(t.queue_id.is_some());
        assert_eq!(t.closed_at.is_some(), t.status == Status::Closed);
    }
    for s in [Status::Solved, Status::Closed] {
        assert!(statuses.get(&s).is_some_and(|n| *n > 0), "{statuses:?}");
    }
    // The desk has SLAs: unresolved tickets carry running clocks from a policy.
    assert_eq!(store.sla_policies().await.unwrap().len(), 3);
    assert_eq!(store.calendars().await.unwrap().len(), 2);
    let unresolved = tickets.iter().find(|t| t.status.is_unresolved()).unwrap();
    let clocks = store.ticket_clocks(unresolved.id).await.unwrap();
    assert!(
        clocks
            .iter()
            .any(|c| c.policy_id.is_some() && c.is_active()),
        "{clocks:?}"
    );
    assert!(
        statuses
            .get(&Status::Open)
            .or(statuses.get(&Status::Pending))
            .is_some(),
        "{statuses:?}"
    );

    let (mut reopened, mut redacted, mut messages) = (0, 0, 0);
    for t in &tickets {
        let timeline = store
            .timeline(t.id, &PageRequest::first(PageRequest::MAX_LIMIT))
            .await
            .unwrap();
        assert!(timeline.next_cursor.is_none());
        assert_eq!(
            timeline.items.first().map(|e| e.kind),
            Some(EventKind::TicketCreated)
        );
        assert!(
            timeline
                .items
                .windows(2)
                .all(|w| w[0].at <= w[1].at || w[1].kind == EventKind::Redacted)
        );
        reopened += timeline
            .items
            .iter()
            .filter(|e| e.kind == EventKind::Reopened)
            .count();
        redacted += timeline
            .items
            .iter()
            .filter(|e| e.kind == EventKind::Redacted)
            .count();
        assert!(!has_card_number(&t.subject), "{}", t.subject);
        for m in store.messages(t.id).await.unwrap() {
            assert!(!has_card_number(&m.body), "{}", m.body);
            messages += 1;
        }
    }
    assert!(reopened > 0, "no ticket was reopened");
    assert!(redacted > 0, "no redacted event");
    assert_eq!(redacted, summary.redacted_texts);
    assert_eq!(messages, summary.messages);

    assert_eq!(summary.logins.len(), 8);
    let roles: BTreeSet<_> = summary.logins.iter().map(|l| l.role.as_str()).collect();
    assert_eq!(roles.len(), 8);
    let bpo = summary
        .logins
        .iter()
        .find(|l| l.role == Role::BpoAgent)
        .unwrap();
    assert!(bpo.vendor.is_some());
    let lead = store
        .user_by_email(&summary.logins[2].email)
        .await
        .unwrap()
        .unwrap();
    assert!(paydesk_app::password::verify(
        &summary.logins[2].password,
        lead.password_hash.as_deref().unwrap()
    ));

    // Routing is set up: automatic queues with members and online profiles, and a routing
    // round over the demo's open tickets runs.
    let queues = store.queue_settings_all().await.unwrap();
    let modes: BTreeSet<_> = queues.iter().map(|q| q.routing.routing.as_str()).collect();
    assert!(
        modes.contains("round_robin") && modes.contains("skills"),
        "{modes:?}"
    );
    let agents = store.agent_profiles(None).await.unwrap();
    assert!(agents.len() >= 20, "{} profiles", agents.len());
    let sys = paydesk_app::Caller::system();
    app.route_all(&sys).await.unwrap();
    let agents = store.agent_profiles(None).await.unwrap();
    assert!(
        agents
            .iter()
            .all(|a| a.load <= a.profile.capacity.max(a.load))
    );

    // The dispute tickets carry their disputes: decided ones won and lost, open ones
    // running their deadline clock.
    let sys_disputes = app
        .disputes(
            &paydesk_app::Caller::system(),
            &paydesk_store::DisputeFilter::default(),
            &paydesk_store::PageRequest::first(200),
        )
        .await
        .unwrap();
    let by_status: BTreeSet<_> = sys_disputes
        .items
        .iter()
        .map(|d| d.dispute.status.as_str())
        .collect();
    for status in ["won", "lost"] {
        assert!(by_status.contains(status), "{status} in {by_status:?}");
    }
    assert!(
        by_status.contains("needs_response") || by_status.contains("warning_needs_response"),
        "{by_status:?}"
    );
    let open = sys_disputes
        .items
        .iter()
        .find(|d| d.dispute.status.needs_response())
        .unwrap();
    // Every dispute waiting for an answer sits on a ticket still open.
    for d in sys_disputes
        .items
        .iter()
        .filter(|d| d.dispute.status.needs_response())
    {
        let ticket = store.ticket(d.dispute.ticket_id.unwrap()).await.unwrap();
        assert!(
            ticket.status.is_unresolved(),
            "dispute {} sits on {:?} ticket {}",
            d.dispute.id.0,
            ticket.status,
            ticket.id.0
        );
    }
    let clocks = store
        .ticket_clocks(open.dispute.ticket_id.unwrap())
        .await
        .unwrap();
    assert!(
        clocks
            .iter()
            .any(|c| c.metric == paydesk_domain::sla::Metric::DisputeResponse),
        "{clocks:?}"
    );

    // One past incident, worked to the end: its timeline, its tickets solved with the last
    // reply (emailed), and a day of payment health to look at.
    let resolved = app
        .incidents(&sys, &[IncidentStatus::Resolved], 10, None)
        .await
        .unwrap();
    assert_eq!(resolved.items.len(), 1);
    let view = app.incident(&sys, resolved.items[0].id).await.unwrap();
    assert_eq!(view.incident.linked_tickets, 6);
    let actions: BTreeSet<_> = view.timeline.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "declared",
        "linked_by_rule",
        "severity_changed",
        "status_changed",
        "update_posted",
        "update_delivered",
        "resolved",
    ] {
        assert!(actions.contains(action), "{action} missing: {actions:?}");
    }
    let sent: Vec<i64> = view.updates.iter().map(|u| u.sent).collect();
    assert_eq!(sent, vec![0, 4, 6], "a note, an update, the resolution");
    for t in app.incident_tickets(&sys, view.incident.id).await.unwrap() {
        assert_eq!(t.status, Status::Solved);
        let mails = store.outbound_mails(t.ticket_id).await.unwrap();
        assert!(
            mails
                .iter()
                .all(|m| m.status == paydesk_store::MailStatus::Sent)
        );
    }
    assert_eq!(
        store.pending_jobs(paydesk_store::MAIL_JOB).await.unwrap(),
        0
    );
    let health = app.payment_health(&sys).await.unwrap();
    assert_eq!(health.len(), 4);
    assert!(
        health
            .iter()
            .all(|h| h.day.tally.attempts > 1_000 || h.method.as_str() == "bank_transfer")
    );
    let paypal = health.iter().find(|h| h.gateway == "paypal").unwrap();
    assert_eq!(
        paypal.assessment.state.as_str(),
        "degraded",
        "{:?}",
        paypal.assessment
    );
    // A few refunds on open buyer tickets: one made, one waiting for a finance approver
    // (the finance sign-in approves it), one rejected.
    let refunds = store
        .list_refunds(&RefundFilter::default(), &PageRequest::first(50))
        .await
        .unwrap()
        .items;
    let states: BTreeSet<_> = refunds.iter().map(|r| r.state.as_str()).collect();
    assert_eq!(
        states,
        BTreeSet::from(["pending_approval", "rejected", "succeeded"])
    );
    let waiting = refunds
        .iter()
        .find(|r| r.state == RefundState::PendingApproval)
        .unwrap();
    let finance = summary
        .logins
        .iter()
        .find(|l| l.role == Role::Finance)
        .unwrap();
    let finance = store.user_by_email(&finance.email).await.unwrap().unwrap();
    let finance = paydesk_app::Caller::new(
        paydesk_domain::policy::Principal::User {
            id: finance.id,
            role: Role::Finance,
            vendor_id: None,
        },
        None,
    );
    let approval = Decision {
        external_ref: Some("re_dashboard_77".into()),
        ..Decision::approve()
    };
    let approved = app
        .decide_refund(&finance, waiting.id, approval)
        .await
        .unwrap();
    assert_eq!(approved.state, RefundState::Succeeded);

    // The SOP library: five published procedures, one overdue for review, one in its
    // second version, and the checklist requirement for fraud claims.
    let system = paydesk_app::Caller::system();
    let sops = app
        .sops(&system, &paydesk_app::sops::SopQuery::default())
        .await
        .unwrap();
    assert_eq!(sops.len(), 5);
    assert!(sops.iter().all(|s| s.published_version.is_some()));
    let due = paydesk_app::sops::SopQuery {
        review_due: true,
        ..paydesk_app::sops::SopQuery::default()
    };
    let overdue = app.sops(&system, &due).await.unwrap();
    assert_eq!(
        overdue.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(),
        ["Payout delayed"]
    );
    assert!(sops.iter().any(|s| s.published_version == Some(2)));
    let required = app.sop_requirements(&system).await.unwrap();
    assert_eq!(required[0].category, "unrecognised_or_fraud");
    // The standard partner teams, and escalations in several states, one past its target.
    let teams = store.partner_teams().await.unwrap();
    assert_eq!(teams.len(), 5);
    assert!(
        teams
            .iter()
            .all(|t| !t.reasons.is_empty() && !t.members.is_empty())
    );
    let escalations = store
        .escalation_queue(&paydesk_store::EscalationFilter {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let states: BTreeSet<_> = escalations.iter().map(|e| e.status.as_str()).collect();
    assert_eq!(
        states,
        BTreeSet::from(["answered", "in_progress", "open"]),
        "{escalations:?}"
    );
    let now = app.now();
    assert!(
        escalations
            .iter()
            .any(|e| e.status.is_live() && e.clock.due_at.is_some_and(|d| d < now)),
        "one is past its target"
    );

    let again = app.generate_demo(&opts, &|_, _| {}).await;
    assert!(
        matches!(&again, Err(AppError::Invalid { field, .. }) if field == "database"),
        "{again:?}"
    );
}

on_both_engines!(
    demo_fills_an_empty_desk,
    demo_tickets_show_the_money_they_talk_about
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_seed_gives_the_same_data() {
    let mut subjects = Vec::new();
    for seed in [11, 11, 12] {
        let db = paydesk_testkit::fresh(StoreEngine::Sqlite).await.unwrap();
        generate(&db.store, &small(seed, 150, 12)).await.unwrap();
        let tickets = all_tickets(&db.store).await;
        subjects.push(
            tickets
                .iter()
                .map(|t| (t.subject.clone(), t.created_at, t.status))
                .collect::<Vec<_>>(),
        );
        db.finish().await.unwrap();
    }
    assert_eq!(subjects[0].len(), 150);
    assert_eq!(subjects[0], subjects[1]);
    assert_ne!(subjects[0], subjects[2]);
}

async fn demo_tickets_show_the_money_they_talk_about(store: Store) {
    let app = App::new(store.clone(), Arc::new(ManualClock::at(END)));
    let summary = app
        .generate_demo(&small(11, 400, 30), &|_, _| {})
        .await
        .unwrap();
    assert!(summary.transactions > 40, "{summary:?}");
    assert!(summary.payouts > 10, "{summary:?}");
    let tickets = all_tickets(&store).await;
    let (mut linked, mut explained, mut creator_payouts) = (0, 0, 0);
    let (mut held, mut failed, mut wallets) = (0, 0, 0);
    for t in &tickets {
        let panel = app
            .ticket_payments(&paydesk_app::Caller::system(), t.id)
            .await
            .unwrap();
        let timeline = store
            .timeline(t.id, &PageRequest::first(PageRequest::MAX_LIMIT))
            .await
            .unwrap();
        // What the ticket's own words linked (other parts of the demo link by hand).
        let mentioned: BTreeSet<(String, i64)> = timeline
            .items
            .iter()
            .filter(|e| e.kind == EventKind::PaymentLinked && e.data["reason"] == "mention")
            .map(|e| {
                (
                    e.data["kind"].as_str().unwrap().to_string(),
                    e.data["object_id"].as_i64().unwrap(),
                )
            })
            .collect();
        linked += usize::from(!mentioned.is_empty());
        let text = std::iter::once(t.subject.clone())
            .chain(
                store
                    .messages(t.id)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|m| m.body),
            )
            .collect::<Vec<_>>()
            .join("\n");
        for v in &panel.linked.transactions {
            if !mentioned.contains(&("transaction".to_string(), v.transaction.id.0)) {
                continue;
            }
            let order = v.transaction.order_id.as_deref().unwrap_or("-");
            assert!(
                text.contains(&v.transaction.gateway_ref) || text.contains(order),
                "{} linked to a payment it does not name",
                t.subject
            );
            explained += usize::from(v.explanation.as_ref().is_some_and(|e| e.is_known));
            wallets += usize::from(v.transaction.wallet.is_some());
        }
        let linked_ids: BTreeSet<(String, i64)> = panel
            .linked
            .transactions
            .iter()
            .map(|v| ("transaction".to_string(), v.transaction.id.0))
            .chain(
                panel
                    .linked
                    .payouts
                    .iter()
                    .map(|p| ("payout".to_string(), p.payout.id.0)),
            )
            .collect();
        assert!(
            mentioned.is_subset(&linked_ids),
            "every link on the timeline is beside the ticket"
        );
        for p in panel.linked.payouts.iter().chain(&panel.recent.payouts) {
            held += usize::from(p.payout.is_held);
            failed += usize::from(p.explanation.is_some());
        }
        if t.business_line == paydesk_domain::ticket::BusinessLine::Creator
            && t.category.as_deref() == Some("transfer_or_payout")
        {
            creator_payouts += usize::from(!panel.recent.payouts.is_empty());
        }
    }
    assert!(linked > 20, "{linked} tickets linked");
    assert!(explained > 0, "no declined charge explained");
    assert!(
        creator_payouts > 0,
        "no creator's payout ticket shows a payout"
    );
    assert!(
        held > 0 && failed > 0 && wallets > 0,
        "{held} {failed} {wallets}"
    );
}

/// The standard size, for timing by hand:
/// `cargo test --release -p paydesk-app --test demo -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "takes tens of seconds; run by hand to time the standard demo"]
async fn standard_demo_timing() {
    let db = paydesk_testkit::fresh(StoreEngine::Sqlite).await.unwrap();
    let started = std::time::Instant::now();
    let summary = generate(&db.store, &DemoOptions::standard(END))
        .await
        .unwrap();
    println!(
        "{} tickets, {} customers, {} messages, {} events in {:.1?}",
        summary.tickets,
        summary.customers,
        summary.messages,
        summary.events,
        started.elapsed()
    );
    db.finish().await.unwrap();
}
