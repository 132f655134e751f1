//! paydesk over HTTP: the JSON API under `/api/v1` with its OpenAPI document, and the
//! health checks. Handlers are thin: extract, call one service, map the result.

mod access_log;
pub mod api;
pub mod auth;
pub mod console;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod portal;
pub mod security_headers;
pub mod time;
pub mod webhooks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use paydesk_app::App;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The whole HTTP surface of paydesk.
pub fn router(app: App) -> Router {
    Router::new()
        .merge(api::health::routes())
        .merge(metrics::routes())
        .nest("/api/v1", api::routes())
        .merge(portal::routes())
        .merge(console::routes())
        .merge(webhooks::routes())
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn(security_headers::add))
        .layer(axum::middleware::from_fn(access_log::log))
        .with_state(app)
}
