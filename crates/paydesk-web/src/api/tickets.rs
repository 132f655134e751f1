//! `/tickets`: create, list, read, change, reply, timeline.

use super::dto::{
    CreateMessage, CreateTicket, EventOut, EventPage, MessageFrom, MessageOut, PatchTicket,
    TicketDetail, TicketOut, TicketPage,
};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use paydesk_app::App;
use paydesk_app::tickets::{NewReply, NewTicketInput, TicketChange};
use paydesk_domain::message::Visibility;
use paydesk_domain::ticket::{
    BusinessLine, Channel, Priority, Status, TicketPatch, parse_ticket_number,
};
use paydesk_domain::{CustomerId, QueueId, TicketId, UserId};
use paydesk_store::{PageRequest, TicketFilter};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/tickets", get(list).post(create))
        .route("/tickets/{number}", get(get_one).patch(change))
        .route(
            "/tickets/{number}/messages",
            axum::routing::post(add_message),
        )
        .route("/tickets/{number}/timeline", get(timeline))
}

pub(super) fn ticket_id(number: &str) -> Result<TicketId, ApiError> {
    parse_ticket_number(number).ok_or_else(|| ApiError::new("not_found", "ticket not found"))
}

/// `version` from the body, or else from `If-Match: "<version>"`.
fn expected_version(body: Option<i64>, headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    if body.is_some() {
        return Ok(body);
    }
    match headers.get("if-match") {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|s| s.parse::<i64>().ok())
            .map(Some)
            .ok_or_else(|| {
                ApiError::new(
                    "invalid_header",
                    "If-Match must be a ticket version such as \"3\"",
                )
                .with_field("If-Match")
            }),
    }
}

/// A page request from `limit` (clamped to 1-200, default 50) and `cursor`.
pub(super) fn page(limit: Option<usize>, cursor: Option<String>) -> PageRequest {
    PageRequest::asked(limit, cursor)
}

/// Create a ticket. With `Idempotency-Key`, a retry returns the first ticket (200) instead of a second one.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = CreateTicket,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body return the same ticket")),
    responses((status = 201, body = TicketOut), (status = 200, description = "Replayed by Idempotency-Key", body = TicketOut), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    Json(body): Json<CreateTicket>,
) -> Result<Response, ApiError> {
    let key = match headers.get("idempotency-key") {
        Some(v) => Some(v.to_str().map_err(|_| {
            ApiError::new("invalid_header", "Idempotency-Key must be visible ASCII")
                .with_field("Idempotency-Key")
        })?),
        None => None,
    };
    let attachments = body
        .attachments
        .into_iter()
        .map(super::dto::AttachmentIn::into_meta)
        .collect::<Result<Vec<_>, _>>()?;
    let input = NewTicketInput {
        subject: body.subject,
        body: body.body,
        priority: body.priority.unwrap_or(Priority::Normal),
        channel: body.channel.unwrap_or(Channel::Api),
        business_line: body.business_line,
        category: body.category,
        tags: body.tags,
        queue_id: body.queue_id.map(QueueId),
        assignee_id: body.assignee_id.map(UserId),
        customer_id: body.customer_id.map(CustomerId),
        language: body.language.unwrap_or_else(|| "en".into()),
        attachments,
    };
    let created = app.create_ticket(&caller, input, key).await?;
    let status = if created.is_new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut response = (status, axum::Json(TicketOut::from(&created.ticket))).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!(
        "/api/v1/tickets/{}",
        paydesk_domain::ticket::ticket_number(created.ticket.id)
    )) {
        response.headers_mut().insert("location", location);
    }
    if !created.is_new {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// Filters for listing tickets.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Comma-separated statuses, e.g. `open,pending`.
    status: Option<String>,
    queue_id: Option<i64>,
    business_line: Option<BusinessLine>,
    /// A user id, or `none` for unassigned tickets.
    assignee_id: Option<String>,
    category: Option<String>,
    tag: Option<String>,
    customer_id: Option<i64>,
    /// Created at or after (RFC 3339 or a date).
    created_from: Option<String>,
    /// Created before (RFC 3339 or a date).
    created_to: Option<String>,
    /// Words that must all appear in the subject or a message.
    q: Option<String>,
    /// 1-200, default 50.
    limit: Option<usize>,
    cursor: Option<String>,
}

fn invalid(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::new("invalid_query", detail).with_field(field)
}

impl ListParams {
    fn filter(self) -> Result<(TicketFilter, PageRequest), ApiError> {
        let statuses = match &self.status {
            Some(s) => s
                .split(',')
                .filter(|p| !p.trim().is_empty())
                .map(|p| {
                    p.trim()
                        .parse::<Status>()
                        .map_err(|e| invalid("status", e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => vec![],
        };
        let assignee_id = match self.assignee_id.as_deref() {
            None => None,
            Some("none") => Some(None),
            Some(n) => {
                Some(Some(UserId(n.parse().map_err(|_| {
                    invalid("assignee_id", "a user id or 'none'")
                })?)))
            }
        };
        let time = |field: &str, v: Option<String>| {
            v.map(|t| crate::time::parse(&t).map_err(|e| invalid(field, e)))
                .transpose()
        };
        let filter = TicketFilter {
            payment_ref: None,
            statuses,
            queue_id: self.queue_id.map(QueueId),
            business_line: self.business_line,
            assignee_id,
            category: self.category,
            tag: self.tag.map(|t| t.trim().to_lowercase()),
            customer_id: self.customer_id.map(CustomerId),
            created_from: time("created_from", self.created_from)?,
            created_to: time("created_to", self.created_to)?,
            text: self.q,
            vendor_id: None,
        };
        Ok((filter, page(self.limit, self.cursor)))
    }
}

/// List tickets, newest first, with filters and cursor pagination.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", params(ListParams),
    responses((status = 200, body = TicketPage), (status = 400, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<TicketPage>, ApiError> {
    let (filter, page) = params.filter()?;
    let result = app.list_tickets(&caller, &filter, &page).await?;
    Ok(axum::Json(TicketPage {
        items: result.items.iter().map(TicketOut::from).collect(),
        next_cursor: result.next_cursor,
    }))
}

/// One ticket with its conversation.
#[utoipa::path(get, path = "/api/v1/tickets/{number}", tag = "tickets",
    params(("number" = String, Path, description = "PD-123 or 123")),
    responses((status = 200, body = TicketDetail), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
) -> Result<axum::Json<TicketDetail>, ApiError> {
    let view = app.ticket(&caller, ticket_id(&number)?).await?;
    Ok(axum::Json(TicketDetail {
        ticket: TicketOut::from(&view.ticket),
        messages: view.messages.iter().map(MessageOut::from).collect(),
    }))
}

/// Change status, priority, subject, category, tags, queue or assignee. Send `version`
/// (or `If-Match`) to be told, with 409, when someone else changed the ticket first.
#[utoipa::path(patch, path = "/api/v1/tickets/{number}", tag = "tickets", request_body = PatchTicket,
    params(("number" = String, Path, description = "PD-123 or 123")),
    responses((status = 200, body = TicketOut), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn change(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<PatchTicket>,
) -> Result<axum::Json<TicketOut>, ApiError> {
    let id = ticket_id(&number)?;
    let change = TicketChange {
        expected_version: expected_version(body.version, &headers)?,
        patch: TicketPatch {
            status: body.status,
            priority: body.priority,
            category: body.category,
            tags: body.tags,
            queue_id: body.queue_id.map(|q| q.map(QueueId)),
            assignee_id: body.assignee_id.map(|a| a.map(UserId)),
            subject: body.subject,
        },
    };
    let ticket = app.change_ticket(&caller, id, change).await?;
    Ok(axum::Json(TicketOut::from(&ticket)))
}

/// Add a public reply or an internal note. A customer's reply reopens a solved ticket.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/messages", tag = "tickets", request_body = CreateMessage,
    params(("number" = String, Path, description = "PD-123 or 123")),
    responses((status = 201, body = MessageOut), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn add_message(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<CreateMessage>,
) -> Result<(StatusCode, axum::Json<MessageOut>), ApiError> {
    let id = ticket_id(&number)?;
    let visibility = body.visibility.unwrap_or(Visibility::Public);
    if body.from == MessageFrom::Customer && visibility == Visibility::Internal {
        return Err(
            ApiError::new("invalid_field", "a customer's message is always public")
                .with_field("visibility"),
        );
    }
    let reply = NewReply {
        visibility,
        from_customer: body.from == MessageFrom::Customer,
        body: body.body,
        attachments: body
            .attachments
            .into_iter()
            .map(super::dto::AttachmentIn::into_meta)
            .collect::<Result<Vec<_>, _>>()?,
        expected_version: expected_version(body.version, &headers)?,
    };
    let (_, message) = app.add_message(&caller, id, reply).await?;
    Ok((StatusCode::CREATED, axum::Json(MessageOut::from(&message))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TimelineParams {
    limit: Option<usize>,
    cursor: Option<String>,
}

/// A ticket's events, oldest first: who changed what, from what, to what, when.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/timeline", tag = "tickets",
    params(("number" = String, Path, description = "PD-123 or 123"), TimelineParams),
    responses((status = 200, body = EventPage), (status = 404, body = Problem)))]
pub async fn timeline(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
    Query(p): Query<TimelineParams>,
) -> Result<axum::Json<EventPage>, ApiError> {
    let result = app
        .timeline(&caller, ticket_id(&number)?, &page(p.limit, p.cursor))
        .await?;
    Ok(axum::Json(EventPage {
        items: result.items.iter().map(EventOut::from).collect(),
        next_cursor: result.next_cursor,
    }))
}
