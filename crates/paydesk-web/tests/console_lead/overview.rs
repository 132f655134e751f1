//! `/desk/overview`: a lead sees the charts and the right counts; an agent may not look.

use crate::common::{Api, Call, person};
use crate::html::numbers;
use axum::http::StatusCode;
use paydesk_app::routing::QueuePatch;
use paydesk_app::tickets::NewTicketInput;
use paydesk_app::{App, Caller};
use paydesk_domain::QueueId;
use paydesk_domain::Timestamp;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel};
use paydesk_store::{NewQueue, Store};
use paydesk_testkit::on_both_engines;
use serde_json::json;

const HOSTILE: &str = "<script>alert(1)</script> desk";
/// How the page shows [`HOSTILE`].
const ESCAPED: &str = "&#60;script&#62;alert(1)&#60;/script&#62; desk";

async fn queue(app: &App, key: &str, name: &str) -> QueueId {
    let new = NewQueue {
        key: key.into(),
        name: name.into(),
        business_line: None,
        vendor_id: None,
    };
    app.create_queue(&Caller::system(), new, QueuePatch::default())
        .await
        .unwrap()
        .queue
        .id
}

async fn ticket(app: &App, queue: QueueId, line: BusinessLine) {
    let mut input = NewTicketInput::new("Charged twice", "I paid twice", line, Channel::Email);
    input.queue_id = Some(queue);
    app.create_ticket(&Caller::system(), input, None)
        .await
        .unwrap();
}

async fn lead_sees_charts_and_counts(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let admin = person(&api, &app, "sam", Role::Admin, None).await;
    let lead = person(&api, &app, "lea", Role::Lead, None).await;
    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    let policy = json!({ "name": "Standard", "position": 1, "definition": { "targets": [
        { "metric": "first_reply", "priority": "normal", "minutes": 10 } ] } });
    let reply = admin
        .send(&api, Call::post("/api/v1/sla-policies", policy))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let payments = queue(&app, "payments", "Payments").await;
    let hostile = queue(&app, "hostile", HOSTILE).await;
    ticket(&app, payments, BusinessLine::Buyer).await;
    api.clock.advance(20 * Timestamp::MINUTE);
    app.fire_due_timers(100).await.unwrap();
    ticket(&app, payments, BusinessLine::Buyer).await;
    ticket(&app, hostile, BusinessLine::Merchant).await;

    let reply = lead.send(&api, Call::get("/desk/overview")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let page = String::from_utf8(reply.body.to_vec()).unwrap();
    for id in ["chart-backlog", "chart-sla", "chart-volume", "chart-lines"] {
        assert!(
            page.contains(&format!(
                "<svg id=\"{id}\" class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\""
            )),
            "{id} is drawn"
        );
    }
    assert!(page.contains("<summary>Numbers</summary>"));
    assert!(!page.contains("<script>alert"), "queue names are escaped");
    assert!(page.contains(ESCAPED));
    assert!(!page.contains("style="), "no inline styles");
    // Created 24 h, 7 days, unsolved, by age (5), at risk, breached, unassigned.
    assert_eq!(
        numbers(&page, "overview-queues", "Payments"),
        [2, 2, 2, 2, 0, 0, 0, 0, 0, 1, 2]
    );
    assert_eq!(
        numbers(&page, "overview-queues", ESCAPED),
        [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1]
    );
    assert_eq!(
        numbers(&page, "overview-vendors", "In-house"),
        [3, 3, 3, 3, 0, 0, 0, 0, 0, 1, 3]
    );
    assert_eq!(
        numbers(&page, "overview-lines", "Merchant"),
        [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1]
    );

    let merchant = lead
        .send(&api, Call::get("/desk/overview?line=merchant&vendor="))
        .await;
    let page = String::from_utf8(merchant.body.to_vec()).unwrap();
    assert!(
        !page.contains("<th scope=\"row\">Payments</th>"),
        "filtered"
    );
    assert_eq!(
        numbers(&page, "overview-lines", "Merchant"),
        [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1]
    );
    let odd = lead
        .send(&api, Call::get("/desk/overview?line=%3Cx%3E&vendor=abc"))
        .await;
    assert_eq!(
        odd.status,
        StatusCode::OK,
        "unknown filters show everything"
    );

    let refused = agent.send(&api, Call::get("/desk/overview")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

on_both_engines!(lead_sees_charts_and_counts);
