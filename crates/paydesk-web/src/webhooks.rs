//! Payment-gateway webhooks over HTTP, outside `/api/v1` and without sign-in: the
//! signature header is the authentication.
//!
//! - `POST /webhooks/stripe`: Stripe's events, `Stripe-Signature` header.
//! - `POST /webhooks/paydesk`: paydesk's own format for other gateways,
//!   `Paydesk-Signature` header (the same scheme).
//!
//! An accepted delivery (processed, ignored or a redelivery) is answered 200 with
//! `{"received": true, "outcome": ..., "duplicate": ...}`; a refused one with a problem
//! document: 400 for a missing, wrong or expired signature and for a body that cannot be
//! used, 404 `webhook_not_configured` while the endpoint has no secret, 413 for a body
//! over [`WEBHOOK_BODY_LIMIT`]. The use case is `App::receive_webhook`.

use crate::error::ApiError;
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use paydesk_app::App;
use paydesk_app::webhooks::signature::SignatureError;
use paydesk_app::webhooks::{Delivery, Endpoint, WebhookError};
use paydesk_domain::ticket::ticket_number;
use serde_json::json;
use std::net::SocketAddr;

/// The largest webhook body accepted, in bytes (Stripe's events are a few kilobytes).
pub const WEBHOOK_BODY_LIMIT: usize = 512 * 1024;

/// The webhook routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/webhooks/stripe",
            post(|State(app): State<App>, request: Request| {
                receive(app, Endpoint::Stripe, request)
            })
            .fallback(method_not_allowed),
        )
        .route(
            "/webhooks/paydesk",
            post(|State(app): State<App>, request: Request| {
                receive(app, Endpoint::Paydesk, request)
            })
            .fallback(method_not_allowed),
        )
        .layer(DefaultBodyLimit::max(WEBHOOK_BODY_LIMIT))
}

async fn method_not_allowed() -> ApiError {
    ApiError::new("method_not_allowed", "webhooks are delivered with POST")
}

/// The problem document for a refused delivery.
fn problem(e: WebhookError) -> ApiError {
    let field = match &e {
        WebhookError::App(_) => return into_api(e),
        WebhookError::Signature(SignatureError::Missing(header)) => Some((*header).to_string()),
        WebhookError::Signature(_) => Some("signature".to_string()),
        WebhookError::NotConfigured(_) | WebhookError::Malformed(_) | WebhookError::Invalid(_) => {
            None
        }
    };
    let status = match &e {
        WebhookError::NotConfigured(_) => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError {
        status,
        code: e.code(),
        detail: e.to_string(),
        field,
    }
}

/// A failure of the use case's own (storage): the API's usual mapping.
fn into_api(e: WebhookError) -> ApiError {
    match e {
        WebhookError::App(cause) => cause.into(),
        other => ApiError::new("internal", other.to_string()),
    }
}

async fn receive(app: App, endpoint: Endpoint, request: Request) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    // A header that is not visible ASCII cannot hold a signature: read as an empty one.
    let signature = request
        .headers()
        .get(endpoint.signature_header())
        .map(|v| v.to_str().unwrap_or_default().to_string());
    let body = match Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return ApiError::new(
                "body_too_large",
                format!("the body is larger than {WEBHOOK_BODY_LIMIT} bytes"),
            )
            .into_response();
        }
        Err(e) => {
            return ApiError::new("invalid_json", format!("the body could not be read: {e}"))
                .into_response();
        }
    };
    let delivery = Delivery {
        body: &body,
        signature: signature.as_deref(),
        ip: ip.as_deref(),
    };
    match app.receive_webhook(endpoint, delivery).await {
        Ok(receipt) => {
            let mut answer = json!({
                "received": true,
                "outcome": receipt.outcome,
                "duplicate": receipt.duplicate,
            });
            if let Some(ticket) = receipt.ticket {
                answer["ticket"] = json!(ticket_number(ticket));
            }
            (StatusCode::OK, axum::Json(answer)).into_response()
        }
        Err(e) => {
            tracing::info!(
                endpoint = endpoint.name(),
                code = e.code(),
                "webhook delivery refused"
            );
            problem(e).into_response()
        }
    }
}
