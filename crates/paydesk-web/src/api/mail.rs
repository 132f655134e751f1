//! Email intake over HTTP (what an MTA pipe or a mail provider's inbound hook calls), and
//! downloads of the files paydesk keeps (mail attachments, form uploads).

use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Path, Query};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use paydesk_app::App;
use paydesk_app::inbound::{InboundOptions, MailOutcome};
use paydesk_domain::QueueId;
use paydesk_domain::ticket::{BusinessLine, parse_ticket_number, ticket_number};
use serde::{Deserialize, Serialize};

/// The largest email accepted, in bytes (a 25 MB attachment grows a third in base64).
pub const MAIL_LIMIT: usize = 36 * 1024 * 1024;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/intake/email",
            post(receive).layer(DefaultBodyLimit::max(MAIL_LIMIT)),
        )
        .route(
            "/tickets/{number}/attachments/{attachment_id}",
            get(download),
        )
}

/// Where mail from unknown senders goes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IntakeQuery {
    /// Business line of new customers and their tickets (default: buyer).
    pub business_line: Option<BusinessLine>,
    /// Queue of new tickets.
    pub queue_id: Option<i64>,
}

/// What became of a mail.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MailReceipt {
    /// opened (a new ticket), replied (added to its ticket), noise (auto-reply or
    /// bounce, kept, no ticket opened), kept_raw (unreadable, kept on a new ticket with
    /// the reason), duplicate (received before; nothing changed).
    pub outcome: String,
    /// The ticket it reached, e.g. PD-1042.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// For replies: true when it became an internal note (sender is not the customer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<bool>,
    /// Why it is noise or was kept raw.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn is_mail(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return false;
    };
    let media = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        media.as_str(),
        "message/rfc822" | "application/octet-stream"
    )
}

/// Take in one raw email (RFC 5322 bytes). Needs a token with the `intake` scope (or a
/// staff member who may create tickets). 201 when it opened a ticket, 200 otherwise;
/// never an error for what the mail contains.
#[utoipa::path(post, path = "/api/v1/intake/email", tag = "intake", params(IntakeQuery),
    request_body(content = String, content_type = "message/rfc822", description = "The raw message"),
    responses((status = 201, body = MailReceipt), (status = 200, body = MailReceipt),
        (status = 413, body = Problem), (status = 415, body = Problem)))]
pub async fn receive(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(query): Query<IntakeQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !is_mail(&headers) {
        return Err(ApiError::new(
            "unsupported_media_type",
            "send the raw email with Content-Type: message/rfc822",
        ));
    }
    let options = InboundOptions {
        business_line: query.business_line,
        queue_id: query.queue_id.map(QueueId),
    };
    let outcome = app.receive_email(&caller, &body, &options).await?;
    let status = match outcome {
        MailOutcome::Opened { .. } | MailOutcome::KeptRaw { .. } => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    let receipt = MailReceipt {
        outcome: outcome.as_str().to_string(),
        ticket: outcome.ticket().map(ticket_number),
        internal: match &outcome {
            MailOutcome::Replied { internal, .. } => Some(*internal),
            _ => None,
        },
        reason: match &outcome {
            MailOutcome::Noise { reason, .. } | MailOutcome::KeptRaw { reason, .. } => {
                Some(reason.clone())
            }
            _ => None,
        },
    };
    Ok((status, axum::Json(receipt)).into_response())
}

/// A filename safe inside a quoted Content-Disposition parameter.
pub(super) fn disposition(filename: &str) -> HeaderValue {
    let safe: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .take(150)
        .collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{safe}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// Download a file kept with a ticket's message. Always served as a download, never
/// rendered in the page (an HTML mail body cannot run in paydesk's origin).
#[utoipa::path(get, path = "/api/v1/tickets/{number}/attachments/{attachment_id}", tag = "tickets",
    params(("number" = String, Path, description = "PD-123 or 123"), ("attachment_id" = i64, Path, description = "The attachment's id from the message")),
    responses((status = 200, description = "The file"), (status = 404, body = Problem)))]
pub async fn download(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((number, attachment_id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let id = parse_ticket_number(&number)
        .ok_or_else(|| ApiError::new("not_found", "ticket not found"))?;
    let (meta, content) = app.attachment(&caller, id, attachment_id).await?;
    let mut response = content.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(header::CONTENT_DISPOSITION, disposition(&meta.filename));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    Ok(response)
}
