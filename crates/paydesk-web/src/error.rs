//! Errors as `application/problem+json` (RFC 9457). One table maps each stable code to an
//! HTTP status. 5xx bodies say nothing internal: they carry an id, and the cause is logged.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use paydesk_app::AppError;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub field: Option<String>,
}

/// The problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:paydesk:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The stable snake_case code.
    pub code: String,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For server errors: quote it when reporting the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// For `refund_refused`: every reason the refund policy gives, each explained.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusals: Option<Vec<RefusalOut>>,
}

/// One reason the refund policy refuses a refund.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RefusalOut {
    /// Stable: not_a_charge, not_refundable, not_positive, wrong_currency, over_refund,
    /// too_old, open_dispute, over_line_limit.
    pub code: String,
    /// The policy's own sentence, for the agent.
    pub explanation: String,
    /// The figures behind it (`available`, `days` and `limit`, `expected`, `status`).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// The one table from stable codes to statuses.
#[must_use]
pub fn status_of(code: &str) -> StatusCode {
    match code {
        "invalid_field" | "unknown_value" | "invalid_json" | "invalid_query" | "invalid_cursor"
        | "invalid_header" => StatusCode::BAD_REQUEST,
        "unsupported_media_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "body_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
        "unauthenticated" | "sign_in_failed" => StatusCode::UNAUTHORIZED,
        "forbidden" | "csrf_failed" => StatusCode::FORBIDDEN,
        "too_many_attempts" | "rate_limited" => StatusCode::TOO_MANY_REQUESTS,
        "not_found" | "route_not_found" => StatusCode::NOT_FOUND,
        "method_not_allowed" => StatusCode::METHOD_NOT_ALLOWED,
        "version_conflict" | "duplicate" | "ticket_closed" | "invalid_transition"
        | "chat_ended" | "already_assigned" | "at_capacity" | "not_workable"
        | "agent_unavailable" | "dispute_status" | "incident_state" => StatusCode::CONFLICT,
        "self_approval" | "not_finance" => StatusCode::FORBIDDEN,
        "refund_not_pending" | "refund_not_executable" => StatusCode::CONFLICT,
        "idempotency_key_reused" | "dispute_amounts" | "refund_refused" | "not_available" => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        "database_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    #[must_use]
    pub fn new(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status: status_of(code),
            code,
            detail: detail.into(),
            field: None,
        }
    }

    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let field = e.field().map(str::to_string);
        let code = e.code();
        let status = status_of(code);
        let detail = if status.is_server_error() {
            String::new()
        } else {
            e.to_string()
        };
        if status.is_server_error() {
            return ApiError {
                status,
                code,
                detail: e.to_string(),
                field: None,
            };
        }
        ApiError {
            status,
            code,
            detail,
            field,
        }
    }
}

static ERROR_IDS: AtomicU64 = AtomicU64::new(1);

/// Details and field names often quote what the client sent (an unknown variant, a value
/// of the wrong type, a version), so card data in them is masked before it is answered
/// or logged.
fn masked(text: &str) -> String {
    paydesk_domain::redaction::redact(text).text
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.into_problem(None)
    }
}

impl ApiError {
    /// The problem document, with the refund policy's `refusals` when there are some.
    #[must_use]
    pub fn into_problem(self, refusals: Option<Vec<RefusalOut>>) -> Response {
        let title = self
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_string();
        let (detail, error_id) = if self.status.is_server_error() {
            let id = format!("E{:08X}", ERROR_IDS.fetch_add(1, Ordering::Relaxed));
            let cause = masked(&self.detail);
            tracing::error!(error_id = %id, code = self.code, %cause, "request failed");
            (
                "The server could not complete the request. Quote the error id when reporting it."
                    .to_string(),
                Some(id),
            )
        } else {
            (masked(&self.detail), None)
        };
        let body = Problem {
            kind: format!("urn:paydesk:problem:{}", self.code),
            title,
            status: self.status.as_u16(),
            detail,
            code: self.code.to_string(),
            field: self.field.as_deref().map(masked),
            error_id,
            refusals,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

/// What a panic inside a handler turns into: a generic 500, never a dropped connection.
pub fn panic_response(_cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::new("internal", "a handler panicked").into_response()
}
