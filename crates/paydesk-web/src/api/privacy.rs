//! `/customers/{id}/export` and `/customers/{id}/erase`: a customer's data rights.

use super::customers::customer_id;
use super::dto::{CustomerOut, MessageOut, TicketDetail, TicketOut};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::Path;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use paydesk_app::App;
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/customers/{id}/export", get(export))
        .route("/customers/{id}/erase", post(erase))
}

/// Everything held about a customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerExportOut {
    pub customer: CustomerOut,
    pub tickets: Vec<TicketDetail>,
}

/// What an erasure removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasedOut {
    pub tickets: u64,
    pub messages: u64,
}

/// Export all data held about a customer (a subject access request). Recorded in the audit trail.
#[utoipa::path(get, path = "/api/v1/customers/{id}/export", tag = "customers", params(("id" = i64, Path)),
    responses((status = 200, body = CustomerExportOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn export(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<CustomerExportOut>, ApiError> {
    let data = app.export_customer(&caller, customer_id(&id)?).await?;
    let tickets = data
        .tickets
        .iter()
        .map(|v| TicketDetail {
            ticket: TicketOut::from(&v.ticket),
            messages: v.messages.iter().map(MessageOut::from).collect(),
        })
        .collect();
    Ok(axum::Json(CustomerExportOut {
        customer: CustomerOut::from(&data.customer),
        tickets,
    }))
}

/// Erase a customer's identity and the texts of their tickets (right to erasure); tickets,
/// their statuses and times stay. Irreversible; recorded in the audit trail.
#[utoipa::path(post, path = "/api/v1/customers/{id}/erase", tag = "customers", params(("id" = i64, Path)),
    responses((status = 200, body = ErasedOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn erase(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<ErasedOut>, ApiError> {
    let erased = app.erase_customer(&caller, customer_id(&id)?).await?;
    Ok(axum::Json(ErasedOut {
        tickets: erased.tickets,
        messages: erased.messages,
    }))
}
