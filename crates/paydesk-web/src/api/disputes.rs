//! `/disputes`: disputes and chargebacks by due date, each explained (reason code,
//! checklist, deadline clock), their evidence, the evidence packet (a ZIP with an index),
//! and the desk's answers and outcomes.

use super::dispute_dto::{
    DisputeDetail, DisputeOut, DisputePage, EvidenceIn, EvidenceOut, OutcomeIn,
};
use super::queues::path_id;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use base64::Engine as _;
use paydesk_app::App;
use paydesk_app::disputes::{EvidenceFile, EvidenceInput, OutcomeInput};
use paydesk_domain::payment::DisputeId;
use paydesk_store::{DisputeFilter, PageRequest};
use serde::Deserialize;

/// The largest evidence request: a file of [`paydesk_app::disputes::EVIDENCE_FILE_MAX`]
/// bytes grows by a third in base64, plus the text.
pub const EVIDENCE_BODY_LIMIT: usize =
    paydesk_app::disputes::EVIDENCE_FILE_MAX / 3 * 4 + 256 * 1024;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/disputes", get(list))
        .route("/disputes/{id}", get(get_one))
        .route(
            "/disputes/{id}/evidence",
            post(add_evidence).layer(DefaultBodyLimit::max(EVIDENCE_BODY_LIMIT)),
        )
        .route(
            "/disputes/{id}/evidence/{evidence_id}",
            delete(remove_evidence),
        )
        .route("/disputes/{id}/packet", get(packet))
        .route("/disputes/{id}/submit", post(submit))
        .route("/disputes/{id}/accept", post(accept))
        .route("/disputes/{id}/outcome", post(outcome))
}

fn dispute_id(raw: &str) -> Result<DisputeId, ApiError> {
    path_id(raw, "dispute").map(DisputeId)
}

/// Which disputes to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// One status (needs_response, under_review, won, lost, ...).
    status: Option<String>,
    /// Only those that still need an answer.
    #[serde(default)]
    needs_response: bool,
    /// Only those due before this instant (RFC 3339).
    due_before: Option<String>,
    /// 1-200, default 50.
    limit: Option<usize>,
    /// From `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Disputes by due date, soonest first (undated last).
#[utoipa::path(get, path = "/api/v1/disputes", tag = "disputes", params(ListParams),
    responses((status = 200, body = DisputePage), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(p): Query<ListParams>,
) -> Result<axum::Json<DisputePage>, ApiError> {
    let status = p
        .status
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|_| {
            ApiError::new("invalid_query", "status: not a dispute status").with_field("status")
        })?;
    let due_before = p
        .due_before
        .as_deref()
        .map(crate::time::parse)
        .transpose()
        .map_err(|e| ApiError::new("invalid_query", e).with_field("due_before"))?;
    let filter = DisputeFilter {
        status,
        needs_response: p.needs_response,
        due_before,
    };
    let page = PageRequest::asked(p.limit, p.cursor);
    let page = app.disputes(&caller, &filter, &page).await?;
    Ok(axum::Json(DisputePage {
        items: page.items.iter().map(DisputeOut::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// A dispute explained: reason code, checklist with what covers it, evidence, the
/// ticket's deadline clock.
#[utoipa::path(get, path = "/api/v1/disputes/{id}", tag = "disputes",
    params(("id" = i64, Path, description = "The dispute's id")),
    responses((status = 200, body = DisputeDetail), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<DisputeDetail>, ApiError> {
    let view = app.dispute_view(&caller, dispute_id(&id)?).await?;
    Ok(axum::Json(DisputeDetail::from(&view)))
}

/// Adds evidence: a text, a file (base64) or one of the ticket's attachments.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/evidence", tag = "disputes", request_body = EvidenceIn,
    params(("id" = i64, Path, description = "The dispute's id")),
    responses((status = 201, body = EvidenceOut), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn add_evidence(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    Json(body): Json<EvidenceIn>,
) -> Result<(StatusCode, axum::Json<EvidenceOut>), ApiError> {
    let id = dispute_id(&id)?;
    let kind = body.kind.parse().map_err(|_| {
        ApiError::new(
            "invalid_field",
            "kind: not an evidence kind (see the checklist's `evidence` values)",
        )
        .with_field("kind")
    })?;
    let file = match body.file {
        Some(f) => Some(EvidenceFile {
            filename: f.filename,
            content_type: f.content_type,
            content: base64::engine::general_purpose::STANDARD
                .decode(f.content_base64.trim())
                .map_err(|_| {
                    ApiError::new("invalid_field", "file.content_base64: not base64")
                        .with_field("file.content_base64")
                })?,
        }),
        None => None,
    };
    let input = EvidenceInput {
        kind,
        title: body.title,
        text: body.text,
        file,
        attachment_id: body.attachment_id,
    };
    let item = app.add_dispute_evidence(&caller, id, input).await?;
    Ok((StatusCode::CREATED, axum::Json(EvidenceOut::from(&item))))
}

/// Removes a piece of evidence.
#[utoipa::path(delete, path = "/api/v1/disputes/{id}/evidence/{evidence_id}", tag = "disputes",
    params(("id" = i64, Path, description = "The dispute's id"), ("evidence_id" = i64, Path, description = "The evidence's id")),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn remove_evidence(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((id, evidence)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let evidence = path_id(&evidence, "evidence")?;
    app.remove_dispute_evidence(&caller, dispute_id(&id)?, evidence)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The evidence packet: a ZIP archive with `index.txt` (the dispute, its reason, the
/// checklist and every file), `conversation.txt` and the files.
#[utoipa::path(get, path = "/api/v1/disputes/{id}/packet", tag = "disputes",
    params(("id" = i64, Path, description = "The dispute's id")),
    responses((status = 200, description = "application/zip"), (status = 404, body = Problem)))]
pub async fn packet(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let packet = app.dispute_packet(&caller, dispute_id(&id)?).await?;
    let mut response = packet.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        super::mail::disposition(&packet.filename),
    );
    Ok(response)
}

/// The evidence was submitted at the gateway: the dispute goes under review and the
/// ticket's deadline clock is met.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/submit", tag = "disputes",
    params(("id" = i64, Path, description = "The dispute's id")),
    responses((status = 200, body = DisputeDetail), (status = 409, body = Problem)))]
pub async fn submit(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<DisputeDetail>, ApiError> {
    let view = app.submit_dispute(&caller, dispute_id(&id)?).await?;
    Ok(axum::Json(DisputeDetail::from(&view)))
}

/// Accepts the chargeback (the disputed amount is lost).
#[utoipa::path(post, path = "/api/v1/disputes/{id}/accept", tag = "disputes",
    params(("id" = i64, Path, description = "The dispute's id")),
    responses((status = 200, body = DisputeDetail), (status = 409, body = Problem)))]
pub async fn accept(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<DisputeDetail>, ApiError> {
    let view = app.accept_dispute(&caller, dispute_id(&id)?).await?;
    Ok(axum::Json(DisputeDetail::from(&view)))
}

/// Records the network's decision with the amounts won and lost.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/outcome", tag = "disputes", request_body = OutcomeIn,
    params(("id" = i64, Path, description = "The dispute's id")),
    responses((status = 200, body = DisputeDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn outcome(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    Json(body): Json<OutcomeIn>,
) -> Result<axum::Json<DisputeDetail>, ApiError> {
    let won = match body.outcome.as_str() {
        "won" => true,
        "lost" => false,
        _ => {
            return Err(
                ApiError::new("invalid_field", "outcome: won or lost").with_field("outcome")
            );
        }
    };
    let input = OutcomeInput {
        won,
        amount_won: body.amount_won,
        amount_lost: body.amount_lost,
    };
    let view = app
        .record_dispute_outcome(&caller, dispute_id(&id)?, input, body.note)
        .await?;
    Ok(axum::Json(DisputeDetail::from(&view)))
}
