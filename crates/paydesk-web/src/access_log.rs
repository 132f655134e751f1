//! One log line per request: method, route template, status, duration, request id.
//!
//! Only the matched route template is logged (`/api/v1/tickets/{number}`), never the raw
//! path, query string or body: those can carry card numbers or personal data.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Logs the request and tags the response with `x-request-id`.
pub async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_string(), |p| p.as_str().to_string());
    let id = format!("r{:x}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let mut response = next.run(request).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::warn!(request_id = %id, %method, route, status, ms, "request");
    } else {
        tracing::debug!(request_id = %id, %method, route, status, ms, "request");
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}
