//! `/chat/sessions`: chat sessions relayed by the consumer platform's backend (an API
//! token with the `intake` scope). One ticket per session; its messages are the
//! transcript. A session idle too long has ended: messages to it answer 409 `chat_ended`.

use super::dto::MessageFrom;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path};
use crate::time::{format, format_opt};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use paydesk_app::App;
use paydesk_app::chat::{ChatAuthor, ChatCustomer, NewChat};
use paydesk_domain::CustomerId;
use paydesk_domain::chat::{ChatEndReason, ChatSession, ChatStatus};
use paydesk_domain::message::{AttachmentMeta, Author, Message};
use paydesk_domain::ticket::{BusinessLine, ticket_number};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/chat/sessions", post(start))
        .route("/chat/sessions/{id}", get(get_one))
        .route("/chat/sessions/{id}/messages", post(add_message))
        .route("/chat/sessions/{id}/transcript", get(transcript))
}

/// A session to start: name the customer by `customer_email` or by `customer_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartChat {
    /// The customer's email: the customer with it, or a new one.
    #[serde(default)]
    pub customer_email: Option<String>,
    /// A name for a new customer (with `customer_email`).
    #[serde(default)]
    pub customer_name: Option<String>,
    /// A known customer's id.
    #[serde(default)]
    pub customer_id: Option<i64>,
    pub business_line: BusinessLine,
    /// The customer's first message.
    #[serde(default)]
    pub message: Option<String>,
    /// BCP 47, defaults to `en`.
    #[serde(default)]
    pub language: Option<String>,
}

/// A chat session.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatSessionOut {
    pub id: i64,
    /// The session's ticket, e.g. `PD-1042`.
    pub ticket_number: String,
    pub ticket_id: i64,
    pub customer_id: i64,
    pub status: ChatStatus,
    pub started_at: String,
    pub last_activity_at: String,
    pub ended_at: Option<String>,
    pub end_reason: Option<ChatEndReason>,
    /// The session ends after this many minutes without a message.
    pub idle_minutes: i64,
}

impl From<&ChatSession> for ChatSessionOut {
    fn from(s: &ChatSession) -> Self {
        Self {
            id: s.id,
            ticket_number: ticket_number(s.ticket_id),
            ticket_id: s.ticket_id.0,
            customer_id: s.customer_id.0,
            status: s.status,
            started_at: format(s.started_at),
            last_activity_at: format(s.last_activity_at),
            ended_at: format_opt(s.ended_at),
            end_reason: s.end_reason,
            idle_minutes: s.idle_minutes,
        }
    }
}

/// A message to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatMessageIn {
    pub body: String,
    /// `customer` (default): the customer wrote it; `staff`: the caller answers (a staff
    /// session or a token that may reply).
    #[serde(default = "customer")]
    pub from: MessageFrom,
}

fn customer() -> MessageFrom {
    MessageFrom::Customer
}

/// One line of a transcript.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatLine {
    pub id: i64,
    /// `customer`, `agent` or `system`.
    pub from: String,
    pub author: Author,
    pub body: String,
    pub at: String,
    pub attachments: Vec<AttachmentMeta>,
}

impl From<&Message> for ChatLine {
    fn from(m: &Message) -> Self {
        let from = match m.author {
            Author::Customer { .. } => "customer",
            Author::User { .. } => "agent",
            Author::System => "system",
        };
        Self {
            id: m.id.0,
            from: from.into(),
            author: m.author.clone(),
            body: m.body.clone(),
            at: format(m.created_at),
            attachments: m.attachments.clone(),
        }
    }
}

/// A session with its transcript, oldest message first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Transcript {
    pub session: ChatSessionOut,
    pub messages: Vec<ChatLine>,
}

/// Start a chat session: one new ticket (channel `chat`), with the first message if given.
#[utoipa::path(post, path = "/api/v1/chat/sessions", tag = "chat", request_body = StartChat,
    responses((status = 201, body = ChatSessionOut), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn start(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<StartChat>,
) -> Result<Response, ApiError> {
    let customer = match (body.customer_email, body.customer_id) {
        (Some(email), None) => ChatCustomer::Email {
            email,
            name: body.customer_name.unwrap_or_default(),
        },
        (None, Some(id)) => ChatCustomer::Id(CustomerId(id)),
        _ => {
            return Err(ApiError::new(
                "invalid_field",
                "name the customer by customer_email or by customer_id (one of them)",
            )
            .with_field("customer_email"));
        }
    };
    let chat = NewChat {
        customer,
        business_line: body.business_line,
        first_message: body.message,
        language: body.language,
    };
    let (session, _) = app.start_chat(&caller, chat).await?;
    let mut response = (
        StatusCode::CREATED,
        axum::Json(ChatSessionOut::from(&session)),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/chat/sessions/{}", session.id)) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// A session's state. A session idle too long reads as ended.
#[utoipa::path(get, path = "/api/v1/chat/sessions/{id}", tag = "chat",
    params(("id" = i64, Path, description = "The session id")),
    responses((status = 200, body = ChatSessionOut), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<ChatSessionOut>, ApiError> {
    let session = app.chat_session(&caller, id).await?;
    Ok(axum::Json(ChatSessionOut::from(&session)))
}

/// Add a message to an active session (409 `chat_ended` once it has ended: start a new session).
#[utoipa::path(post, path = "/api/v1/chat/sessions/{id}/messages", tag = "chat", request_body = ChatMessageIn,
    params(("id" = i64, Path, description = "The session id")),
    responses((status = 201, body = ChatLine), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn add_message(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<ChatMessageIn>,
) -> Result<(StatusCode, axum::Json<ChatLine>), ApiError> {
    let from = match body.from {
        MessageFrom::Customer => ChatAuthor::Customer,
        MessageFrom::Staff => ChatAuthor::Agent,
    };
    let (_, message) = app.add_chat_message(&caller, id, from, body.body).await?;
    Ok((StatusCode::CREATED, axum::Json(ChatLine::from(&message))))
}

/// The transcript: the session and its ticket's public messages with authors and times.
#[utoipa::path(get, path = "/api/v1/chat/sessions/{id}/transcript", tag = "chat",
    params(("id" = i64, Path, description = "The session id")),
    responses((status = 200, body = Transcript), (status = 404, body = Problem)))]
pub async fn transcript(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<Transcript>, ApiError> {
    let (session, messages) = app.chat_transcript(&caller, id).await?;
    Ok(axum::Json(Transcript {
        session: ChatSessionOut::from(&session),
        messages: messages.iter().map(ChatLine::from).collect(),
    }))
}
