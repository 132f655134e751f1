//! A dispute followed through its life: opened (a ticket in the disputes queue), funds
//! withdrawn, updated, closed; and a dispute whose ticket was closed meanwhile.

use crate::common::{Api, Call};
use crate::{accepted, counts, int, object, ruby_event, stripe, stripe_event, text};
use axum::http::StatusCode;
use paydesk_store::Store;
use serde_json::Value;

/// GET `uri` through the API; must be 200.
pub async fn get(api: &Api, uri: &str) -> Value {
    let reply = api.send(Call::get(uri).into_request()).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    reply.json()
}

/// The ticket's detail (with messages) and its timeline's event kinds.
pub async fn ticket(api: &Api, number: &str) -> (Value, Vec<Value>) {
    let detail = get(api, &format!("/api/v1/tickets/{number}")).await;
    let timeline = get(api, &format!("/api/v1/tickets/{number}/timeline?limit=200")).await;
    (detail, timeline["items"].as_array().unwrap().clone())
}

/// The events of `kind` in a timeline.
pub fn of_kind<'a>(timeline: &'a [Value], kind: &str) -> Vec<&'a Value> {
    timeline.iter().filter(|e| e["kind"] == kind).collect()
}

/// The ruby-mock created event with another type (Stripe sends the dispute object with
/// every `charge.dispute.*` event).
fn ruby_as(event_type: &str, id: &str) -> Vec<u8> {
    let raw = String::from_utf8(ruby_event("charge.dispute.created", id)).unwrap();
    raw.replacen(
        "\"charge.dispute.created\"",
        &format!("\"{event_type}\""),
        1,
    )
    .into_bytes()
}

pub async fn a_dispute_from_creation_to_close(store: Store) {
    let api = Api::new(store.clone());
    assert_eq!(
        int(&store, "SELECT COUNT(*) AS v FROM queues").await,
        Some(0)
    );

    // Opened: a ticket in the disputes queue, made for it.
    let created = ruby_event("charge.dispute.created", "evt_life_created");
    let reply = accepted(&stripe(&api, created.clone()).await, "processed", false);
    let number = reply["ticket"].as_str().unwrap().to_string();
    let queue = int(&store, "SELECT id AS v FROM queues WHERE key = 'disputes'").await;
    assert!(queue.is_some(), "the disputes queue was not made");
    let (detail, timeline) = ticket(&api, &number).await;
    assert_eq!(detail["queue_id"].as_i64(), queue);
    assert_eq!(detail["priority"], "high");
    assert_eq!(detail["channel"], "gateway");
    assert_eq!(detail["category"], "unrecognised_or_fraud");
    assert_eq!(detail["business_line"], "buyer");
    assert_eq!(detail["status"], "new");
    assert_eq!(detail["customer_id"], Value::Null);
    let subject = detail["subject"].as_str().unwrap();
    assert!(subject.starts_with("Dispute dp_"), "{subject}");
    assert!(subject.contains("USD 10.00"), "{subject}");
    assert!(
        subject.contains("evidence due 2018-02-23 23:59 UTC"),
        "{subject}"
    );
    let first = &detail["messages"][0];
    assert_eq!(first["visibility"], "internal");
    assert_eq!(first["author"]["kind"], "system");
    let body = first["body"].as_str().unwrap();
    for line in [
        "A dispute was opened",
        "Reason: general",
        "Status: needs response",
    ] {
        assert!(body.contains(line), "{line} in {body}");
    }
    let recorded = of_kind(&timeline, "dispute_recorded");
    assert_eq!(recorded.len(), 1, "{timeline:?}");
    assert_eq!(recorded[0]["data"]["created"], true);
    assert_eq!(recorded[0]["actor"]["kind"], "api");
    assert_eq!(recorded[0]["actor"]["client"], "webhook:stripe");
    let dispute = "SELECT status || '|' || stage || '|' || CAST(amount AS TEXT) || '|' || currency || '|' || \
                   reason || '|' || CAST(due_at AS TEXT) AS v FROM disputes";
    assert_eq!(
        text(&store, dispute).await.as_deref(),
        Some("needs_response|chargeback|1000|USD|general|1519430399000")
    );
    assert_eq!(
        int(&store, "SELECT ticket_id AS v FROM disputes").await,
        detail["id"].as_i64()
    );
    assert_eq!(
        text(&store, "SELECT kind AS v FROM ticket_payment_links")
            .await
            .as_deref(),
        Some("dispute")
    );
    // The gateway's ids are redacted like any text: the fixture's run of zeros passes Luhn.
    let reference = text(&store, "SELECT gateway_ref AS v FROM disputes")
        .await
        .unwrap();
    assert_eq!(reference, "dp_[card ****0000]");

    // Funds withdrawn, then the evidence is in (under review), then closed: won.
    let steps = [
        (
            ruby_as("charge.dispute.funds_withdrawn", "evt_life_withdrawn"),
            "USD 10.00 was withdrawn from the balance",
            "needs_response",
        ),
        (
            ruby_event("charge.dispute.updated", "evt_life_updated"),
            "- status: \"needs_response\" → \"under_review\"",
            "under_review",
        ),
        (
            ruby_event("charge.dispute.closed", "evt_life_closed"),
            "is closed: won.",
            "won",
        ),
    ];
    let mut bodies = vec![created];
    for (i, (body, note, status)) in steps.into_iter().enumerate() {
        let reply = accepted(&stripe(&api, body.clone()).await, "processed", false);
        assert_eq!(
            reply["ticket"],
            number.as_str(),
            "the same ticket every time"
        );
        bodies.push(body);
        let (detail, _) = ticket(&api, &number).await;
        let messages = detail["messages"].as_array().unwrap();
        assert_eq!(messages.len(), i + 2);
        let last = &messages[i + 1];
        assert_eq!(last["visibility"], "internal");
        let text_of = last["body"].as_str().unwrap();
        assert!(text_of.contains(note), "{note} in {text_of}");
        assert_eq!(
            text(&store, "SELECT status AS v FROM disputes")
                .await
                .as_deref(),
            Some(status)
        );
    }
    assert_eq!(
        int(&store, "SELECT funds_withdrawn_at AS v FROM disputes").await,
        Some(1_326_853_478_000)
    );
    let (_, timeline) = ticket(&api, &number).await;
    let recorded = of_kind(&timeline, "dispute_recorded");
    // Created, funds withdrawn, status to under review, status to won.
    assert_eq!(recorded.len(), 4, "{recorded:?}");
    let fields = |e: &Value| -> Vec<String> {
        e["data"]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["field"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(fields(recorded[1]), ["funds_withdrawn_at"]);
    assert_eq!(fields(recorded[2]), ["status"]);
    assert_eq!(recorded[3]["data"]["changes"][0]["to"], "won");
    assert_eq!(of_kind(&timeline, "message_added").len(), 4);

    let landed = counts(&store).await;
    assert_eq!(landed.of("tickets"), 1);
    assert_eq!(landed.of("disputes"), 1);
    for body in bodies {
        accepted(&stripe(&api, body).await, "processed", true);
    }
    assert_eq!(counts(&store).await, landed);
}

pub async fn a_lost_dispute_and_a_closed_ticket(store: Store) {
    let api = Api::new(store.clone());
    let dispute = object("dispute");
    let reply = accepted(
        &stripe(
            &api,
            stripe_event("evt_inquiry", "charge.dispute.created", &dispute),
        )
        .await,
        "processed",
        false,
    );
    let number = reply["ticket"].as_str().unwrap().to_string();
    let (detail, _) = ticket(&api, &number).await;
    assert_eq!(
        detail["subject"],
        "Inquiry dp_1Pgc71B7WZ01zgkWMevJiAUx (USD 10.00): warning needs response, evidence due 2024-08-14 23:59 UTC"
    );
    let row = "SELECT stage || '|' || network || '|' || network_reason_code || '|' || transaction_ref AS v FROM disputes";
    assert_eq!(
        text(&store, row).await.as_deref(),
        Some("inquiry|visa|10.4|ch_1PgafuB7WZ01zgkWXYmPNZs8")
    );

    // The desk solves and closes the ticket; then the gateway says the dispute was lost.
    for status in ["solved", "closed"] {
        let change = serde_json::json!({ "status": status });
        let reply = api
            .send(Call::patch(format!("/api/v1/tickets/{number}"), change).into_request())
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let (closed_before, _) = ticket(&api, &number).await;
    let mut lost = dispute.clone();
    lost["status"] = "lost".into();
    let reply = accepted(
        &stripe(
            &api,
            stripe_event("evt_lost", "charge.dispute.closed", &lost),
        )
        .await,
        "processed",
        false,
    );
    let follow_up = reply["ticket"].as_str().unwrap().to_string();
    assert_ne!(
        follow_up, number,
        "a closed ticket never changes: a new one follows up"
    );
    let (closed_after, _) = ticket(&api, &number).await;
    assert_eq!(closed_after, closed_before);
    let (detail, timeline) = ticket(&api, &follow_up).await;
    assert_eq!(detail["status"], "new");
    let body = detail["messages"][0]["body"].as_str().unwrap();
    assert!(body.contains("is closed: lost."), "{body}");
    assert_eq!(of_kind(&timeline, "dispute_recorded").len(), 1);
    assert_eq!(
        int(&store, "SELECT ticket_id AS v FROM disputes").await,
        detail["id"].as_i64()
    );
    assert_eq!(
        int(&store, "SELECT COUNT(*) AS v FROM ticket_payment_links").await,
        Some(2)
    );
    assert_eq!(
        text(&store, "SELECT status AS v FROM disputes")
            .await
            .as_deref(),
        Some("lost")
    );
}

paydesk_testkit::on_both_engines!(
    a_dispute_from_creation_to_close,
    a_lost_dispute_and_a_closed_ticket,
);
