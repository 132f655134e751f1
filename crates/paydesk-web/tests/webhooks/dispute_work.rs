//! A chargeback worked from its webhook to its outcome: Stripe's `charge.dispute.created`
//! (with the network's reason code) makes a dispute whose reason is explained, whose due
//! date runs as the ticket's clock (at risk, then breached, leading the queue), whose
//! checklist fills as evidence is added; its evidence packet builds; it is answered and
//! decided once.

use crate::common::{Api, Call, T0};
use crate::lifecycle::{get, of_kind, ticket};
use crate::{accepted, int, object, stripe, stripe_event};
use axum::http::StatusCode;
use base64::Engine as _;
use paydesk_domain::Timestamp;
use paydesk_store::Store;
use serde_json::{Value, json};
use std::io::Read;

const DAY: i64 = 24 * 60 * 60 * 1_000;

/// Stripe's dispute fixture (Visa 10.4), needing a response, due ten days after T0.
fn created_event() -> Vec<u8> {
    let mut d = object("dispute");
    d["status"] = json!("needs_response");
    d["created"] = json!(T0 / 1_000);
    d["evidence_details"]["due_by"] = json!((T0 + 10 * DAY) / 1_000);
    d["payment_method_details"]["card"]["case_type"] = json!("chargeback");
    stripe_event("evt_work_created", "charge.dispute.created", &d)
}

async fn send(api: &Api, call: Call) -> crate::common::Reply {
    api.send(call.into_request()).await
}

fn zip_entries(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            let _ = f.read_to_string(&mut text);
            (f.name().unwrap().to_string(), text)
        })
        .collect()
}

pub async fn a_chargeback_is_explained_clocked_evidenced_packed_and_decided(store: Store) {
    let api = Api::new(store.clone());
    let reply = accepted(&stripe(&api, created_event()).await, "processed", false);
    let number = reply["ticket"].as_str().unwrap().to_string();

    // Listed and explained.
    let list = get(&api, "/api/v1/disputes?needs_response=true").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    let id = list["items"][0]["id"].as_i64().unwrap();
    assert_eq!(list["items"][0]["ticket"], number.as_str());
    let detail = get(&api, &format!("/api/v1/disputes/{id}")).await;
    assert_eq!(detail["network"], "visa");
    assert_eq!(detail["network_reason_code"], "10.4");
    let reason = &detail["reason_explained"];
    assert_eq!(reason["source"], "network_code");
    assert_eq!(reason["category"], "fraud");
    let explanation = reason["explanation"].as_str().unwrap();
    assert!(explanation.starts_with("Visa 10.4"), "{explanation}");
    let checklist: Vec<&str> = detail["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["evidence"].as_str().unwrap())
        .collect();
    assert!(
        checklist.contains(&"authentication_record"),
        "{checklist:?}"
    );
    assert!(
        detail["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["covered"] == false)
    );

    // The due date is the ticket's clock, and the ticket's place in the queue.
    let due = T0 + 10 * DAY - (T0 + 10 * DAY) % 1_000;
    let clock = &detail["clock"];
    assert_eq!(clock["metric"], "dispute_response");
    assert_eq!(clock["state"], "running");
    assert_eq!(
        clock["due_at"],
        paydesk_web::time::format(Timestamp(due)).as_str()
    );
    let ticket_id = int(&store, "SELECT ticket_id AS v FROM disputes")
        .await
        .unwrap();
    let urgency = format!("SELECT sla_due_at AS v FROM tickets WHERE id = {ticket_id}");
    assert_eq!(int(&store, &urgency).await, Some(due));
    let clocks = get(&api, &format!("/api/v1/tickets/{number}/sla")).await;
    assert!(
        clocks["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["metric"] == "dispute_response"),
        "{clocks}"
    );

    // At risk at three quarters of the time, breached at the due date.
    let fired = store
        .fire_due_timers(Timestamp(T0 + 8 * DAY), 100)
        .await
        .unwrap();
    assert_eq!(fired.len(), 1, "{fired:?}");
    let flags =
        format!("SELECT sla_at_risk * 10 + sla_breached AS v FROM tickets WHERE id = {ticket_id}");
    assert_eq!(int(&store, &flags).await, Some(10));
    store
        .fire_due_timers(Timestamp(due + 1), 100)
        .await
        .unwrap();
    assert_eq!(int(&store, &flags).await, Some(1));

    // Evidence: a text (card data masked), a file; a bad kind and an empty one refused.
    let text_evidence = json!({
        "kind": "authentication_record",
        "title": "3-D Secure passed",
        "text": "Frictionless 3DS, ECI 05. Card 4242 4242 4242 4242 on file.",
    });
    let added = send(
        &api,
        Call::post(format!("/api/v1/disputes/{id}/evidence"), text_evidence),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let added = added.json();
    assert!(
        !added["text"]
            .as_str()
            .unwrap()
            .contains("4242 4242 4242 4242"),
        "{added}"
    );
    let pdf = b"%PDF-1.4 proof of delivery".to_vec();
    let file_evidence = json!({
        "kind": "delivery_proof",
        "title": "Carrier scan",
        "file": {
            "filename": "pod scan.pdf",
            "content_type": "application/pdf",
            "content_base64": base64::engine::general_purpose::STANDARD.encode(&pdf),
        },
    });
    let reply = send(
        &api,
        Call::post(format!("/api/v1/disputes/{id}/evidence"), file_evidence),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    for (body, field) in [
        (
            json!({"kind": "horoscope", "title": "x", "text": "y"}),
            "kind",
        ),
        (
            json!({"kind": "delivery_proof", "title": "nothing"}),
            "text",
        ),
        (
            json!({"kind": "delivery_proof", "title": "", "text": "y"}),
            "title",
        ),
    ] {
        let reply = send(
            &api,
            Call::post(format!("/api/v1/disputes/{id}/evidence"), body),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        assert_eq!(reply.json()["field"], field);
    }
    let detail = get(&api, &format!("/api/v1/disputes/{id}")).await;
    assert_eq!(detail["evidence"].as_array().unwrap().len(), 2);
    let covered = |kind: &str| {
        detail["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["evidence"] == kind)
            .map(|l| l["covered"].clone())
    };
    assert_eq!(covered("authentication_record"), Some(Value::Bool(true)));
    assert_eq!(covered("delivery_proof"), Some(Value::Bool(true)));
    assert_eq!(covered("prior_payments"), Some(Value::Bool(false)));

    // The packet: a ZIP with its index first, the conversation, the files.
    let packet = send(&api, Call::get(format!("/api/v1/disputes/{id}/packet"))).await;
    assert_eq!(packet.status, StatusCode::OK, "{}", packet.text());
    assert_eq!(packet.content_type(), "application/zip");
    assert!(
        packet
            .header("content-disposition")
            .unwrap()
            .contains("evidence.zip")
    );
    let entries = zip_entries(&packet.body);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "index.txt",
            "conversation.txt",
            "evidence/02-delivery_proof-pod_scan.pdf"
        ]
    );
    let index = &entries[0].1;
    for line in [
        "Visa 10.4",
        "[x] 3-D Secure",
        "[x] Carrier tracking",
        "[ ] Earlier undisputed payments",
        "#1 3-D Secure passed",
        "file: evidence/02-delivery_proof-pod_scan.pdf",
        number.as_str(),
    ] {
        assert!(index.contains(line), "{line} in {index}");
    }
    assert!(!index.contains("4242 4242 4242 4242"), "{index}");
    assert_eq!(entries[2].1.as_bytes(), pdf.as_slice());

    // Answered once: the clock is met; a second answer is refused.
    let submitted = send(
        &api,
        Call::post(format!("/api/v1/disputes/{id}/submit"), json!({})),
    )
    .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text());
    let submitted = submitted.json();
    assert_eq!(submitted["status"], "under_review");
    assert_eq!(submitted["clock"]["state"], "achieved");
    assert!(submitted["submitted_at"].is_string());
    let again = send(
        &api,
        Call::post(format!("/api/v1/disputes/{id}/submit"), json!({})),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text());
    assert_eq!(again.json()["code"], "dispute_status");

    // Decided: amounts beyond the disputed one refused, then won in full, once.
    let too_much = json!({"outcome": "won", "amount_won": 999_999});
    let reply = send(
        &api,
        Call::post(format!("/api/v1/disputes/{id}/outcome"), too_much),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
    let won = json!({"outcome": "won", "note": "Issuer accepted the 3DS evidence"});
    let reply = send(
        &api,
        Call::post(format!("/api/v1/disputes/{id}/outcome"), won.clone()),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let decided = reply.json();
    assert_eq!(decided["status"], "won");
    assert_eq!(decided["amount_won"], decided["amount"]);
    assert_eq!(decided["amount_lost"], 0);
    let reply = send(
        &api,
        Call::post(format!("/api/v1/disputes/{id}/outcome"), won),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());

    // Every step is on the ticket's timeline.
    let (_, timeline) = ticket(&api, &number).await;
    assert_eq!(of_kind(&timeline, "dispute_evidence").len(), 2);
    let worked: Vec<&Value> = of_kind(&timeline, "dispute_worked");
    let actions: Vec<&str> = worked
        .iter()
        .map(|e| e["data"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["submitted", "decided"], "{worked:?}");
    assert_eq!(of_kind(&timeline, "sla_breached").len(), 1);

    // Unknown disputes and evidence are 404, never 5xx.
    for uri in [
        "/api/v1/disputes/999999",
        "/api/v1/disputes/abc",
        "/api/v1/disputes/0/packet",
    ] {
        let reply = send(&api, Call::get(uri)).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{uri}: {}",
            reply.text()
        );
    }
    let reply = send(
        &api,
        Call::delete(format!("/api/v1/disputes/{id}/evidence/999999")),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text());
}

paydesk_testkit::on_both_engines!(a_chargeback_is_explained_clocked_evidenced_packed_and_decided);
