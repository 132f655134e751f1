//! The JSON API under `/api/v1` and its OpenAPI document.

pub mod agents;
pub mod chat;
pub mod customers;
pub mod deliveries;
pub mod dispute_dto;
pub mod disputes;
pub mod dto;
pub mod escalation_dto;
pub mod escalations;
pub mod health;
pub mod incident_dto;
pub mod incidents;
pub mod macro_dto;
pub mod macros;
pub mod mail;
pub mod openapi;
pub mod payment_dto;
pub mod payment_health;
pub mod payments;
pub mod privacy;
pub mod queues;
pub mod refund_dto;
pub mod refunds;
pub mod routing_dto;
pub mod rule_dto;
pub mod rules;
pub mod session;
pub mod sla;
pub mod sop_dto;
pub mod sops;
pub mod tickets;
pub mod tokens;
pub mod work;

use crate::error::ApiError;
use axum::Router;
use axum::response::IntoResponse;
use paydesk_app::App;

/// The `/api/v1` routes.
pub fn routes() -> Router<App> {
    Router::new()
        .merge(tickets::routes())
        .merge(customers::routes())
        .merge(openapi::routes())
        .merge(session::routes())
        .merge(tokens::routes())
        .merge(privacy::routes())
        .merge(mail::routes())
        .merge(chat::routes())
        .merge(deliveries::routes())
        .merge(sla::routes())
        .merge(disputes::routes())
        .merge(queues::routes())
        .merge(work::routes())
        .merge(agents::routes())
        .merge(payments::routes())
        .merge(incidents::routes())
        .merge(sops::routes())
        .merge(escalations::routes())
        .merge(macros::routes())
        .merge(payment_health::routes())
        .merge(refunds::routes())
        .merge(rules::routes())
        .method_not_allowed_fallback(method_not_allowed)
}

/// 404 for routes that do not exist.
pub async fn not_found() -> impl IntoResponse {
    ApiError::new(
        "route_not_found",
        "no such route; the API is described at /api/v1/openapi.json",
    )
}

pub(crate) async fn method_not_allowed() -> impl IntoResponse {
    ApiError::new(
        "method_not_allowed",
        "this route does not take that method; see /api/v1/openapi.json",
    )
}
