//! The router in-process over a fresh store, with a manual clock the test can move, and
//! replies read whole so assertions can look at status, headers and body together.
//!
//! Requests act as an integration with every API scope: a layer outside the router puts
//! that caller on each request, as the authentication layer would for its token. How
//! callers are authenticated is tested on its own (`tests/auth`), and so is the policy.

#![allow(
    dead_code,
    reason = "each test binary uses its own part of these helpers"
)]

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use paydesk_app::{App, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_store::Store;
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt as _;

/// The instant every test starts at.
pub const T0: i64 = 1_790_000_000_000;

/// The Stripe endpoint secret of the test apps.
pub const STRIPE_WEBHOOK_SECRET: &str = "whsec_paydesk_tests";
/// The shared secret of the generic webhook endpoint of the test apps.
pub const WEBHOOK_SECRET: &str = "paydesk_webhook_tests";

/// The intake settings of the test apps: the defaults, with webhook secrets.
pub fn intake() -> paydesk_app::settings::IntakeSettings {
    paydesk_app::settings::IntakeSettings {
        stripe_webhook_secret: Some(STRIPE_WEBHOOK_SECRET.into()),
        webhook_secret: Some(WEBHOOK_SECRET.into()),
        ..paydesk_app::settings::IntakeSettings::default()
    }
}

/// The whole HTTP surface over one store.
pub struct Api {
    router: axum::Router,
    pub clock: Arc<ManualClock>,
}

/// A response read to its end.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

impl Api {
    pub fn new(store: Store) -> Self {
        Self::with(store, |app| app)
    }

    /// The HTTP surface over services set up by `configure` (a refund connector, say).
    pub fn with(store: Store, configure: impl FnOnce(App) -> App) -> Self {
        let clock = Arc::new(ManualClock::at(Timestamp(T0)));
        let app = configure(App::new(store, clock.clone()).with_intake(intake()));
        let router = paydesk_web::router(app).layer(axum::middleware::from_fn(act_as_integration));
        Self { router, clock }
    }

    /// Sends one request; a panic escaping the router fails the test.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        send_to(&self.router, request).await
    }
}

/// Sends one request to `router` and reads the whole reply.
pub async fn send_to(router: &axum::Router, request: Request<Body>) -> Reply {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| match e {});
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

impl Reply {
    /// The body as JSON; fails the test when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header(header::CONTENT_TYPE.as_str()).unwrap_or("")
    }

    /// The body as text, for failure messages (cut short).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body)
            .chars()
            .take(600)
            .collect()
    }
}

/// Puts an all-scopes integration caller on the request (unless it carries credentials of
/// its own, which the authentication layer then checks).
async fn act_as_integration(
    mut request: Request<Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let has_credentials = request.headers().contains_key(header::AUTHORIZATION)
        || request.headers().contains_key(header::COOKIE);
    if !has_credentials {
        let principal = paydesk_domain::policy::Principal::Token {
            id: 0,
            name: "tests".into(),
            scopes: paydesk_domain::policy::Scope::ALL.to_vec(),
        };
        request
            .extensions_mut()
            .insert(paydesk_app::Caller::new(principal, None));
    }
    next.run(request).await
}

/// One request, built up before it is sent (each suite sends it its own way).
pub struct Call {
    method: axum::http::Method,
    uri: String,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
}

impl Call {
    pub fn new(method: axum::http::Method, uri: impl Into<String>) -> Self {
        Self {
            method,
            uri: uri.into(),
            body: None,
            headers: vec![],
        }
    }

    pub fn get(uri: impl Into<String>) -> Self {
        Self::new(axum::http::Method::GET, uri)
    }

    pub fn delete(uri: impl Into<String>) -> Self {
        Self::new(axum::http::Method::DELETE, uri)
    }

    pub fn post(uri: impl Into<String>, body: Value) -> Self {
        Self::new(axum::http::Method::POST, uri).json(body)
    }

    pub fn patch(uri: impl Into<String>, body: Value) -> Self {
        Self::new(axum::http::Method::PATCH, uri).json(body)
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", format!("Bearer {token}"))
    }

    /// The HTTP request: JSON bodies get their content type.
    pub fn into_request(self) -> Request<Body> {
        let mut builder = Request::builder().method(self.method).uri(self.uri);
        if self.body.is_some() {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
        }
        for (name, value) in self.headers {
            builder = builder.header(name, value);
        }
        let body = self
            .body
            .map_or_else(Body::empty, |b| Body::from(b.to_string()));
        builder.body(body).unwrap()
    }
}

/// Signs in with `email` and `password`; returns the session cookie (`name=value`) and the
/// CSRF token to send on changes.
pub async fn sign_in(api: &Api, email: &str, password: &str) -> (String, String) {
    let body = serde_json::json!({"email": email, "password": password});
    let request = Request::post("/api/v1/session")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let reply = api.send(request).await;
    assert_eq!(reply.status, 200, "{email} signs in: {}", reply.text());
    let cookie = reply
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    (
        cookie,
        reply.json()["csrf_token"].as_str().unwrap().to_string(),
    )
}

/// The password of the people tests sign in as.
pub const PASSWORD: &str = "a long enough passphrase";

/// A signed-in person: their id and session.
pub struct Person {
    pub id: paydesk_domain::UserId,
    pub cookie: String,
    pub csrf: String,
}

impl Person {
    /// Sends `call` with this person's session and CSRF token.
    pub async fn send(&self, api: &Api, call: Call) -> Reply {
        let call = call
            .header("cookie", self.cookie.clone())
            .header("x-csrf-token", self.csrf.clone());
        api.send(call.into_request()).await
    }
}

/// Adds a user `name` with `role` (of `vendor`, for a BPO agent) and signs them in.
pub async fn person(
    api: &Api,
    app: &App,
    name: &str,
    role: paydesk_domain::role::Role,
    vendor: Option<paydesk_domain::VendorId>,
) -> Person {
    let email = format!("{name}@desk.example");
    let id = app
        .add_user(
            &paydesk_app::Caller::system(),
            &email,
            name,
            role,
            vendor,
            Some(PASSWORD),
        )
        .await
        .unwrap()
        .id;
    let (cookie, csrf) = sign_in(api, &email, PASSWORD).await;
    Person { id, cookie, csrf }
}

/// Asserts `reply` is a problem document with `status`, the stable `code`, a detail that
/// says something and, when given, the `field` at fault.
pub fn problem(reply: &Reply, status: StatusCode, code: &str, field: Option<&str>) {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.content_type(), "application/problem+json");
    let body = reply.json();
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    if let Some(field) = field {
        assert_eq!(body["field"], field, "{body}");
    }
}
