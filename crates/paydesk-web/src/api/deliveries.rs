//! `/tickets/{number}/deliveries`: the emails of a ticket's replies and how their
//! delivery went (queued, sent, failed), so a failed send is visible on the ticket.

use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::Path;
use crate::time::{format, format_opt};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use paydesk_app::App;
use paydesk_domain::ticket::parse_ticket_number;
use paydesk_store::OutboundMail;
use serde::Serialize;

pub fn routes() -> Router<App> {
    Router::new().route("/tickets/{number}/deliveries", get(list))
}

/// One reply's email.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryOut {
    pub id: i64,
    /// The reply (message) this email carries.
    pub message_id: i64,
    /// The email's Message-ID header.
    pub mail_id: String,
    /// The customer's address (masked for callers who may not see personal data).
    pub recipient: String,
    pub subject: String,
    /// `queued` (waiting for its next attempt, or for SMTP to be configured), `sent` or
    /// `failed` (out of attempts).
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub sent_at: Option<String>,
    /// When the next attempt is due, while queued.
    pub next_attempt_at: Option<String>,
}

impl From<&OutboundMail> for DeliveryOut {
    fn from(m: &OutboundMail) -> Self {
        Self {
            id: m.id,
            message_id: m.message_id.0,
            mail_id: m.mail_id.clone(),
            recipient: m.recipient.clone(),
            subject: m.subject.clone(),
            status: m.status.as_str().into(),
            attempts: m.attempts,
            last_error: m.last_error.clone(),
            created_at: format(m.created_at),
            sent_at: format_opt(m.sent_at),
            next_attempt_at: format_opt(m.next_attempt_at),
        }
    }
}

/// A ticket's emails, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryList {
    pub items: Vec<DeliveryOut>,
}

/// The emails sent (or being sent) for a ticket's public replies, with their delivery status.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/deliveries", tag = "tickets",
    params(("number" = String, Path, description = "PD-123 or 123")),
    responses((status = 200, body = DeliveryList), (status = 404, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
) -> Result<axum::Json<DeliveryList>, ApiError> {
    let id = parse_ticket_number(&number)
        .ok_or_else(|| ApiError::new("not_found", "ticket not found"))?;
    let mails = app.ticket_deliveries(&caller, id).await?;
    Ok(axum::Json(DeliveryList {
        items: mails.iter().map(DeliveryOut::from).collect(),
    }))
}
