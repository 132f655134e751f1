//! `/transactions`, `/payouts`, `/tickets/{number}/payments` and
//! `/customers/{id}/activity`: payments loaded by the platform and read by the desk, the
//! money beside a ticket, links made by hand, and a customer's timeline.

use super::customers::customer_id;
use super::payment_dto::{
    ActivityPageOut, BatchOut, PaymentLinkIn, PaymentLinkOut, PayoutBatch, PayoutIn, PayoutOut,
    PayoutPage, TicketPaymentsOut, TransactionBatch, TransactionIn, TransactionOut,
    TransactionPage,
};
use super::tickets::{page, ticket_id};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use crate::time::parse;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use paydesk_app::App;
use paydesk_app::payments::{CustomerRef, ItemError, LoadOrigin, PayoutInput, TransactionInput};
use paydesk_domain::CustomerId;
use paydesk_domain::payment::{PaymentObjectKind, PayoutId, TransactionId};
use paydesk_domain::ticket::ticket_number;
use paydesk_store::TransactionFilter;
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/transactions",
            get(list_transactions).post(load_transactions),
        )
        .route("/transactions/{id}", get(get_transaction))
        .route("/payouts", get(list_payouts).post(load_payouts))
        .route("/payouts/{id}", get(get_payout))
        .route(
            "/tickets/{number}/payments",
            get(ticket_payments).post(link),
        )
        .route("/tickets/{number}/payments/{kind}/{id}", delete(unlink))
        .route("/customers/{id}/activity", get(activity))
}

fn object_id(raw: &str, entity: &'static str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::new("not_found", format!("{entity} not found")))
}

/// A batch whose items are read one by one, so that one unreadable item is that item's
/// error, not the batch's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBatch {
    items: Vec<serde_json::Value>,
}

/// Reads one item; a failure names the item's field (a missing or unknown one by the
/// name serde quotes).
fn item<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ItemError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let reason = e.into_inner().to_string();
        let quoted = reason
            .split('`')
            .nth(1)
            .filter(|_| reason.contains(" field `"));
        let field = match (path.as_str(), quoted) {
            ("" | ".", Some(name)) => name.to_string(),
            ("" | ".", None) => "item".to_string(),
            _ => path,
        };
        ItemError::new(&field, reason)
    })
}

fn time(field: &str, raw: Option<&str>) -> Result<Option<paydesk_domain::Timestamp>, ItemError> {
    raw.map(|t| parse(t).map_err(|e| ItemError::new(field, e)))
        .transpose()
}

fn customer(id: Option<i64>, platform_id: Option<String>, email: Option<String>) -> CustomerRef {
    CustomerRef {
        id: id.map(CustomerId),
        platform_id,
        email,
    }
}

fn transaction_input(value: serde_json::Value) -> Result<TransactionInput, ItemError> {
    let t: TransactionIn = item(value)?;
    Ok(TransactionInput {
        created_at: time("created_at", t.created_at.as_deref())?,
        gateway: t.gateway,
        gateway_ref: t.gateway_ref,
        kind: t.kind,
        status: t.status,
        amount: t.amount,
        currency: t.currency,
        amount_refunded: t.amount_refunded,
        customer: customer(t.customer_id, t.customer_platform_id, t.customer_email),
        order_id: t.order_id,
        failure_code: t.failure_code,
        failure_message: t.failure_message,
        method: t.payment_method,
        wallet: t.wallet,
        card_brand: t.card_brand,
        card_last4: t.card_last4,
    })
}

fn payout_input(value: serde_json::Value) -> Result<PayoutInput, ItemError> {
    let p: PayoutIn = item(value)?;
    Ok(PayoutInput {
        arrival_at: time("arrival_at", p.arrival_at.as_deref())?,
        created_at: time("created_at", p.created_at.as_deref())?,
        gateway: p.gateway,
        gateway_ref: p.gateway_ref,
        status: p.status,
        amount: p.amount,
        currency: p.currency,
        customer: customer(p.customer_id, p.customer_platform_id, p.customer_email),
        failure_code: p.failure_code,
        failure_message: p.failure_message,
        schedule: p.schedule,
        is_held: p.held,
    })
}

/// Create or update up to 1,000 transactions by `gateway` + `gateway_ref`. Each item
/// answers on its own: `created`, `updated`, `unchanged` or `rejected` with the field and
/// what to do; the others go in. Sending the same batch again changes nothing.
#[utoipa::path(post, path = "/api/v1/transactions", tag = "payments", request_body = TransactionBatch,
    responses((status = 200, body = BatchOut), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn load_transactions(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(batch): Json<RawBatch>,
) -> Result<axum::Json<BatchOut>, ApiError> {
    let items: Vec<_> = batch.items.into_iter().map(transaction_input).collect();
    let result = app
        .load_transactions(&caller, &items, &LoadOrigin::Api)
        .await?;
    Ok(axum::Json(BatchOut::new(result)))
}

/// Create or update up to 1,000 payouts by `gateway` + `gateway_ref`, answered per item
/// like transactions.
#[utoipa::path(post, path = "/api/v1/payouts", tag = "payments", request_body = PayoutBatch,
    responses((status = 200, body = BatchOut), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn load_payouts(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(batch): Json<RawBatch>,
) -> Result<axum::Json<BatchOut>, ApiError> {
    let items: Vec<_> = batch.items.into_iter().map(payout_input).collect();
    let result = app.load_payouts(&caller, &items, &LoadOrigin::Api).await?;
    Ok(axum::Json(BatchOut::new(result)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TransactionParams {
    customer_id: Option<i64>,
    /// The platform's order id, exactly.
    order_id: Option<String>,
    /// The gateway's id of the transaction, exactly.
    gateway_ref: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

/// Transactions, newest first, each failure with its explanation.
#[utoipa::path(get, path = "/api/v1/transactions", tag = "payments", params(TransactionParams),
    responses((status = 200, body = TransactionPage), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_transactions(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(p): Query<TransactionParams>,
) -> Result<axum::Json<TransactionPage>, ApiError> {
    let filter = TransactionFilter {
        customer_id: p.customer_id.map(CustomerId),
        order_id: p.order_id,
        gateway_ref: p.gateway_ref,
        vendor_id: None,
    };
    let found = app
        .list_transactions(&caller, &filter, &page(p.limit, p.cursor))
        .await?;
    Ok(axum::Json(TransactionPage {
        items: found.items.into_iter().map(Into::into).collect(),
        next_cursor: found.next_cursor,
    }))
}

/// One transaction, with the explanation of its failure code.
#[utoipa::path(get, path = "/api/v1/transactions/{id}", tag = "payments", params(("id" = i64, Path)),
    responses((status = 200, body = TransactionOut), (status = 404, body = Problem)))]
pub async fn get_transaction(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<TransactionOut>, ApiError> {
    let id = TransactionId(object_id(&id, "transaction")?);
    Ok(axum::Json(app.transaction(&caller, id).await?.into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PayoutParams {
    customer_id: Option<i64>,
    limit: Option<usize>,
    cursor: Option<String>,
}

/// Payouts, newest first.
#[utoipa::path(get, path = "/api/v1/payouts", tag = "payments", params(PayoutParams),
    responses((status = 200, body = PayoutPage), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_payouts(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(p): Query<PayoutParams>,
) -> Result<axum::Json<PayoutPage>, ApiError> {
    let found = app
        .list_payouts(
            &caller,
            p.customer_id.map(CustomerId),
            &page(p.limit, p.cursor),
        )
        .await?;
    Ok(axum::Json(PayoutPage {
        items: found.items.into_iter().map(Into::into).collect(),
        next_cursor: found.next_cursor,
    }))
}

/// One payout.
#[utoipa::path(get, path = "/api/v1/payouts/{id}", tag = "payments", params(("id" = i64, Path)),
    responses((status = 200, body = PayoutOut), (status = 404, body = Problem)))]
pub async fn get_payout(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<PayoutOut>, ApiError> {
    let id = PayoutId(object_id(&id, "payout")?);
    Ok(axum::Json(app.payout(&caller, id).await?.into()))
}

/// The money beside a ticket: what is linked to it (transactions with explanations,
/// payouts, disputes) and its customer's recent transactions and, for merchants and
/// creators, payouts.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/payments", tag = "tickets",
    params(("number" = String, Path, description = "PD-123 or 123")),
    responses((status = 200, body = TicketPaymentsOut), (status = 404, body = Problem)))]
pub async fn ticket_payments(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
) -> Result<axum::Json<TicketPaymentsOut>, ApiError> {
    let id = ticket_id(&number)?;
    Ok(axum::Json(app.ticket_payments(&caller, id).await?.into()))
}

/// Link the ticket to a transaction, payout or dispute (201; 200 when it was linked
/// already). Recorded on the timeline as `payment_linked` (reason `manual`).
#[utoipa::path(post, path = "/api/v1/tickets/{number}/payments", tag = "tickets", request_body = PaymentLinkIn,
    params(("number" = String, Path, description = "PD-123 or 123")),
    responses((status = 201, body = PaymentLinkOut), (status = 200, body = PaymentLinkOut), (status = 404, body = Problem)))]
pub async fn link(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
    Json(body): Json<PaymentLinkIn>,
) -> Result<(StatusCode, axum::Json<PaymentLinkOut>), ApiError> {
    let id = ticket_id(&number)?;
    let changed = app.link_payment(&caller, id, body.kind, body.id).await?;
    let status = if changed {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        axum::Json(PaymentLinkOut {
            ticket: ticket_number(id),
            kind: body.kind,
            id: body.id,
            changed,
        }),
    ))
}

/// Remove the ticket's link to a payment object (204; 404 when there is none).
#[utoipa::path(delete, path = "/api/v1/tickets/{number}/payments/{kind}/{id}", tag = "tickets",
    params(("number" = String, Path, description = "PD-123 or 123"),
           ("kind" = PaymentObjectKind, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn unlink(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((number, kind, id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let ticket = ticket_id(&number)?;
    let kind: PaymentObjectKind = kind.parse().map_err(|e: paydesk_domain::DomainError| {
        ApiError::new("not_found", e.to_string()).with_field("kind")
    })?;
    let id = object_id(&id, kind.as_str())?;
    if app.unlink_payment(&caller, ticket, kind, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            "not_found",
            "the ticket is not linked to that payment",
        ))
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ActivityParams {
    limit: Option<usize>,
    cursor: Option<String>,
}

/// A customer's tickets and money movements (transactions, payouts, disputes) in one
/// timeline, newest first. Money shows to callers with `payment_read`.
#[utoipa::path(get, path = "/api/v1/customers/{id}/activity", tag = "customers", params(("id" = i64, Path), ActivityParams),
    responses((status = 200, body = ActivityPageOut), (status = 404, body = Problem)))]
pub async fn activity(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    Query(p): Query<ActivityParams>,
) -> Result<axum::Json<ActivityPageOut>, ApiError> {
    let found = app
        .customer_activity(&caller, customer_id(&id)?, &page(p.limit, p.cursor))
        .await?;
    Ok(axum::Json(ActivityPageOut {
        items: found.items.into_iter().map(Into::into).collect(),
        next_cursor: found.next_cursor,
    }))
}
