//! Requests as a client writes them, and assertions on what comes back.

pub use crate::common::Call;
use crate::common::{Api, Reply};
use axum::http::StatusCode;
use serde_json::{Value, json};

impl Call {
    pub async fn send(self, api: &Api) -> Reply {
        api.send(self.into_request()).await
    }

    /// Sends; the reply must have this status, and its JSON body is returned.
    pub async fn expect(self, api: &Api, status: StatusCode) -> Value {
        let reply = self.send(api).await;
        expect(&reply, status);
        reply.json()
    }

    /// Sends; the reply must be a problem document with this status and code, returned.
    pub async fn refused(self, api: &Api, status: StatusCode, code: &str) -> Value {
        let reply = self.send(api).await;
        expect_problem(&reply, status, code);
        reply.json()
    }
}

/// Sends each call; each must be refused with the same status and code.
pub async fn all_refused(
    api: &Api,
    calls: impl IntoIterator<Item = Call>,
    status: StatusCode,
    code: &str,
) {
    let unnamed = calls.into_iter().map(|call| (call, None));
    all_refused_naming(api, unnamed, status, code).await;
}

/// Sends each call; each must be refused with the same status and code, and the problem
/// must name the field given with the call, where one is.
pub async fn all_refused_naming<'a>(
    api: &Api,
    calls: impl IntoIterator<Item = (Call, Option<&'a str>)>,
    status: StatusCode,
    code: &str,
) {
    for (call, field) in calls {
        let problem = call.refused(api, status, code).await;
        if let Some(field) = field {
            assert_eq!(problem["field"], field, "{problem}");
        }
    }
}

pub async fn get(api: &Api, uri: &str) -> Reply {
    Call::get(uri).send(api).await
}

pub async fn post(api: &Api, uri: &str, body: &Value) -> Reply {
    Call::post(uri, body.clone()).send(api).await
}

pub async fn patch(api: &Api, uri: &str, body: &Value) -> Reply {
    Call::patch(uri, body.clone()).send(api).await
}

/// Asserts a status, showing the body when it differs.
pub fn expect(reply: &Reply, status: StatusCode) {
    assert_eq!(reply.status, status, "body: {}", reply.text());
}

/// Asserts a problem document with this status and code.
pub fn expect_problem(reply: &Reply, status: StatusCode, code: &str) {
    expect(reply, status);
    assert_eq!(reply.content_type(), "application/problem+json");
    let body = reply.json();
    assert_eq!(body["code"], code, "body: {body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "body: {body}"
    );
}

pub fn ticket(subject: &str) -> Value {
    json!({ "subject": subject, "body": "I was charged twice for one order.", "business_line": "buyer" })
}

/// Creates a customer; returns it.
pub async fn create_customer(api: &Api, body: &Value) -> Value {
    let reply = post(api, "/api/v1/customers", body).await;
    expect(&reply, StatusCode::CREATED);
    reply.json()
}

pub async fn create(api: &Api, body: &Value) -> Value {
    let reply = post(api, "/api/v1/tickets", body).await;
    expect(&reply, StatusCode::CREATED);
    reply.json()
}

pub async fn timeline(api: &Api, number: &str) -> Vec<Value> {
    let reply = get(api, &format!("/api/v1/tickets/{number}/timeline?limit=200")).await;
    expect(&reply, StatusCode::OK);
    let page = reply.json();
    assert!(page["next_cursor"].is_null());
    page["items"].as_array().unwrap().clone()
}

pub fn of_kind<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["kind"] == kind).collect()
}

/// `(field, from, to)` of each `field_changed` event, in order.
pub fn changes(events: &[Value]) -> Vec<(String, Value, Value)> {
    of_kind(events, "field_changed")
        .into_iter()
        .map(|e| {
            (
                e["data"]["field"].as_str().unwrap().to_string(),
                e["data"]["from"].clone(),
                e["data"]["to"].clone(),
            )
        })
        .collect()
}

pub fn numbers(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_str().unwrap().to_string())
        .collect()
}

pub async fn list(api: &Api, query: &str) -> Vec<String> {
    let reply = get(api, &format!("/api/v1/tickets?{query}")).await;
    expect(&reply, StatusCode::OK);
    numbers(&reply.json())
}
