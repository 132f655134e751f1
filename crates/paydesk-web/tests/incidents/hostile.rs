//! Hostile input on the incident and payment health routes: every field of a body each
//! route accepts, in turn, set to wrong JSON values and to odd text (NUL, huge, control
//! characters, injection). Whatever is sent, the answer is never a 5xx, every refusal is a
//! problem document with a code, and no card number comes back.

use crate::common::{Api, Call, Person, Reply};
use crate::values::{raw_values, weird_texts};
use axum::http::Method;
use serde_json::{Value, json};

/// A route, a body it accepts, who sends it, and the fields to spoil (JSON pointers).
pub struct Route<'a> {
    pub method: Method,
    pub uri: String,
    pub body: Value,
    pub sender: Option<&'a Person>,
    pub fields: &'a [&'a str],
}

/// Every field's replacements: the wrong JSON values, then odd texts as strings.
fn replacements() -> Vec<String> {
    let mut out: Vec<String> = raw_values().into_iter().map(str::to_string).collect();
    out.extend(
        weird_texts()
            .iter()
            .map(|t| Value::from(t.as_str()).to_string()),
    );
    out.push(json!("4111 1111 1111 1111").to_string());
    out
}

/// `body` with the value at `pointer` replaced by the raw JSON `raw`.
fn spoiled(body: &Value, pointer: &str, raw: &str) -> String {
    let mut body = body.clone();
    if let Some(slot) = body.pointer_mut(pointer) {
        *slot = json!("__spoiled__");
    }
    body.to_string().replace("\"__spoiled__\"", raw)
}

async fn send(api: &Api, route: &Route<'_>, body: String) -> Reply {
    let call = Call::new(route.method.clone(), route.uri.clone())
        .header("content-type", "application/json")
        .header("idempotency-key", format!("hostile-{}", body.len()));
    let mut request = call.into_request();
    *request.body_mut() = axum::body::Body::from(body);
    match route.sender {
        Some(person) => {
            let (mut parts, body) = request.into_parts();
            for (name, value) in [("cookie", &person.cookie), ("x-csrf-token", &person.csrf)] {
                parts.headers.insert(name, value.parse().unwrap());
            }
            api.send(axum::http::Request::from_parts(parts, body)).await
        }
        None => api.send(request).await,
    }
}

/// Sends every spoiled body of every route; returns how many requests went.
pub async fn never_a_5xx(api: &Api, routes: &[Route<'_>]) -> usize {
    let values = replacements();
    let mut sent = 0;
    for route in routes {
        for pointer in route.fields {
            for raw in &values {
                let body = spoiled(&route.body, pointer, raw);
                let reply = send(api, route, body).await;
                sent += 1;
                let context = format!(
                    "{} {} {pointer} = {}",
                    route.method,
                    route.uri,
                    raw.chars().take(60).collect::<String>()
                );
                assert!(
                    !reply.status.is_server_error(),
                    "{context}: {} {}",
                    reply.status,
                    reply.text()
                );
                assert!(
                    !reply.text().contains("4111 1111 1111 1111"),
                    "{context} echoes card data"
                );
                if reply.status.is_client_error() {
                    assert_eq!(
                        reply.content_type(),
                        "application/problem+json",
                        "{context}"
                    );
                    assert!(
                        reply.json()["code"].is_string(),
                        "{context}: {}",
                        reply.text()
                    );
                }
            }
        }
    }
    sent
}
