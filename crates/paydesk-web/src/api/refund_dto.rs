//! The refund routes' request and response shapes, and their error answer, whose problem
//! document lists the refund policy's reasons when it refuses.

use crate::error::{ApiError, RefusalOut};
use crate::time::{format, format_opt};
use axum::response::{IntoResponse, Response};
use paydesk_app::AppError;
use paydesk_domain::payment::refund::{LineLimit, RefundPolicy, RefundState};
use paydesk_domain::ticket::ticket_number;
use paydesk_store::{RefundRecord, StoredRefundPolicy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A refund asked for on a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundOut {
    pub id: i64,
    /// The ticket's number, e.g. `PD-1042`.
    pub ticket: String,
    pub transaction_id: i64,
    /// Minor units of `currency`.
    pub amount: i64,
    pub currency: String,
    /// pending_approval, approved, rejected, executing, succeeded or failed.
    pub state: RefundState,
    pub reason: String,
    pub requested_by: i64,
    pub requested_at: String,
    /// The finance user who approved or rejected it.
    pub approved_by: Option<i64>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
    /// How it is executed: `record_only` (made elsewhere), `test`, or a gateway's own.
    pub connector: String,
    /// The reference given for a refund made elsewhere.
    pub external_ref: Option<String>,
    /// The gateway's reference of the refund, once it succeeded.
    pub gateway_refund_ref: Option<String>,
    /// Why it failed for good.
    pub failure_reason: Option<String>,
    /// While executing: the last attempt's failure, tried again at `next_attempt_at`.
    pub last_error: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    pub executed_at: Option<String>,
    /// The refund policy version it was checked against.
    pub policy_version: i64,
    pub version: i64,
    pub updated_at: String,
}

impl From<&RefundRecord> for RefundOut {
    fn from(r: &RefundRecord) -> Self {
        Self {
            id: r.id.0,
            ticket: ticket_number(r.ticket_id),
            transaction_id: r.transaction_id.0,
            amount: r.amount.amount,
            currency: r.amount.currency.clone(),
            state: r.state,
            reason: r.reason.clone(),
            requested_by: r.requested_by.0,
            requested_at: format(r.requested_at),
            approved_by: r.approved_by.map(|u| u.0),
            decided_at: format_opt(r.decided_at),
            decision_note: r.decision_note.clone(),
            connector: r.connector.clone(),
            external_ref: r.external_ref.clone(),
            gateway_refund_ref: r.gateway_refund_ref.clone(),
            failure_reason: r.failure_reason.clone(),
            last_error: r.last_error.clone(),
            attempts: r.attempts,
            next_attempt_at: format_opt(r.next_attempt_at),
            executed_at: format_opt(r.executed_at),
            policy_version: r.policy_version,
            version: r.version,
            updated_at: format(r.updated_at),
        }
    }
}

/// Refunds, a page at a time (or all of a ticket's, without a cursor).
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundPage {
    pub items: Vec<RefundOut>,
    pub next_cursor: Option<String>,
}

/// A refund to ask for. Send an `Idempotency-Key` header (or `idempotency_key`), so that
/// a retry returns the first refund instead of making a second.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRefund {
    pub transaction_id: i64,
    /// Minor units (cents for USD).
    pub amount: i64,
    /// Defaults to the charge's currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Why; the approver reads it (card numbers are masked).
    pub reason: String,
    /// For a gateway whose refunds are made elsewhere (`record_only`): the reference of
    /// the refund made there.
    #[serde(default)]
    pub external_ref: Option<String>,
    /// Instead of the `Idempotency-Key` header.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// An approval or a rejection.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideRefund {
    /// Optional for an approval; a rejection says why.
    #[serde(default)]
    pub note: Option<String>,
    /// Approving a refund made outside paydesk (`record_only`) that was asked for without
    /// one: the reference of the refund made there.
    #[serde(default)]
    pub external_ref: Option<String>,
}

/// The refund policy in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundPolicyOut {
    /// 0 for the built-in defaults; send it back as `version` to change the policy safely.
    pub version: i64,
    /// When this version was set; null for the defaults.
    pub updated_at: Option<String>,
    /// Days after capture within which a charge may be refunded.
    pub max_days_since_capture: i64,
    /// Refunds above this amount (minor units) wait for a finance approver.
    pub approval_above: i64,
    pub line_limits: Vec<LineLimit>,
}

impl From<StoredRefundPolicy> for RefundPolicyOut {
    fn from(p: StoredRefundPolicy) -> Self {
        Self {
            version: p.version,
            updated_at: format_opt(p.updated_at),
            max_days_since_capture: p.policy.max_days_since_capture,
            approval_above: p.policy.approval_above,
            line_limits: p.policy.line_limits,
        }
    }
}

/// A new refund policy.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundPolicyIn {
    pub max_days_since_capture: i64,
    pub approval_above: i64,
    /// Caps per business line and currency; none: capped only by the charge.
    #[serde(default)]
    pub line_limits: Vec<LineLimit>,
    /// The version read; a policy changed since is refused (409).
    #[serde(default)]
    pub version: Option<i64>,
}

impl RefundPolicyIn {
    /// The policy, and the version it expects to replace.
    #[must_use]
    pub fn into_input(self) -> paydesk_app::refunds::PolicyInput {
        paydesk_app::refunds::PolicyInput {
            policy: RefundPolicy {
                max_days_since_capture: self.max_days_since_capture,
                approval_above: self.approval_above,
                line_limits: self.line_limits,
            },
            expected_version: self.version,
        }
    }
}

/// The refund routes' error answer: any problem, and for `refund_refused` the policy's
/// reasons under `refusals`.
#[derive(Debug)]
pub struct RefundProblem {
    error: ApiError,
    refusals: Option<Vec<RefusalOut>>,
}

impl From<ApiError> for RefundProblem {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            refusals: None,
        }
    }
}

impl From<AppError> for RefundProblem {
    fn from(e: AppError) -> Self {
        let refusals = match &e {
            AppError::RefundRefused {
                refusals,
                explanation,
            } => Some(
                refusals
                    .iter()
                    .zip(explanation)
                    .map(|(r, sentence)| {
                        let mut details = serde_json::to_value(r).unwrap_or_default();
                        if let Some(fields) = details.as_object_mut() {
                            fields.remove("code");
                        }
                        RefusalOut {
                            code: r.code().to_string(),
                            explanation: sentence.clone(),
                            details,
                        }
                    })
                    .collect(),
            ),
            _ => None,
        };
        Self {
            error: e.into(),
            refusals,
        }
    }
}

impl IntoResponse for RefundProblem {
    fn into_response(self) -> Response {
        self.error.into_problem(self.refusals)
    }
}
