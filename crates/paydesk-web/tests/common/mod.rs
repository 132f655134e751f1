//! The router in-process over a fresh store, with a manual clock the test can move, and
//! replies read whole so assertions can look at status, headers and body together.

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
        let clock = Arc::new(ManualClock::at(Timestamp(T0)));
        let router = paydesk_web::router(App::new(store, clock.clone()));
        Self { router, clock }
    }

    /// Sends one request; a panic escaping the router fails the test.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
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
