//! Charges and payouts: the customer is found by platform id or email, failed and
//! refunded charges note the tickets about them, a dispute takes its charge's customer, and
//! failed payouts open urgent tickets for creators.

use crate::common::{Api, Call};
use crate::lifecycle::{get, ticket};
use crate::{accepted, counts, int, object, stripe, stripe_event, text};
use axum::http::StatusCode;
use paydesk_store::Store;
use serde_json::{Value, json};

const CHARGE: &str = "ch_1PgafuB7WZ01zgkWXYmPNZs8";

async fn create(api: &Api, uri: &str, body: Value) -> Value {
    let reply = api.send(Call::post(uri, body).into_request()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{uri}: {}", reply.text());
    reply.json()
}

async fn customer(api: &Api, line: &str, email: &str, ids: Value) -> i64 {
    let made = create(
        api,
        "/api/v1/customers",
        json!({ "business_line": line, "name": "Jenny Rosen", "emails": [email], "external_ids": ids }),
    )
    .await;
    made["id"].as_i64().unwrap()
}

async fn customer_ticket(api: &Api, customer: i64, body: &str) -> String {
    let made = create(
        api,
        "/api/v1/tickets",
        json!({ "subject": "About my payment", "body": body, "business_line": "buyer", "customer_id": customer }),
    )
    .await;
    made["number"].as_str().unwrap().to_string()
}

fn charge(changes: Value) -> Value {
    let mut c = object("charge");
    for (k, v) in changes.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

async fn messages(api: &Api, number: &str) -> Vec<Value> {
    let detail = get(api, &format!("/api/v1/tickets/{number}")).await;
    detail["messages"].as_array().unwrap().clone()
}

pub async fn charges_note_the_tickets_about_them(store: Store) {
    let api = Api::new(store.clone());
    let jenny = customer(
        &api,
        "buyer",
        "jenny@example.com",
        json!({ "stripe_customer_id": "cus_QXg1hqf4" }),
    )
    .await;
    let about = customer_ticket(
        &api,
        jenny,
        &format!("My payment {CHARGE} did not go through"),
    )
    .await;
    let other = customer_ticket(&api, jenny, "How do I change my email?").await;

    let failed = charge(json!({
        "customer": "cus_QXg1hqf4",
        "status": "failed",
        "paid": false,
        "failure_code": "card_declined",
        "failure_message": "Your card was declined. Card 4000 0000 0000 0002 is blocked.",
    }));
    let reply = accepted(
        &stripe(&api, stripe_event("evt_failed", "charge.failed", &failed)).await,
        "processed",
        false,
    );
    assert_eq!(reply["ticket"], about.as_str());
    let row = "SELECT status || '|' || CAST(customer_id AS TEXT) || '|' || failure_code || '|' || card_brand || '|' || card_last4 AS v FROM transactions";
    assert_eq!(
        text(&store, row).await.unwrap(),
        format!("failed|{jenny}|card_declined|visa|4242")
    );
    let message = text(&store, "SELECT failure_message AS v FROM transactions")
        .await
        .unwrap();
    assert_eq!(
        message,
        "Your card was declined. Card [card ****0002] is blocked."
    );
    let notes = messages(&api, &about).await;
    assert_eq!(notes.len(), 2);
    let note = notes[1]["body"].as_str().unwrap();
    assert!(
        note.starts_with(&format!("Payment {CHARGE} failed.")),
        "{note}"
    );
    assert!(note.contains("Failure code: card_declined"), "{note}");
    assert!(!note.contains("0000 0002"), "{note}");
    assert_eq!(
        messages(&api, &other).await.len(),
        1,
        "a ticket not about it is left alone"
    );

    // Refunded: the ticket is linked now, so it hears of it again.
    let refunded = charge(json!({
        "customer": "cus_QXg1hqf4",
        "refunded": true,
        "amount_refunded": 100,
    }));
    let reply = accepted(
        &stripe(
            &api,
            stripe_event("evt_refunded", "charge.refunded", &refunded),
        )
        .await,
        "processed",
        false,
    );
    assert_eq!(reply["ticket"], about.as_str());
    let notes = messages(&api, &about).await;
    assert_eq!(notes.len(), 3);
    let note = notes[2]["body"].as_str().unwrap();
    assert!(
        note.contains("was refunded: USD 1.00 of USD 1.00."),
        "{note}"
    );
    assert!(
        note.contains("- status: \"failed\" → \"refunded\""),
        "{note}"
    );
    assert_eq!(
        text(
            &store,
            "SELECT status || '|' || CAST(amount_refunded AS TEXT) AS v FROM transactions"
        )
        .await
        .as_deref(),
        Some("refunded|100")
    );
    let (_, timeline) = ticket(&api, &about).await;
    assert_eq!(
        crate::lifecycle::of_kind(&timeline, "transaction_recorded").len(),
        2
    );

    // A charge of someone paydesk does not know: recorded, no ticket.
    let before = counts(&store).await;
    let stranger = charge(json!({ "id": "ch_stranger", "status": "failed" }));
    let reply = accepted(
        &stripe(
            &api,
            stripe_event("evt_stranger", "charge.failed", &stranger),
        )
        .await,
        "processed",
        false,
    );
    assert_eq!(reply.get("ticket"), None);
    let after = counts(&store).await;
    assert_eq!(after.of("tickets"), before.of("tickets"));
    assert_eq!(after.of("messages"), before.of("messages"));
    assert_eq!(after.of("transactions"), before.of("transactions") + 1);
    assert_eq!(
        int(
            &store,
            "SELECT customer_id AS v FROM transactions WHERE gateway_ref = 'ch_stranger'"
        )
        .await,
        None
    );

    // Matched by email when Stripe has no customer id for the payer.
    let by_email = charge(json!({
        "id": "ch_by_email",
        "status": "failed",
        "billing_details": { "email": "JENNY@example.com" },
    }));
    accepted(
        &stripe(
            &api,
            stripe_event("evt_by_email", "charge.failed", &by_email),
        )
        .await,
        "processed",
        false,
    );
    assert_eq!(
        int(
            &store,
            "SELECT customer_id AS v FROM transactions WHERE gateway_ref = 'ch_by_email'"
        )
        .await,
        Some(jenny)
    );
    // The kept payloads hold the payment, not the person.
    let kept = text(
        &store,
        "SELECT payload AS v FROM webhook_events WHERE event_id = 'evt_by_email'",
    )
    .await
    .unwrap();
    assert!(kept.contains("ch_by_email"), "{kept}");
    assert!(
        !kept.contains("JENNY@example.com") && !kept.contains("Jenny Rosen"),
        "{kept}"
    );
}

pub async fn a_dispute_on_a_known_charge_takes_its_customer(store: Store) {
    let api = Api::new(store.clone());
    let shop = customer(
        &api,
        "merchant",
        "payments@shop.example",
        json!({ "stripe_customer_id": "cus_Shop1" }),
    )
    .await;
    let partly =
        charge(json!({ "customer": "cus_Shop1", "captured": true, "amount_refunded": 40 }));
    let reply = accepted(
        &stripe(&api, stripe_event("evt_partly", "charge.refunded", &partly)).await,
        "processed",
        false,
    );
    assert_eq!(
        reply.get("ticket"),
        None,
        "nobody wrote about it: no ticket"
    );
    assert_eq!(
        text(&store, "SELECT status AS v FROM transactions")
            .await
            .as_deref(),
        Some("captured")
    );
    let reply = accepted(
        &stripe(
            &api,
            stripe_event("evt_dispute", "charge.dispute.created", &object("dispute")),
        )
        .await,
        "processed",
        false,
    );
    let number = reply["ticket"].as_str().unwrap().to_string();
    let (detail, _) = ticket(&api, &number).await;
    assert_eq!(detail["customer_id"].as_i64(), Some(shop));
    assert_eq!(detail["business_line"], "merchant");
    let tied = "SELECT CAST(d.customer_id AS TEXT) || '|' || t.gateway_ref AS v FROM disputes d JOIN transactions t ON t.id = d.transaction_id";
    assert_eq!(
        text(&store, tied).await.unwrap(),
        format!("{shop}|{CHARGE}")
    );

    // The rest refunded later: the dispute's ticket hears of it.
    let full = charge(json!({ "customer": "cus_Shop1", "amount_refunded": 100, "refunded": true }));
    let reply = accepted(
        &stripe(&api, stripe_event("evt_full", "charge.refunded", &full)).await,
        "processed",
        false,
    );
    assert_eq!(reply["ticket"], number.as_str());
    assert_eq!(messages(&api, &number).await.len(), 2);
}

fn payout_event(id: &str, account: &str, payout: &Value) -> Vec<u8> {
    let mut event: Value =
        serde_json::from_slice(&stripe_event(id, "payout.failed", payout)).unwrap();
    event["account"] = account.into();
    serde_json::to_vec(&event).unwrap()
}

/// Maya, a creator paid through Stripe account `acct_1Creator`.
async fn creator(api: &Api) -> i64 {
    customer(
        api,
        "creator",
        "maya@creators.example",
        json!({ "stripe_account_id": "acct_1Creator" }),
    )
    .await
}

/// The sample payout, failed because the bank account was closed.
fn failed_payout() -> Value {
    let mut payout = object("payout");
    payout["status"] = "failed".into();
    payout["failure_code"] = "account_closed".into();
    payout
}

pub async fn failed_payouts_open_urgent_tickets_for_creators(store: Store) {
    let api = Api::new(store.clone());
    let creator = creator(&api).await;
    let merchant = customer(
        &api,
        "merchant",
        "payouts@shop.example",
        json!({ "stripe_account_id": "acct_1Merchant" }),
    )
    .await;
    let mut payout = failed_payout();
    payout["failure_message"] = "The bank account has been closed.".into();

    let body = payout_event("evt_payout_1", "acct_1Creator", &payout);
    let reply = accepted(&stripe(&api, body.clone()).await, "processed", false);
    let number = reply["ticket"].as_str().unwrap().to_string();
    let (detail, timeline) = ticket(&api, &number).await;
    assert_eq!(detail["priority"], "urgent");
    assert_eq!(detail["business_line"], "creator");
    assert_eq!(detail["customer_id"].as_i64(), Some(creator));
    assert_eq!(detail["category"], "transfer_or_payout");
    assert_eq!(
        detail["queue_id"].as_i64(),
        int(&store, "SELECT id AS v FROM queues WHERE key = 'payouts'").await
    );
    assert_eq!(
        detail["subject"],
        "Payout po_1Pgc79B7WZ01zgkWu1KToYf4 (USD 11.00) failed"
    );
    let body_text = detail["messages"][0]["body"].as_str().unwrap();
    assert!(body_text.contains("Failure message: The bank account has been closed."));
    assert_eq!(
        crate::lifecycle::of_kind(&timeline, "payout_recorded").len(),
        1
    );
    let row = "SELECT status || '|' || CAST(customer_id AS TEXT) || '|' || failure_code || '|' || CAST(arrival_at AS TEXT) AS v FROM payouts";
    assert_eq!(
        text(&store, row).await.unwrap(),
        format!("failed|{creator}|account_closed|1234567890000")
    );
    accepted(&stripe(&api, body).await, "processed", true);

    // The same payout reported again (a new event): a note, not a second ticket.
    payout["failure_message"] = "The bank account has been closed by its owner.".into();
    let reply = accepted(
        &stripe(&api, payout_event("evt_payout_2", "acct_1Creator", &payout)).await,
        "processed",
        false,
    );
    assert_eq!(reply["ticket"], number.as_str());
    assert_eq!(messages(&api, &number).await.len(), 2);

    // A merchant's failed payout is high, not urgent.
    payout["id"] = "po_merchant".into();
    let reply = accepted(
        &stripe(
            &api,
            payout_event("evt_payout_3", "acct_1Merchant", &payout),
        )
        .await,
        "processed",
        false,
    );
    let (detail, _) = ticket(&api, reply["ticket"].as_str().unwrap()).await;
    assert_eq!(detail["priority"], "high");
    assert_eq!(detail["business_line"], "merchant");
    assert_eq!(detail["customer_id"].as_i64(), Some(merchant));
    assert_eq!(counts(&store).await.of("tickets"), 2);
}

/// A creator who already wrote about a payout: when the gateway reports it failed, the
/// ticket naming it is linked to the payout and noted, and no second ticket opens.
pub async fn a_failed_payout_notes_the_ticket_naming_it(store: Store) {
    let api = Api::new(store.clone());
    let creator = creator(&api).await;
    let asked = create(
        &api,
        "/api/v1/tickets",
        json!({ "subject": "Where is my payout?", "business_line": "creator",
                "customer_id": creator,
                "body": "Payout po_1Pgc79B7WZ01zgkWu1KToYf4 has not reached my bank." }),
    )
    .await;
    let number = asked["number"].as_str().unwrap().to_string();
    let payout = failed_payout();
    let reply = accepted(
        &stripe(&api, payout_event("evt_payout_9", "acct_1Creator", &payout)).await,
        "processed",
        false,
    );
    assert_eq!(reply["ticket"], number.as_str(), "{reply}");
    assert_eq!(counts(&store).await.of("tickets"), 1);
    assert_eq!(
        messages(&api, &number).await.len(),
        2,
        "the ticket is noted"
    );
    let payments = get(&api, &format!("/api/v1/tickets/{number}/payments")).await;
    let linked = payments["linked"]["payouts"].as_array().unwrap();
    assert_eq!(linked.len(), 1, "{payments}");
    assert_eq!(linked[0]["gateway_ref"], "po_1Pgc79B7WZ01zgkWu1KToYf4");
}

paydesk_testkit::on_both_engines!(
    charges_note_the_tickets_about_them,
    a_dispute_on_a_known_charge_takes_its_customer,
    failed_payouts_open_urgent_tickets_for_creators,
    a_failed_payout_notes_the_ticket_naming_it,
);
