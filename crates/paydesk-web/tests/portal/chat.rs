//! Chat sessions over the JSON API, as the platform's backend (an `intake` token) and a
//! signed-in agent use them.

use crate::common::Reply;
use crate::site::{Browser, Site};
use axum::http::{Method, StatusCode};
use paydesk_app::Caller;
use paydesk_domain::message::Visibility;
use paydesk_domain::policy::Scope;
use paydesk_store::Store;
use serde_json::{Value, json};

const PEER: &str = "192.0.2.80:40000";

async fn get(b: &mut Browser<'_>, uri: &str, token: &str) -> Reply {
    let request = axum::http::Request::get(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    b.site.send_from(PEER, request).await
}

async fn post(b: &mut Browser<'_>, uri: &str, body: &Value, token: &str) -> Reply {
    let auth = format!("Bearer {token}");
    b.json(Method::POST, uri, body, &[("authorization", &auth)])
        .await
}

async fn start(b: &mut Browser<'_>, token: &str, message: Option<&str>) -> Value {
    let mut body =
        json!({ "customer_email": "chat@example.com", "business_line": "buyer", "language": "es" });
    if let Some(m) = message {
        body["message"] = json!(m);
    }
    let reply = post(b, "/api/v1/chat/sessions", &body, token).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()
}

pub async fn chat_sessions_over_the_api(store: Store) {
    let site = Site::new(store.clone());
    let platform = site.token(&[Scope::Intake]).await;
    let mut b = Browser::new(&site, PEER);

    let session = start(&mut b, &platform, Some("Hola, my top-up failed")).await;
    let id = session["id"].as_i64().unwrap();
    assert_eq!(session["status"], "active");
    assert_eq!(session["idle_minutes"], 10);
    assert!(
        session["ticket_number"]
            .as_str()
            .unwrap()
            .starts_with("PD-")
    );
    assert_eq!(site.count("tickets").await, 1);
    assert_eq!(site.count("chat_sessions").await, 1);
    let ticket = store
        .ticket(paydesk_domain::TicketId(
            session["ticket_id"].as_i64().unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(ticket.channel.as_str(), "chat");
    assert_eq!(ticket.language, "es");

    let messages = format!("/api/v1/chat/sessions/{id}/messages");
    let said = post(
        &mut b,
        &messages,
        &json!({ "body": "I paid with 4111 1111 1111 1111" }),
        &platform,
    )
    .await;
    assert_eq!(said.status, StatusCode::CREATED, "{}", said.text());
    assert_eq!(said.json()["from"], "customer");
    assert!(!said.text().contains("4111 1111 1111 1111"));

    // An agent answers from a signed-in session (cookie and CSRF token).
    let csrf = site.signed_in_agent(&mut b).await;
    let answer = b
        .json(
            Method::POST,
            &messages,
            &json!({ "body": "Let me check that for you.", "from": "staff" }),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    assert_eq!(answer.json()["from"], "agent");
    b.forget_cookies();

    site.clock.advance(60_000);
    let again = post(
        &mut b,
        &messages,
        &json!({ "body": "Thanks!", "from": "customer" }),
        &platform,
    )
    .await;
    assert_eq!(again.status, StatusCode::CREATED);

    let transcript = get(
        &mut b,
        &format!("/api/v1/chat/sessions/{id}/transcript"),
        &platform,
    )
    .await;
    assert_eq!(transcript.status, StatusCode::OK, "{}", transcript.text());
    let t = transcript.json();
    let lines = t["messages"].as_array().unwrap();
    let from: Vec<&str> = lines.iter().map(|l| l["from"].as_str().unwrap()).collect();
    assert_eq!(from, ["customer", "customer", "agent", "customer"]);
    assert_eq!(lines[0]["body"], "Hola, my top-up failed");
    assert_eq!(lines[3]["body"], "Thanks!");
    let times: Vec<&str> = lines.iter().map(|l| l["at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert_eq!(t["session"]["last_activity_at"], lines[3]["at"]);

    let one = get(&mut b, &format!("/api/v1/chat/sessions/{id}"), &platform).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.json()["status"], "active");

    // Refusals, each with a clear problem.
    let both =
        json!({ "customer_email": "a@example.com", "customer_id": 1, "business_line": "buyer" });
    let reply = post(&mut b, "/api/v1/chat/sessions", &both, &platform).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["field"], "customer_email");
    let reply = get(&mut b, "/api/v1/chat/sessions/999", &platform).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reports = site.token(&[Scope::ReportsRead]).await;
    let reply = get(&mut b, &format!("/api/v1/chat/sessions/{id}"), &reports).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = b
        .json(Method::POST, "/api/v1/chat/sessions", &json!({}), &[])
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    let doc = site
        .send_from(
            PEER,
            axum::http::Request::get("/api/v1/openapi.json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .json();
    for path in [
        "/api/v1/chat/sessions",
        "/api/v1/chat/sessions/{id}",
        "/api/v1/chat/sessions/{id}/messages",
        "/api/v1/chat/sessions/{id}/transcript",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
}

pub async fn idle_sessions_refuse_messages(store: Store) {
    let site = Site::new(store.clone());
    let platform = site.token(&[Scope::Intake]).await;
    let mut b = Browser::new(&site, PEER);
    let swept = start(&mut b, &platform, Some("anyone?")).await;
    let id = swept["id"].as_i64().unwrap();

    site.clock.advance(10 * 60_000 + 1);
    assert_eq!(
        site.app
            .end_idle_chat_sessions(&Caller::system())
            .await
            .unwrap(),
        1
    );
    let late = post(
        &mut b,
        &format!("/api/v1/chat/sessions/{id}/messages"),
        &json!({ "body": "hello?" }),
        &platform,
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text());
    assert_eq!(late.content_type(), "application/problem+json");
    let problem = late.json();
    assert_eq!(problem["code"], "chat_ended");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("start a new session")
    );

    let read = get(&mut b, &format!("/api/v1/chat/sessions/{id}"), &platform).await;
    let read = read.json();
    assert_eq!(read["status"], "ended");
    assert_eq!(read["end_reason"], "idle");
    assert!(read["ended_at"].is_string());
    let transcript = get(
        &mut b,
        &format!("/api/v1/chat/sessions/{id}/transcript"),
        &platform,
    )
    .await;
    let lines = transcript.json()["messages"].as_array().unwrap().len();
    assert_eq!(lines, 1, "the late message was not added");
    let ticket = paydesk_domain::TicketId(swept["ticket_id"].as_i64().unwrap());
    let view = site.app.ticket(&Caller::system(), ticket).await.unwrap();
    let notes: Vec<&str> = view
        .messages
        .iter()
        .filter(|m| m.visibility == Visibility::Internal)
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(notes, ["Chat ended after 10 minutes idle."]);

    // Without the sweep, a session idle too long reads as ended all the same.
    let lazy = start(&mut b, &platform, None).await;
    site.clock.advance(11 * 60_000);
    let uri = format!("/api/v1/chat/sessions/{}", lazy["id"]);
    let read = get(&mut b, &uri, &platform).await;
    assert_eq!(read.json()["status"], "ended");
    let fresh = start(&mut b, &platform, Some("new chat")).await;
    assert_eq!(fresh["status"], "active");
    assert_ne!(fresh["ticket_id"], lazy["ticket_id"]);
}
