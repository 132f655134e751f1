//! The permission matrix, walked over the real HTTP surface: for every role and every
//! API route, a signed-in user of that role gets through or is refused with 403 exactly as
//! `paydesk_domain::policy::MATRIX` says. The expectation is computed from the matrix, not
//! written a second time here; only which action each route performs is listed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;
mod isolation;

use isolation::a_bpo_agent_cannot_reach_another_vendors_records;

use axum::body::Body;
use axum::http::{Method, Request};
use common::Api;
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::policy::{Action, role_allows};
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel};
use paydesk_domain::{Timestamp, VendorId};
use paydesk_store::{NewQueue, Store};
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};
use std::sync::Arc;

const PASSWORD: &str = "a long enough passphrase";

/// What the desk holds before the walk: one ticket and one customer in a vendor's queue
/// (so a BPO agent of that vendor may see them: only its role decides), and a token to revoke.
struct World {
    vendor: VendorId,
    queue: i64,
    ticket: String,
    customer: i64,
    token: i64,
}

async fn world(store: &Store) -> World {
    let app = App::new(
        store.clone(),
        Arc::new(ManualClock::at(Timestamp(common::T0))),
    );
    let sys = Caller::system();
    let vendor = store
        .insert_vendor("Northwind", Timestamp(1))
        .await
        .unwrap()
        .id;
    let queue = store
        .insert_queue(
            &NewQueue {
                key: "refunds".into(),
                name: "Refunds".into(),
                business_line: None,
                vendor_id: Some(vendor),
            },
            Timestamp(1),
        )
        .await
        .unwrap()
        .id;
    let customer = app
        .create_customer(
            &sys,
            paydesk_domain::customer::NewCustomer {
                business_line: BusinessLine::Buyer,
                name: "Ana Cruz".into(),
                emails: vec!["ana@example.com".into()],
                phone: None,
                country: None,
                locale: None,
                tier: paydesk_domain::customer::Tier::Standard,
                external_ids: Default::default(),
            },
        )
        .await
        .unwrap()
        .id;
    let input = paydesk_app::tickets::NewTicketInput {
        queue_id: Some(queue),
        customer_id: Some(customer),
        ..paydesk_app::tickets::NewTicketInput::new(
            "Charged twice",
            "two charges",
            BusinessLine::Buyer,
            Channel::Email,
        )
    };
    let ticket = app.create_ticket(&sys, input, None).await.unwrap().ticket;
    let token = app
        .create_token(
            &sys,
            "victim",
            &[paydesk_domain::policy::Scope::TicketsRead],
            None,
        )
        .await
        .unwrap();
    for role in Role::ALL {
        let vendor_id = (*role == Role::BpoAgent).then_some(vendor);
        app.add_user(
            &sys,
            &format!("{}@desk.example", role.as_str()),
            role.as_str(),
            *role,
            vendor_id,
            Some(PASSWORD),
        )
        .await
        .unwrap();
    }
    World {
        vendor,
        queue: queue.0,
        ticket: paydesk_domain::ticket::ticket_number(ticket.id),
        customer: customer.0,
        token: token.record.id,
    }
}

/// Every route with the action it performs and a request body that would succeed.
fn routes(w: &World) -> Vec<(Method, String, Option<Value>, Action)> {
    let t = &w.ticket;
    let c = w.customer;
    vec![
        (
            Method::GET,
            "/api/v1/tickets".into(),
            None,
            Action::TicketRead,
        ),
        (
            Method::POST,
            "/api/v1/tickets".into(),
            Some(
                json!({"subject": "s", "body": "b", "business_line": "buyer", "queue_id": w.queue}),
            ),
            Action::TicketCreate,
        ),
        (
            Method::GET,
            format!("/api/v1/tickets/{t}"),
            None,
            Action::TicketRead,
        ),
        (
            Method::GET,
            format!("/api/v1/tickets/{t}/timeline"),
            None,
            Action::TicketRead,
        ),
        (
            Method::PATCH,
            format!("/api/v1/tickets/{t}"),
            Some(json!({"tags": ["checked"]})),
            Action::TicketUpdate,
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{t}/messages"),
            Some(json!({"body": "reply"})),
            Action::TicketReply,
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{t}/messages"),
            Some(json!({"body": "note", "visibility": "internal"})),
            Action::TicketNote,
        ),
        (
            Method::GET,
            "/api/v1/customers".into(),
            None,
            Action::CustomerRead,
        ),
        (
            Method::GET,
            format!("/api/v1/customers/{c}"),
            None,
            Action::CustomerRead,
        ),
        (
            Method::POST,
            "/api/v1/customers".into(),
            Some(json!({"business_line": "buyer", "name": "New Person"})),
            Action::CustomerWrite,
        ),
        (
            Method::PATCH,
            format!("/api/v1/customers/{c}"),
            Some(json!({"tier": "vip"})),
            Action::CustomerWrite,
        ),
        (
            Method::GET,
            "/api/v1/tokens".into(),
            None,
            Action::TokenManage,
        ),
        (
            Method::POST,
            "/api/v1/tokens".into(),
            Some(json!({"name": "new", "scopes": ["tickets:read"]})),
            Action::TokenManage,
        ),
        (
            Method::DELETE,
            format!("/api/v1/tokens/{}", w.token),
            None,
            Action::TokenManage,
        ),
        (
            Method::GET,
            format!("/api/v1/customers/{c}/export"),
            None,
            Action::CustomerExport,
        ),
        (
            Method::GET,
            "/api/v1/queues".into(),
            None,
            Action::QueueRead,
        ),
        (
            Method::GET,
            format!("/api/v1/queues/{}", w.queue),
            None,
            Action::QueueRead,
        ),
        (
            Method::GET,
            format!("/api/v1/queues/{}/tickets", w.queue),
            None,
            Action::QueueRead,
        ),
        (
            Method::PATCH,
            format!("/api/v1/queues/{}", w.queue),
            Some(json!({"position": 3})),
            Action::QueueManage,
        ),
        (
            Method::GET,
            "/api/v1/agents".into(),
            None,
            Action::AgentRead,
        ),
        (Method::GET, "/api/v1/teams".into(), None, Action::AgentRead),
        (
            Method::GET,
            "/api/v1/incidents".into(),
            None,
            Action::PaymentRead,
        ),
        (
            Method::POST,
            "/api/v1/incidents".into(),
            Some(json!({"title": "Adyen declines", "severity": "sev3"})),
            Action::IncidentManage,
        ),
        (
            Method::GET,
            format!("/api/v1/tickets/{t}/incidents"),
            None,
            Action::PaymentRead,
        ),
        (Method::GET, "/api/v1/macros".into(), None, Action::MacroUse),
        (
            Method::POST,
            "/api/v1/macros".into(),
            Some(
                json!({"title": "Refund issued", "reply": {"body": "Refunded", "visibility": "public"}, "scope": {"kind": "shared"}}),
            ),
            Action::MacroManage,
        ),
        (
            Method::GET,
            "/api/v1/payment-health".into(),
            None,
            Action::PaymentRead,
        ),
        (
            Method::POST,
            "/api/v1/payment-health/check".into(),
            None,
            Action::IncidentManage,
        ),
        (
            Method::POST,
            "/api/v1/payment-events".into(),
            Some(json!({"events": []})),
            Action::PaymentWrite,
        ),
        (
            Method::GET,
            "/api/v1/payment-objectives".into(),
            None,
            Action::ConfigManage,
        ),
        (
            Method::GET,
            "/api/v1/refunds?state=pending_approval".into(),
            None,
            Action::PaymentRead,
        ),
        (
            Method::GET,
            format!("/api/v1/tickets/{t}/refunds"),
            None,
            Action::PaymentRead,
        ),
        (
            Method::GET,
            "/api/v1/refund-policy".into(),
            None,
            Action::PaymentRead,
        ),
        (
            Method::GET,
            "/api/v1/escalations?status=live".into(),
            None,
            Action::EscalationWork,
        ),
        (
            Method::POST,
            "/api/v1/partner-teams".into(),
            Some(json!({
                "name": "Risk review", "kind": "risk",
                "targets": {"sev1_minutes": 60, "sev2_minutes": 120, "sev3_minutes": 480, "sev4_minutes": 960},
                "reasons": ["Suspected fraud"]
            })),
            Action::ConfigManage,
        ),
        // Last: once erased, the customer's data is gone for every later check.
        (
            Method::POST,
            format!("/api/v1/customers/{c}/erase"),
            None,
            Action::CustomerErase,
        ),
    ]
}

async fn sign_in(api: &Api, role: Role) -> (String, String) {
    common::sign_in(api, &format!("{}@desk.example", role.as_str()), PASSWORD).await
}

async fn every_role_meets_the_matrix_on_every_route(store: Store) {
    let w = world(&store).await;
    let api = Api::new(store);
    let mut checked = 0;
    for role in Role::ALL {
        let (cookie, csrf) = sign_in(&api, *role).await;
        for (method, path, body, action) in routes(&w) {
            let mut request = Request::builder()
                .method(method.clone())
                .uri(&path)
                .header("cookie", &cookie)
                .header("x-csrf-token", &csrf);
            if body.is_some() {
                request = request.header("content-type", "application/json");
            }
            let request = request
                .body(Body::from(body.map(|b| b.to_string()).unwrap_or_default()))
                .unwrap();
            let reply = api.send(request).await;
            let allowed = role_allows(*role, action);
            if allowed {
                assert!(
                    reply.status.is_success(),
                    "{role} {method} {path} ({action}) should pass: {} {}",
                    reply.status,
                    reply.text()
                );
            } else {
                assert_eq!(
                    reply.status,
                    403,
                    "{role} {method} {path} ({action}) should be refused: {}",
                    reply.text()
                );
                assert_eq!(reply.json()["code"], "forbidden");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, Role::ALL.len() * routes(&w).len());
    let _ = w.vendor;
}

on_both_engines!(
    every_role_meets_the_matrix_on_every_route,
    a_bpo_agent_cannot_reach_another_vendors_records
);
