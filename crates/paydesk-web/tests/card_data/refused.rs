//! Card numbers where they do not belong: in requests that are refused (4xx), in read
//! requests (searches, filters, unknown paths), in headers and in credentials. Whatever
//! the answer, neither it, nor the logs, nor the database may hold the number.

use crate::client::{Call, Client};
use crate::pan;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

/// How many times each kind of request is sent, each with fresh numbers.
const ROUNDS: usize = 8;

fn ticket(c: &mut Client) -> Value {
    json!({
        "subject": pan::plain_subject(&mut c.rng),
        "body": pan::plain_body(&mut c.rng),
        "business_line": "buyer",
    })
}

/// Percent-encodes a query value (card numbers may hold spaces).
fn query(value: &str) -> String {
    value.replace(' ', "%20")
}

/// Sends `call` carrying `cards` card numbers; it must be answered `status`.
async fn refused(c: &mut Client, cards: usize, call: Call, status: StatusCode) {
    c.tally.refused += cards;
    c.expect(call, status).await;
}

/// Sends a read request carrying `cards` card numbers; it must be answered `status`.
async fn read(c: &mut Client, cards: usize, call: Call, status: StatusCode) {
    c.tally.read_only += cards;
    c.expect(call, status).await;
}

/// Every kind of misplaced card number, [`ROUNDS`] times each. `number` names an existing
/// ticket and `customer` an existing customer.
pub async fn misplaced(c: &mut Client, number: &str, customer: i64) {
    for _ in 0..ROUNDS {
        json_bodies(c).await;
        structured_fields(c, number, customer).await;
        headers(c, number).await;
        reads(c).await;
    }
    oversized(c, number).await;
}

/// Bodies that fail to parse or to match the schema.
async fn json_bodies(c: &mut Client) {
    const BAD: StatusCode = StatusCode::BAD_REQUEST;
    let tickets = "/api/v1/tickets";
    // An unknown field whose value is a card number, and one whose name is.
    let mut body = ticket(c);
    body["card_number"] = json!(pan::card(&mut c.rng));
    refused(c, 1, Call::json(Method::POST, tickets, &body), BAD).await;
    let mut body = ticket(c);
    body[pan::card(&mut c.rng)] = json!("x");
    refused(c, 1, Call::json(Method::POST, tickets, &body), BAD).await;
    // A card number where an enumeration, an id or a text goes.
    for field in [
        "priority",
        "channel",
        "business_line",
        "queue_id",
        "language",
    ] {
        let mut body = ticket(c);
        body[field] = json!(pan::card(&mut c.rng));
        refused(c, 1, Call::json(Method::POST, tickets, &body), BAD).await;
    }
    // A bare number where text goes, in valid JSON.
    let digits = String::from_utf8(pan::digits(&mut c.rng)).unwrap();
    let raw = format!(r#"{{"subject": {digits}, "body": "x", "business_line": "buyer"}}"#);
    refused(
        c,
        1,
        Call::new(Method::POST, tickets).raw("application/json", raw.into_bytes()),
        BAD,
    )
    .await;
    // Malformed JSON around card numbers.
    let card = pan::card(&mut c.rng);
    for raw in [
        format!(r#"{{"subject": "Card {card}", "body": "#),
        format!(r#"{{"subject": {card}}}"#),
        format!(r#"{{"subject": "x", "body": "my card {card}" "business_line": "buyer"}}"#),
        card.clone(),
    ] {
        refused(
            c,
            1,
            Call::new(Method::POST, tickets).raw("application/json", raw.into_bytes()),
            BAD,
        )
        .await;
    }
    // The right body in the wrong media type.
    let text = pan::customer_text(&mut c.rng);
    let mut body = ticket(c);
    body["body"] = json!(text.text);
    refused(
        c,
        text.cards,
        Call::new(Method::POST, tickets).raw("text/plain", body.to_string().into_bytes()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    // A customer with a card number for an email or a locale.
    let customers = "/api/v1/customers";
    let text = pan::customer_text(&mut c.rng);
    let customer = json!({
        "business_line": "buyer",
        "name": pan::plain_name(&mut c.rng),
        "emails": [format!("{}@example.com", pan::card_without_spaces(&mut c.rng))],
    });
    refused(c, 1, Call::json(Method::POST, customers, &customer), BAD).await;
    let customer = json!({
        "business_line": "buyer",
        "name": pan::plain_name(&mut c.rng),
        "locale": pan::card_without_spaces(&mut c.rng),
    });
    refused(c, 1, Call::json(Method::POST, customers, &customer), BAD).await;
    // A name that is too long even once masked.
    let long = format!("{} {}", "N".repeat(200), text.text);
    refused(
        c,
        text.cards,
        Call::json(
            Method::POST,
            customers,
            &json!({ "business_line": "buyer", "name": long }),
        ),
        BAD,
    )
    .await;
}

/// Labels and media types cannot be masked in place, so a card number there is refused.
async fn structured_fields(c: &mut Client, number: &str, customer: i64) {
    const BAD: StatusCode = StatusCode::BAD_REQUEST;
    let tickets = "/api/v1/tickets";
    for field in ["tags", "category"] {
        let mut body = ticket(c);
        let card = pan::card_without_spaces(&mut c.rng);
        body[field] = if field == "tags" {
            json!(["refund", card])
        } else {
            json!(card)
        };
        refused(c, 1, Call::json(Method::POST, tickets, &body), BAD).await;
        let change = if field == "tags" {
            json!({ "tags": [pan::card_without_spaces(&mut c.rng)] })
        } else {
            json!({ "category": pan::card(&mut c.rng) })
        };
        let url = format!("{tickets}/{number}");
        refused(c, 1, Call::json(Method::PATCH, url, &change), BAD).await;
    }
    let mut body = ticket(c);
    body["attachments"] = json!([{
        "filename": "receipt.pdf",
        "content_type": pan::card(&mut c.rng),
        "size_bytes": 1000,
    }]);
    refused(c, 1, Call::json(Method::POST, tickets, &body), BAD).await;
    let message = json!({
        "body": "See the attachment.",
        "attachments": [{
            "filename": "receipt.pdf",
            "content_type": format!("image/{}", pan::card_without_spaces(&mut c.rng)),
            "size_bytes": 1000,
        }],
    });
    let url = format!("{tickets}/{number}/messages");
    refused(c, 1, Call::json(Method::POST, &url, &message), BAD).await;
    let text = pan::customer_text(&mut c.rng);
    let message = json!({ "body": text.text, "from": "customer", "visibility": "internal" });
    refused(c, text.cards, Call::json(Method::POST, &url, &message), BAD).await;
    // The same on customers.
    let url = format!("/api/v1/customers/{customer}");
    let change =
        json!({ "emails": [format!("{}@example.com", pan::card_without_spaces(&mut c.rng))] });
    refused(c, 1, Call::json(Method::PATCH, &url, &change), BAD).await;
}

/// Card numbers in headers: as a version, an idempotency key that is not visible ASCII,
/// a bearer token and a session cookie.
async fn headers(c: &mut Client, number: &str) {
    let url = format!("/api/v1/tickets/{number}");
    let digits = String::from_utf8(pan::digits(&mut c.rng)).unwrap();
    refused(
        c,
        1,
        Call::json(Method::PATCH, &url, &json!({ "priority": "high" }))
            .header("if-match", format!("\"{digits}\"")),
        StatusCode::CONFLICT,
    )
    .await;
    let digits = loop {
        let d = pan::digits(&mut c.rng);
        if d.len() <= 18 {
            break String::from_utf8(d).unwrap();
        }
    };
    let change = format!(r#"{{"priority": "low", "version": {digits}}}"#);
    refused(
        c,
        1,
        Call::new(Method::PATCH, &url).raw("application/json", change.into_bytes()),
        StatusCode::CONFLICT,
    )
    .await;
    let body = ticket(c);
    let key = pan::card(&mut c.rng);
    let spaced = if key.contains(' ') {
        key
    } else {
        format!("card {key}")
    };
    refused(
        c,
        1,
        Call::json(Method::POST, "/api/v1/tickets", &body).header("idempotency-key", spaced),
        StatusCode::BAD_REQUEST,
    )
    .await;
    let token = pan::card_without_spaces(&mut c.rng);
    refused(
        c,
        1,
        Call::get("/api/v1/tickets").header("authorization", format!("Bearer {token}")),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let cookie = pan::card_without_spaces(&mut c.rng);
    refused(
        c,
        1,
        Call::get("/api/v1/tickets").header("cookie", format!("paydesk_session={cookie}")),
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

/// Card numbers in searches, filters and paths (read, never stored), and as the email or
/// the password of a sign-in.
async fn reads(c: &mut Client) {
    const OK: StatusCode = StatusCode::OK;
    const BAD: StatusCode = StatusCode::BAD_REQUEST;
    const NOT_FOUND: StatusCode = StatusCode::NOT_FOUND;
    let card = pan::card(&mut c.rng);
    read(
        c,
        1,
        Call::get(format!("/api/v1/tickets?q={}", query(&card))),
        OK,
    )
    .await;
    let card = pan::card(&mut c.rng);
    let q = format!("refund {card}");
    read(
        c,
        1,
        Call::get(format!("/api/v1/tickets?q={}", query(&q))),
        OK,
    )
    .await;
    for param in [
        "status",
        "business_line",
        "created_from",
        "assignee_id",
        "card",
    ] {
        let card = pan::card_in_fours(&mut c.rng);
        let uri = format!("/api/v1/tickets?{param}={}", query(&card));
        read(c, 1, Call::get(uri), BAD).await;
    }
    let card = pan::card_without_spaces(&mut c.rng);
    read(c, 1, Call::get(format!("/api/v1/tickets?tag={card}")), OK).await;
    for param in ["name", "email"] {
        let card = pan::card(&mut c.rng);
        let uri = format!("/api/v1/customers?{param}={}", query(&card));
        read(c, 1, Call::get(uri), OK).await;
    }
    let card = pan::card_without_spaces(&mut c.rng);
    read(
        c,
        1,
        Call::get(format!("/api/v1/customers?business_line={card}")),
        BAD,
    )
    .await;
    for path in [
        "/api/v1/tickets/{}",
        "/api/v1/tickets/PD-{}/timeline",
        "/api/v1/customers/{}",
        "/api/v1/{}",
        "/{}",
    ] {
        let card = pan::card_without_spaces(&mut c.rng);
        read(c, 1, Call::get(path.replace("{}", &card)), NOT_FOUND).await;
    }
    let card = pan::card_without_spaces(&mut c.rng);
    let text = pan::customer_text(&mut c.rng);
    refused(
        c,
        1 + text.cards,
        Call::json(
            Method::POST,
            format!("/api/v1/tickets/{card}/messages"),
            &json!({ "body": text.text }),
        ),
        NOT_FOUND,
    )
    .await;
    // Signing in with a card number for an email or a password.
    let email = pan::card(&mut c.rng);
    let password = pan::card(&mut c.rng);
    refused(
        c,
        2,
        Call::json(
            Method::POST,
            "/api/v1/session",
            &json!({ "email": email, "password": password }),
        ),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let email = format!("{}@example.com", pan::card_without_spaces(&mut c.rng));
    refused(
        c,
        1,
        Call::json(
            Method::POST,
            "/api/v1/session",
            &json!({ "email": email, "password": "hunter2" }),
        ),
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

/// Bodies over the limits, with card numbers inside.
async fn oversized(c: &mut Client, number: &str) {
    let text = pan::customer_text(&mut c.rng);
    let long = format!(
        "{} {}",
        text.text,
        "a".repeat(paydesk_domain::message::BODY_MAX)
    );
    let url = format!("/api/v1/tickets/{number}/messages");
    refused(
        c,
        text.cards,
        Call::json(Method::POST, url, &json!({ "body": long })),
        StatusCode::BAD_REQUEST,
    )
    .await;
    let text = pan::customer_text(&mut c.rng);
    let huge = format!("{} {}", text.text, "a".repeat(paydesk_web::BODY_LIMIT));
    let mut body = ticket(c);
    body["body"] = json!(huge);
    refused(
        c,
        text.cards,
        Call::json(Method::POST, "/api/v1/tickets", &body),
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
}
