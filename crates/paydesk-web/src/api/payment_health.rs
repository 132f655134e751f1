//! `/payment-events`, `/payment-health` and `/payment-objectives`: authorisation attempts
//! in (a batch at a time, bad items refused one by one), the health of every gateway and
//! method against its objectives, the health check on demand, and the objectives.

use super::incident_dto::IncidentOut;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::time::{format, parse};
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use paydesk_app::App;
use paydesk_app::payment_health::{
    AttemptInput, GatewayHealth, ObjectiveOverride, Objectives, Recorded, Refusal, WindowFigures,
};
use paydesk_domain::incident::PaymentMethod;
use paydesk_domain::payment_health::{HealthState, Objective};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/payment-events", post(record))
        .route("/payment-health", get(health))
        .route("/payment-health/check", post(check))
        .route("/payment-objectives", get(objectives).put(set_objectives))
}

/// A batch of authorisation attempts.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentEventBatch {
    /// Up to 1,000 attempts, each a [`PaymentEventIn`]; items that are not are refused
    /// one by one and the others kept.
    #[schema(value_type = Vec<PaymentEventIn>)]
    pub events: Vec<Value>,
}

/// One authorisation attempt.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentEventIn {
    /// `stripe`, `adyen`, ... (1-40 characters of a-z, 0-9, `_`, `-`).
    pub gateway: String,
    /// card, wallet or bank_transfer.
    pub method: String,
    /// success, failure (the gateway or network failed) or decline (the issuer said no).
    pub result: String,
    /// The decline or failure code (`do_not_honor`, `timeout`); none on a success.
    #[serde(default)]
    pub code: Option<String>,
    pub latency_ms: i64,
    /// When it happened, RFC 3339; at most 24 hours ago, at most 5 minutes ahead.
    pub at: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub business_line: Option<String>,
}

/// An item refused, with why.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RefusedOut {
    /// Its place in `events`, from 0.
    pub index: usize,
    pub field: Option<String>,
    pub reason: String,
}

/// What became of a batch.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordedOut {
    pub accepted: usize,
    pub refused: Vec<RefusedOut>,
}

impl From<Recorded> for RecordedOut {
    fn from(r: Recorded) -> Self {
        Self {
            accepted: r.accepted,
            refused: r
                .refused
                .into_iter()
                .map(|r| RefusedOut {
                    index: r.index,
                    field: r.field,
                    reason: paydesk_domain::redaction::redact(&r.reason).text,
                })
                .collect(),
        }
    }
}

/// Reads one item, or says which field is wrong.
fn item(index: usize, value: Value) -> Result<AttemptInput, Refusal> {
    let refusal = |field: Option<String>, reason: String| Refusal {
        index,
        field,
        reason,
    };
    let e: PaymentEventIn = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = (!path.is_empty() && path != ".").then_some(path);
        refusal(field, e.into_inner().to_string())
    })?;
    let at = parse(&e.at).map_err(|reason| refusal(Some("at".into()), reason))?;
    Ok(AttemptInput {
        gateway: e.gateway,
        method: e.method,
        result: e.result,
        code: e.code,
        latency_ms: e.latency_ms,
        at,
        region: e.region,
        business_line: e.business_line,
    })
}

/// Takes a batch of up to 1,000 authorisation attempts into the per-minute counts.
/// Malformed items are refused with their index, field and reason; the rest are kept.
#[utoipa::path(post, path = "/api/v1/payment-events", tag = "payments", request_body = PaymentEventBatch,
    responses((status = 200, body = RecordedOut), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn record(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<PaymentEventBatch>,
) -> Result<axum::Json<RecordedOut>, ApiError> {
    let items = body
        .events
        .into_iter()
        .enumerate()
        .map(|(i, v)| item(i, v))
        .collect();
    let recorded = app.record_payment_attempts(&caller, items).await?;
    Ok(axum::Json(recorded.into()))
}

/// One window's figures.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WindowOut {
    pub attempts: i64,
    pub successes: i64,
    pub declines: i64,
    pub failures: i64,
    /// Successes per attempt, 0 to 1; null without attempts.
    pub success_rate: Option<f64>,
    pub p50_latency_ms: Option<i64>,
    pub p95_latency_ms: Option<i64>,
}

impl From<&WindowFigures> for WindowOut {
    fn from(w: &WindowFigures) -> Self {
        Self {
            attempts: w.tally.attempts,
            successes: w.tally.successes,
            declines: w.tally.declines,
            failures: w.tally.failures,
            success_rate: w.success_rate,
            p50_latency_ms: w.p50_ms,
            p95_latency_ms: w.p95_ms,
        }
    }
}

/// A code and how often it came.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CodeCount {
    pub code: String,
    pub count: i64,
}

/// How one gateway and method are doing.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GatewayHealthOut {
    pub gateway: String,
    pub method: PaymentMethod,
    pub state: HealthState,
    /// What is off and by how much (or why nothing is judged).
    pub reasons: Vec<String>,
    pub objective: Objective,
    pub last_15_minutes: WindowOut,
    pub last_24_hours: WindowOut,
    /// The most frequent decline and failure codes of the last 15 minutes.
    pub top_codes: Vec<CodeCount>,
}

impl From<&GatewayHealth> for GatewayHealthOut {
    fn from(h: &GatewayHealth) -> Self {
        Self {
            gateway: h.gateway.clone(),
            method: h.method,
            state: h.assessment.state,
            reasons: h.assessment.reasons.clone(),
            objective: h.objective,
            last_15_minutes: (&h.recent).into(),
            last_24_hours: (&h.day).into(),
            top_codes: h
                .top_codes
                .iter()
                .map(|(code, count)| CodeCount {
                    code: code.clone(),
                    count: *count,
                })
                .collect(),
        }
    }
}

/// The health of every gateway and method seen in the last day.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HealthOut {
    /// When it was computed.
    pub at: String,
    pub items: Vec<GatewayHealthOut>,
}

/// Every gateway and method with attempts in the last 24 hours: the last 15 minutes and
/// the last 24 hours (attempts, success rate, p50/p95 latency) against the objective, and
/// a state (ok, degraded, failing).
#[utoipa::path(get, path = "/api/v1/payment-health", tag = "payments",
    responses((status = 200, body = HealthOut), (status = 403, body = Problem)))]
pub async fn health(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<HealthOut>, ApiError> {
    let items = app.payment_health(&caller).await?;
    Ok(axum::Json(HealthOut {
        at: format(app.now()),
        items: items.iter().map(GatewayHealthOut::from).collect(),
    }))
}

/// The incidents a health check proposed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckOut {
    pub proposed: Vec<IncidentOut>,
}

/// Runs the health check now (the workers also do every minute): each failing gateway and
/// method that no open incident covers gets one proposed.
#[utoipa::path(post, path = "/api/v1/payment-health/check", tag = "payments",
    responses((status = 200, body = CheckOut), (status = 403, body = Problem)))]
pub async fn check(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<CheckOut>, ApiError> {
    let proposed = app.check_payment_health(&caller).await?;
    Ok(axum::Json(CheckOut {
        proposed: proposed.iter().map(IncidentOut::from).collect(),
    }))
}

/// One gateway and method's own objective.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveOverrideDto {
    pub gateway: String,
    pub method: PaymentMethod,
    pub success_rate: f64,
    pub p95_latency_ms: i64,
}

/// The objectives: the default and the overrides.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectivesDto {
    pub default: Objective,
    #[serde(default)]
    pub overrides: Vec<ObjectiveOverrideDto>,
}

impl From<Objectives> for ObjectivesDto {
    fn from(o: Objectives) -> Self {
        Self {
            default: o.default,
            overrides: o
                .overrides
                .into_iter()
                .map(|x| ObjectiveOverrideDto {
                    gateway: x.gateway,
                    method: x.method,
                    success_rate: x.objective.success_rate,
                    p95_latency_ms: x.objective.p95_latency_ms,
                })
                .collect(),
        }
    }
}

/// The objectives (defaults: 80% success, p95 within 3,000 ms).
#[utoipa::path(get, path = "/api/v1/payment-objectives", tag = "payments",
    responses((status = 200, body = ObjectivesDto), (status = 403, body = Problem)))]
pub async fn objectives(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<ObjectivesDto>, ApiError> {
    Ok(axum::Json(app.payment_objectives(&caller).await?.into()))
}

/// Replaces the objectives: the default and every override.
#[utoipa::path(put, path = "/api/v1/payment-objectives", tag = "payments", request_body = ObjectivesDto,
    responses((status = 200, body = ObjectivesDto), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn set_objectives(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<ObjectivesDto>,
) -> Result<axum::Json<ObjectivesDto>, ApiError> {
    let objectives = Objectives {
        default: body.default,
        overrides: body
            .overrides
            .into_iter()
            .map(|o| ObjectiveOverride {
                gateway: o.gateway,
                method: o.method,
                objective: Objective {
                    success_rate: o.success_rate,
                    p95_latency_ms: o.p95_latency_ms,
                },
            })
            .collect(),
    };
    Ok(axum::Json(
        app.set_payment_objectives(&caller, objectives)
            .await?
            .into(),
    ))
}
