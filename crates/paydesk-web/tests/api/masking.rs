//! Card data is masked wherever a client could read it back.

use crate::client::{create, expect, get, numbers, of_kind, patch, post, ticket, timeline};
use crate::common::Api;
use axum::http::StatusCode;
use paydesk_store::Store;
use serde_json::{Value, json};

pub async fn card_data_is_masked(store: Store) {
    let api = Api::new(store);
    let card = json!({
        "subject": "Card 4111 1111 1111 1111 charged twice",
        "body": "My card is 4111 1111 1111 1111, CVV 123, please refund.",
        "business_line": "buyer",
    });
    let created = create(&api, &card).await;
    let number = created["number"].as_str().unwrap().to_string();
    let url = format!("/api/v1/tickets/{number}");
    let message =
        json!({ "body": "Also tried 4111111111111111 with CVV: 123", "from": "customer" });
    let reply = post(&api, &format!("{url}/messages"), &message).await;
    expect(&reply, StatusCode::CREATED);
    let change = json!({ "subject": "Now about 4111-1111-1111-1111" });
    let changed = patch(&api, &url, &change).await;
    expect(&changed, StatusCode::OK);

    let detail = get(&api, &url).await;
    let listed = get(&api, "/api/v1/tickets?q=refund").await;
    let events = get(&api, &format!("{url}/timeline")).await;
    for r in [&reply, &changed, &detail, &listed, &events] {
        assert!(r.status.is_success(), "{}: {}", r.status, r.text());
        let text = String::from_utf8_lossy(&r.body);
        for secret in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "CVV 123",
            "CVV: 123",
        ] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
    }
    assert!(
        created["subject"]
            .as_str()
            .unwrap()
            .contains("[card ****1111]"),
        "{created}"
    );
    let detail = detail.json();
    assert_eq!(
        detail["messages"][0]["body"],
        "My card is [card ****1111], CVV [cvv ***], please refund."
    );
    assert_eq!(
        detail["messages"][1]["body"],
        "Also tried [card ****1111] with CVV: [cvv ***]"
    );
    assert_eq!(detail["subject"], "Now about [card ****1111]");
    assert_eq!(numbers(&listed.json()), [number.as_str()]);

    let events = events.json()["items"].as_array().unwrap().clone();
    let redacted: Vec<(Value, Value, Value)> = of_kind(&events, "redacted")
        .into_iter()
        .map(|e| {
            (
                e["data"]["field"].clone(),
                e["data"]["card_numbers"].clone(),
                e["data"]["security_codes"].clone(),
            )
        })
        .collect();
    assert_eq!(
        redacted,
        [
            (json!("subject"), json!(1), json!(0)),
            (json!("body"), json!(1), json!(1)),
            (json!("body"), json!(1), json!(1)),
            (json!("subject"), json!(1), json!(0)),
        ]
    );
    // Nothing to mask, no event.
    let plain = create(&api, &ticket("Plain")).await;
    let plain_events = timeline(&api, plain["number"].as_str().unwrap()).await;
    assert!(of_kind(&plain_events, "redacted").is_empty());
}
