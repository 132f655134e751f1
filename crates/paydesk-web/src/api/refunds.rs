//! `/tickets/{number}/refunds`, `/refunds` and `/refund-policy`: asking for a refund from
//! a ticket, the finance approval queue, approving and rejecting, and the refund policy.

use super::refund_dto::{
    CreateRefund, DecideRefund, RefundOut, RefundPage, RefundPolicyIn, RefundPolicyOut,
    RefundProblem,
};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use paydesk_app::App;
use paydesk_app::refunds::{Decision, RefundInput};
use paydesk_domain::TicketId;
use paydesk_domain::payment::TransactionId;
use paydesk_domain::payment::refund::{RefundId, RefundState};
use paydesk_domain::ticket::parse_ticket_number;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/tickets/{number}/refunds",
            get(ticket_refunds).post(create),
        )
        .route("/refunds", get(list))
        .route("/refunds/{id}", get(get_one))
        .route("/refunds/{id}/approve", post(approve))
        .route("/refunds/{id}/reject", post(reject))
        .route("/refund-policy", get(policy).put(change_policy))
}

fn ticket_id(number: &str) -> Result<TicketId, ApiError> {
    parse_ticket_number(number).ok_or_else(|| ApiError::new("not_found", "ticket not found"))
}

/// The client's key: the `Idempotency-Key` header, or `idempotency_key` in the body (the
/// two must agree when both are sent).
fn idempotency_key(headers: &HeaderMap, body: Option<String>) -> Result<String, ApiError> {
    let header = match headers.get("idempotency-key") {
        Some(v) => Some(v.to_str().map(str::to_string).map_err(|_| {
            ApiError::new("invalid_header", "Idempotency-Key must be visible ASCII")
                .with_field("Idempotency-Key")
        })?),
        None => None,
    };
    match (header, body) {
        (Some(h), Some(b)) if h.trim() != b.trim() => Err(ApiError::new(
            "invalid_field",
            "the Idempotency-Key header and idempotency_key differ; send one of them",
        )
        .with_field("idempotency_key")),
        (Some(key), _) | (None, Some(key)) => Ok(key),
        (None, None) => Ok(String::new()),
    }
}

/// Ask for a refund of (part of) a charge linked to the ticket or its customer's. The
/// policy decides: refused (422, every reason under `refusals`), waiting for a finance
/// approver (`pending_approval`), or approved and executed at once. A repeated
/// `Idempotency-Key` returns the first refund (200) and makes nothing.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/refunds", tag = "refunds", request_body = CreateRefund,
    params(("number" = String, Path, description = "PD-123 or 123"),
        ("Idempotency-Key" = String, Header, description = "Required (or idempotency_key in the body): the same key returns the same refund")),
    responses((status = 201, body = RefundOut), (status = 200, description = "Replayed by Idempotency-Key", body = RefundOut),
        (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, description = "refund_refused (with refusals) or idempotency_key_reused", body = Problem)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<CreateRefund>,
) -> Result<Response, RefundProblem> {
    let ticket = ticket_id(&number)?;
    let input = RefundInput {
        transaction_id: TransactionId(body.transaction_id),
        amount: body.amount,
        currency: body.currency,
        reason: body.reason,
        external_ref: body.external_ref,
        idempotency_key: idempotency_key(&headers, body.idempotency_key)?,
    };
    let requested = app.request_refund(&caller, ticket, input).await?;
    let status = if requested.is_new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut response = (status, axum::Json(RefundOut::from(&requested.refund))).into_response();
    if let Ok(location) =
        HeaderValue::from_str(&format!("/api/v1/refunds/{}", requested.refund.id.0))
    {
        response.headers_mut().insert("location", location);
    }
    if !requested.is_new {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// A ticket's refunds, oldest first.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/refunds", tag = "refunds",
    params(("number" = String, Path, description = "PD-123 or 123")),
    responses((status = 200, body = RefundPage), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn ticket_refunds(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
) -> Result<axum::Json<RefundPage>, RefundProblem> {
    let refunds = app.ticket_refunds(&caller, ticket_id(&number)?).await?;
    Ok(axum::Json(RefundPage {
        items: refunds.iter().map(RefundOut::from).collect(),
        next_cursor: None,
    }))
}

/// Filters for listing refunds.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Comma-separated states, e.g. `pending_approval` (the approval queue).
    state: Option<String>,
    /// 1-200, default 50.
    limit: Option<usize>,
    /// From `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Refunds, oldest request first: with `state=pending_approval`, the finance approval queue.
#[utoipa::path(get, path = "/api/v1/refunds", tag = "refunds", params(ListParams),
    responses((status = 200, body = RefundPage), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<RefundPage>, RefundProblem> {
    let states = params
        .state
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<RefundState>()
                .map_err(|e| ApiError::new("invalid_query", e.to_string()).with_field("state"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let page = super::tickets::page(params.limit, params.cursor);
    let found = app.list_refunds(&caller, states, &page).await?;
    Ok(axum::Json(RefundPage {
        items: found.items.iter().map(RefundOut::from).collect(),
        next_cursor: found.next_cursor,
    }))
}

/// One refund.
#[utoipa::path(get, path = "/api/v1/refunds/{id}", tag = "refunds", params(("id" = i64, Path)),
    responses((status = 200, body = RefundOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<RefundOut>, RefundProblem> {
    let refund = app.refund(&caller, RefundId(id)).await?;
    Ok(axum::Json(RefundOut::from(&refund)))
}

async fn decide(
    app: &App,
    caller: &paydesk_app::Caller,
    id: i64,
    approve: bool,
    body: DecideRefund,
) -> Result<axum::Json<RefundOut>, RefundProblem> {
    let refund = app
        .decide_refund(
            caller,
            RefundId(id),
            Decision {
                approve,
                note: body.note,
                external_ref: body.external_ref,
            },
        )
        .await?;
    Ok(axum::Json(RefundOut::from(&refund)))
}

/// Approve a refund waiting for approval, and execute it. Finance users and admins only,
/// never the requester (403 `self_approval`); a decided refund answers 409
/// `refund_not_pending`; a refund the policy now refuses stays waiting (422).
#[utoipa::path(post, path = "/api/v1/refunds/{id}/approve", tag = "refunds", request_body = DecideRefund,
    params(("id" = i64, Path)),
    responses((status = 200, body = RefundOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn approve(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<DecideRefund>,
) -> Result<axum::Json<RefundOut>, RefundProblem> {
    decide(&app, &caller, id, true, body).await
}

/// Reject a refund waiting for approval, saying why in `note`. Same rules as approving.
#[utoipa::path(post, path = "/api/v1/refunds/{id}/reject", tag = "refunds", request_body = DecideRefund,
    params(("id" = i64, Path)),
    responses((status = 200, body = RefundOut), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn reject(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<DecideRefund>,
) -> Result<axum::Json<RefundOut>, RefundProblem> {
    decide(&app, &caller, id, false, body).await
}

/// The refund policy in force: refund window, approval threshold, caps per business line.
#[utoipa::path(get, path = "/api/v1/refund-policy", tag = "refunds",
    responses((status = 200, body = RefundPolicyOut), (status = 403, body = Problem)))]
pub async fn policy(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<RefundPolicyOut>, RefundProblem> {
    Ok(axum::Json(app.refund_policy(&caller).await?.into()))
}

/// Set a new version of the refund policy (admins); recorded in the event log. Refunds
/// asked for (and approved) from then on follow it.
#[utoipa::path(put, path = "/api/v1/refund-policy", tag = "refunds", request_body = RefundPolicyIn,
    responses((status = 200, body = RefundPolicyOut), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem)))]
pub async fn change_policy(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<RefundPolicyIn>,
) -> Result<axum::Json<RefundPolicyOut>, RefundProblem> {
    let saved = app.save_refund_policy(&caller, body.into_input()).await?;
    Ok(axum::Json(saved.into()))
}
