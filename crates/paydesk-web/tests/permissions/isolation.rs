//! Vendor isolation over HTTP: a BPO agent of vendor A (signed in, with a session) tries
//! every list, search, get, export and update route on vendor B's ticket and customer.
//! Nothing of B comes back: B's records answer 404 like records that do not exist, and
//! lists and searches never contain them.

use super::{PASSWORD, common::Api};
use axum::body::Body;
use axum::http::{Method, Request};
use paydesk_app::tickets::NewTicketInput;
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::customer::{NewCustomer, Tier};
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel, ticket_number};
use paydesk_store::{NewQueue, Store};
use serde_json::{Value, json};
use std::sync::Arc;

const SECRET: &str = "Borealis";

async fn two_vendors(store: &Store) -> (String, i64, String) {
    let app = App::new(
        store.clone(),
        Arc::new(ManualClock::at(Timestamp(super::common::T0))),
    );
    let sys = Caller::system();
    let mut tickets = Vec::new();
    let mut customers = Vec::new();
    for (name, person) in [
        ("Northwind", "Ana Alpha"),
        ("Southridge", &format!("Bo {SECRET}") as &str),
    ] {
        let vendor = store.insert_vendor(name, Timestamp(1)).await.unwrap().id;
        let queue = NewQueue {
            key: name.to_lowercase(),
            name: name.into(),
            business_line: None,
            vendor_id: Some(vendor),
        };
        let queue = store.insert_queue(&queue, Timestamp(1)).await.unwrap().id;
        let customer = NewCustomer {
            business_line: BusinessLine::Merchant,
            name: person.into(),
            emails: vec![format!("{}@example.com", name.to_lowercase())],
            phone: None,
            country: None,
            locale: None,
            tier: Tier::Standard,
            external_ids: Default::default(),
        };
        let customer = app.create_customer(&sys, customer).await.unwrap().id;
        let input = NewTicketInput {
            queue_id: Some(queue),
            customer_id: Some(customer),
            ..NewTicketInput::new(
                &format!("{person} payout"),
                &format!("{person} writes"),
                BusinessLine::Merchant,
                Channel::Email,
            )
        };
        tickets.push(
            app.create_ticket(&sys, input, None)
                .await
                .unwrap()
                .ticket
                .id,
        );
        customers.push(customer);
        if name == "Northwind" {
            app.add_user(
                &sys,
                "ana.l1@northwind.example",
                "Ana",
                Role::BpoAgent,
                Some(vendor),
                Some(PASSWORD),
            )
            .await
            .unwrap();
        }
    }
    (
        ticket_number(tickets[1]),
        customers[1].0,
        ticket_number(tickets[0]),
    )
}

pub async fn a_bpo_agent_cannot_reach_another_vendors_records(store: Store) {
    let (their_ticket, their_customer, our_ticket) = two_vendors(&store).await;
    let api = Api::new(store);
    let (cookie, csrf) = super::common::sign_in(&api, "ana.l1@northwind.example", PASSWORD).await;
    let call = |method: Method, uri: String, body: Option<Value>| {
        let mut r = Request::builder()
            .method(method)
            .uri(uri)
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf);
        if body.is_some() {
            r = r.header("content-type", "application/json");
        }
        r.body(Body::from(body.map(|b| b.to_string()).unwrap_or_default()))
            .unwrap()
    };
    let t = &their_ticket;
    let c = their_customer;
    let hidden = [
        (Method::GET, format!("/api/v1/tickets/{t}"), None),
        (Method::GET, format!("/api/v1/tickets/{t}/timeline"), None),
        (
            Method::PATCH,
            format!("/api/v1/tickets/{t}"),
            Some(json!({"priority": "urgent"})),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{t}/messages"),
            Some(json!({"body": "hello"})),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{t}/messages"),
            Some(json!({"body": "note", "visibility": "internal"})),
        ),
        (Method::GET, format!("/api/v1/customers/{c}"), None),
    ];
    for (method, uri, body) in hidden {
        let reply = api.send(call(method.clone(), uri.clone(), body)).await;
        assert_eq!(reply.status, 404, "{method} {uri}: {}", reply.text());
        assert!(!reply.text().contains(SECRET));
    }
    for (method, uri) in [
        (Method::GET, format!("/api/v1/customers/{c}/export")),
        (Method::PATCH, format!("/api/v1/customers/{c}")),
        (Method::GET, "/api/v1/customers?name=Bo".to_string()),
    ] {
        let body = (method == Method::PATCH).then(|| json!({"tier": "vip"}));
        let reply = api.send(call(method.clone(), uri.clone(), body)).await;
        assert!(
            reply.status == 403 || reply.status == 404,
            "{method} {uri}: {}",
            reply.status
        );
        assert!(!reply.text().contains(SECRET));
    }
    let lists = [
        "/api/v1/tickets".to_string(),
        format!("/api/v1/tickets?q={SECRET}"),
        format!("/api/v1/tickets?customer_id={c}"),
        "/api/v1/tickets?business_line=merchant&limit=200".to_string(),
        "/api/v1/customers".to_string(),
    ];
    for uri in lists {
        let reply = api.send(call(Method::GET, uri.clone(), None)).await;
        assert_eq!(reply.status, 200, "{uri}");
        assert!(
            !reply.text().contains(SECRET) && !reply.text().contains(t.as_str()),
            "{uri} leaks: {}",
            reply.text()
        );
    }
    let ours = api
        .send(call(
            Method::GET,
            format!("/api/v1/tickets/{our_ticket}"),
            None,
        ))
        .await;
    assert_eq!(ours.status, 200, "its own vendor's ticket is reachable");
}
