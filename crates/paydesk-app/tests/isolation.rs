//! Vendor isolation and personal-data masking, on both engines: a BPO agent of vendor A
//! tries every read, search and change on vendor B's tickets and customers; nothing leaks,
//! and what it may not see answers "not found", exactly like what does not exist.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::disputes::EvidenceInput;
use paydesk_app::tickets::{NewReply, NewTicketInput, TicketChange};
use paydesk_app::{App, AppError, Caller, ManualClock};
use paydesk_domain::customer::{CustomerPatch, NewCustomer, Tier};
use paydesk_domain::message::Visibility;
use paydesk_domain::payment::reason_code::Evidence;
use paydesk_domain::payment::{Dispute, DisputeId, DisputeStage, DisputeStatus, Money};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, TicketPatch};
use paydesk_domain::{CustomerId, QueueId, TicketId, Timestamp, VendorId};
use paydesk_store::{CustomerFilter, DisputeFilter, NewQueue, PageRequest, Store, TicketFilter};
use paydesk_testkit::on_both_engines;
use std::sync::Arc;

struct Desk {
    app: App,
    queue_a: QueueId,
    queue_b: QueueId,
    ticket_a: TicketId,
    ticket_b: TicketId,
    customer_a: CustomerId,
    customer_b: CustomerId,
    bpo_a: Caller,
    agent: Caller,
}

async fn desk(store: Store) -> Desk {
    let app = App::new(
        store.clone(),
        Arc::new(ManualClock::at(Timestamp(1_790_000_000_000))),
    );
    let sys = Caller::system();
    let at = Timestamp(1);
    let va = store.insert_vendor("Northwind", at).await.unwrap();
    let vb = store.insert_vendor("Southridge", at).await.unwrap();
    let queue = |key: &str, vendor: VendorId| NewQueue {
        key: key.into(),
        name: key.into(),
        business_line: None,
        vendor_id: Some(vendor),
    };
    let queue_a = store.insert_queue(&queue("a", va.id), at).await.unwrap().id;
    let queue_b = store.insert_queue(&queue("b", vb.id), at).await.unwrap().id;
    let customer = |name: &str, email: &str| NewCustomer {
        business_line: BusinessLine::Buyer,
        name: name.into(),
        emails: vec![email.into()],
        phone: Some("+1 555 0100".into()),
        country: None,
        locale: None,
        tier: Tier::Standard,
        external_ids: Default::default(),
    };
    let customer_a = app
        .create_customer(&sys, customer("Ana Cruz", "ana@example.com"))
        .await
        .unwrap()
        .id;
    let customer_b = app
        .create_customer(&sys, customer("Bo Berg", "bo@example.com"))
        .await
        .unwrap()
        .id;
    let ticket = |subject: &str, queue: QueueId, customer: CustomerId| NewTicketInput {
        queue_id: Some(queue),
        customer_id: Some(customer),
        ..NewTicketInput::new(
            subject,
            &format!("{subject} secretword"),
            BusinessLine::Buyer,
            Channel::Email,
        )
    };
    let ticket_a = app
        .create_ticket(&sys, ticket("Refund A", queue_a, customer_a), None)
        .await
        .unwrap()
        .ticket
        .id;
    let ticket_b = app
        .create_ticket(&sys, ticket("Refund B", queue_b, customer_b), None)
        .await
        .unwrap()
        .ticket
        .id;
    let bpo = app
        .add_user(
            &sys,
            "ana.l1@northwind.example",
            "Ana",
            Role::BpoAgent,
            Some(va.id),
            None,
        )
        .await
        .unwrap();
    let agent = app
        .add_user(&sys, "ravi@desk.example", "Ravi", Role::Agent, None, None)
        .await
        .unwrap();
    let bpo_a = Caller::new(
        Principal::User {
            id: bpo.id,
            role: Role::BpoAgent,
            vendor_id: Some(va.id),
        },
        None,
    );
    let agent = Caller::new(
        Principal::User {
            id: agent.id,
            role: Role::Agent,
            vendor_id: None,
        },
        None,
    );
    Desk {
        app,
        queue_a,
        queue_b,
        ticket_a,
        ticket_b,
        customer_a,
        customer_b,
        bpo_a,
        agent,
    }
}

fn not_found<T: std::fmt::Debug>(r: Result<T, AppError>) {
    assert!(
        matches!(r, Err(AppError::NotFound { .. })),
        "expected not found, got {r:?}"
    );
}

async fn bpo_agent_sees_only_its_vendor(store: Store) {
    let d = desk(store).await;
    let (app, me) = (&d.app, &d.bpo_a);
    let all = PageRequest::first(200);
    let ids = |p: paydesk_store::Page<paydesk_domain::ticket::Ticket>| {
        p.items.iter().map(|t| t.id).collect::<Vec<_>>()
    };

    assert_eq!(
        ids(app
            .list_tickets(me, &TicketFilter::default(), &all)
            .await
            .unwrap()),
        [d.ticket_a]
    );
    for filter in [
        TicketFilter {
            queue_id: Some(d.queue_b),
            ..Default::default()
        },
        TicketFilter {
            customer_id: Some(d.customer_b),
            ..Default::default()
        },
        TicketFilter {
            text: Some("Refund B".into()),
            ..Default::default()
        },
    ] {
        assert!(
            app.list_tickets(me, &filter, &all)
                .await
                .unwrap()
                .items
                .is_empty(),
            "{filter:?}"
        );
    }
    assert_eq!(
        ids(app
            .list_tickets(
                me,
                &TicketFilter {
                    text: Some("secretword".into()),
                    ..Default::default()
                },
                &all
            )
            .await
            .unwrap()),
        [d.ticket_a]
    );

    not_found(app.ticket(me, d.ticket_b).await);
    not_found(app.ticket(me, TicketId(987_654)).await);
    not_found(app.timeline(me, d.ticket_b, &all).await);
    let reply = NewReply {
        visibility: Visibility::Public,
        from_customer: false,
        body: "hi".into(),
        attachments: vec![],
        expected_version: None,
    };
    not_found(app.add_message(me, d.ticket_b, reply.clone()).await);
    let urgent = TicketChange {
        patch: TicketPatch {
            priority: Some(Priority::Urgent),
            ..Default::default()
        },
        expected_version: None,
    };
    not_found(app.change_ticket(me, d.ticket_b, urgent.clone()).await);

    app.add_message(me, d.ticket_a, reply).await.unwrap();
    app.change_ticket(me, d.ticket_a, urgent).await.unwrap();
    let away = TicketChange {
        patch: TicketPatch {
            queue_id: Some(Some(d.queue_b)),
            ..Default::default()
        },
        expected_version: None,
    };
    assert_eq!(
        app.change_ticket(me, d.ticket_a, away)
            .await
            .unwrap_err()
            .field(),
        Some("queue_id")
    );
    let elsewhere = NewTicketInput {
        queue_id: Some(d.queue_b),
        ..NewTicketInput::new("x", "y", BusinessLine::Buyer, Channel::Phone)
    };
    assert_eq!(
        app.create_ticket(me, elsewhere, None)
            .await
            .unwrap_err()
            .field(),
        Some("queue_id")
    );
}

async fn bpo_agent_sees_masked_customers_of_its_tickets_only(store: Store) {
    let d = desk(store).await;
    let (app, me) = (&d.app, &d.bpo_a);
    let page = app
        .list_customers(me, &CustomerFilter::default(), &PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        [d.customer_a]
    );
    let seen = app.customer(me, d.customer_a).await.unwrap();
    assert_eq!(
        (
            seen.name.as_str(),
            seen.emails[0].as_str(),
            seen.phone.as_deref()
        ),
        ("Ana C.", "a•••@example.com", Some("•••00"))
    );
    assert!(!format!("{page:?}").contains("ana@example.com"));
    not_found(app.customer(me, d.customer_b).await);
    let by_email = CustomerFilter {
        email: Some("bo@example.com".into()),
        ..Default::default()
    };
    assert_eq!(
        app.list_customers(me, &by_email, &PageRequest::first(5))
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let rename = CustomerPatch {
        tier: Some(Tier::Vip),
        ..Default::default()
    };
    assert_eq!(
        app.update_customer(me, d.customer_a, rename, None)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
}

async fn in_house_agents_see_everything_unmasked(store: Store) {
    let d = desk(store).await;
    let (app, me) = (&d.app, &d.agent);
    let all = app
        .list_tickets(me, &TicketFilter::default(), &PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(all.items.len(), 2);
    assert_eq!(
        app.customer(me, d.customer_b).await.unwrap().emails,
        ["bo@example.com"]
    );
    app.ticket(me, d.ticket_b).await.unwrap();
    let _ = (d.queue_a, d.customer_a);
}

async fn a_bpo_agent_without_vendor_sees_nothing(store: Store) {
    let d = desk(store).await;
    let lost = Caller::new(
        Principal::User {
            id: paydesk_domain::UserId(99),
            role: Role::BpoAgent,
            vendor_id: None,
        },
        None,
    );
    assert!(
        d.app
            .list_tickets(&lost, &TicketFilter::default(), &PageRequest::first(5))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    not_found(d.app.ticket(&lost, d.ticket_a).await);
}

/// A dispute on `ticket`, saved as a gateway would.
async fn dispute_on(app_store: &Store, ticket: TicketId, reference: &str) -> DisputeId {
    let mut work = app_store.payment_work().await.unwrap();
    let at = Timestamp(1_789_000_000_000);
    let d = work
        .save_dispute(&Dispute {
            id: DisputeId(0),
            gateway: "stripe".into(),
            gateway_ref: reference.into(),
            transaction_id: None,
            transaction_ref: None,
            customer_id: None,
            ticket_id: Some(ticket),
            network: Some("visa".into()),
            reason: Some("fraudulent".into()),
            network_reason_code: Some("10.4".into()),
            stage: DisputeStage::Chargeback,
            status: DisputeStatus::NeedsResponse,
            money: Money {
                amount: 5_000,
                currency: "USD".into(),
            },
            due_at: Some(Timestamp(1_791_000_000_000)),
            funds_withdrawn_at: None,
            funds_reinstated_at: None,
            created_at: at,
            updated_at: at,
        })
        .await
        .unwrap();
    work.commit().await.unwrap();
    d.id
}

async fn bpo_agent_sees_only_its_vendors_disputes(store: Store) {
    let d = desk(store.clone()).await;
    let mine = dispute_on(&store, d.ticket_a, "dp_a").await;
    let theirs = dispute_on(&store, d.ticket_b, "dp_b").await;
    let view = d.app.dispute_view(&d.bpo_a, mine).await.unwrap();
    assert_eq!(view.record.dispute.gateway_ref, "dp_a");
    not_found(d.app.dispute_view(&d.bpo_a, theirs).await);
    not_found(d.app.dispute_packet(&d.bpo_a, theirs).await);
    let listed = d
        .app
        .disputes(&d.bpo_a, &DisputeFilter::default(), &PageRequest::first(50))
        .await
        .unwrap();
    let refs: Vec<_> = listed
        .items
        .iter()
        .map(|r| r.dispute.gateway_ref.as_str())
        .collect();
    assert_eq!(refs, ["dp_a"]);
    // Evidence is for in-house staff: a BPO agent may not add it, even on its own.
    let evidence = || EvidenceInput {
        kind: Evidence::PriorPayments,
        title: "Earlier payments".into(),
        text: Some("Three earlier payments, none disputed.".into()),
        file: None,
        attachment_id: None,
    };
    let refused = d.app.add_dispute_evidence(&d.bpo_a, mine, evidence()).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden { .. })),
        "{refused:?}"
    );
    d.app
        .add_dispute_evidence(&d.agent, theirs, evidence())
        .await
        .unwrap();
    let listed = d
        .app
        .disputes(&d.agent, &DisputeFilter::default(), &PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 2);
}

on_both_engines!(
    bpo_agent_sees_only_its_vendors_disputes,
    bpo_agent_sees_only_its_vendor,
    bpo_agent_sees_masked_customers_of_its_tickets_only,
    in_house_agents_see_everything_unmasked,
    a_bpo_agent_without_vendor_sees_nothing,
);
