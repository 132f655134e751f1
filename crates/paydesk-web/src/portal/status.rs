//! `GET /support/status/{token}`: a request's status and public messages, by its signed
//! link; `POST` to the same address adds the customer's answer, then shows the page again
//! (303, so reloading does not send it twice).
//!
//! A token this desk did not sign answers the same 404 page whatever is wrong with it.

use super::form_cookie::{FIELD, FormCookie};
use super::page::{Field, FileLine, MessageLine, MessagePage, StatusPage, answer, flag};
use super::upload::{self, Upload};
use super::{PREFIX, failure, field_problem, rate_limited, unreadable};
use crate::auth::Origin;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use paydesk_app::{App, AppError};
use paydesk_domain::DomainError;
use paydesk_domain::message::{Author, Message};
use paydesk_domain::ticket::{Status, ticket_number};

/// The page.
pub async fn show(
    State(app): State<App>,
    token: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    origin: Origin,
    headers: HeaderMap,
) -> Response {
    let Ok(Path(token)) = token else {
        return not_found();
    };
    let cookie = FormCookie::sent_or_new(&headers);
    match page(&app, &cookie, &token, &Upload::default()).await {
        Ok(mut page) => {
            page.is_answered = query.as_deref() == Some("answered=1");
            answer(StatusCode::OK, &page, Some(&cookie), origin.is_secure)
        }
        Err(AppError::NotFound { .. }) => not_found(),
        Err(e) => failure(&e),
    }
}

/// Adds the customer's answer.
pub async fn answer_request(
    State(app): State<App>,
    token: Result<Path<String>, PathRejection>,
    origin: Origin,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(Path(token)) = token else {
        return not_found();
    };
    let cookie = FormCookie::sent_or_new(&headers);
    let upload = match multipart {
        Ok(m) => match upload::read(m).await {
            Ok(u) => u,
            Err(e) => return unreadable(&e),
        },
        Err(_) => return unreadable(&upload::Unreadable::Malformed),
    };
    let again = Again {
        app: &app,
        cookie: &cookie,
        token: &token,
        upload: &upload,
        secure: origin.is_secure,
    };
    let key = match app.portal_key().await {
        Ok(k) => k,
        Err(e) => return failure(&e),
    };
    if !cookie.accepts(&key, upload.text(FIELD), &scope(&token), app.now()) {
        let text = "The form expired or was not sent from this site, so nothing was sent. Write your answer again (your browser must accept cookies from this site).";
        return again.show(StatusCode::FORBIDDEN, "body", text).await;
    }
    let bad = StatusCode::BAD_REQUEST;
    if !upload.too_long.is_empty() {
        return again.show(bad, "body", "This is too long.").await;
    }
    if let Some(problem) = &upload.file_problem {
        return again.show(bad, "attachments", problem).await;
    }
    let body = upload.text("body").to_string();
    match app
        .answer_support_request(origin.ip.as_deref(), &token, body, upload.files.clone())
        .await
    {
        Ok(_) => {
            let to = format!("{PREFIX}/status/{token}?answered=1");
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(v) = HeaderValue::from_str(&to) {
                response.headers_mut().insert(header::LOCATION, v);
            }
            response
        }
        Err(AppError::NotFound { .. }) => not_found(),
        Err(AppError::RateLimited { retry_after_secs }) => rate_limited(retry_after_secs),
        Err(AppError::Domain(DomainError::TicketClosed)) => {
            again
                .show(StatusCode::CONFLICT, "body", "This request is closed.")
                .await
        }
        Err(e) => match field_problem(&e) {
            Some((field, message)) => again.show(bad, field, &message).await,
            None => failure(&e),
        },
    }
}

/// The status page again after a refused answer, keeping what was typed.
struct Again<'a> {
    app: &'a App,
    cookie: &'a FormCookie,
    token: &'a str,
    upload: &'a Upload,
    secure: bool,
}

impl Again<'_> {
    async fn show(&self, status: StatusCode, field: &str, message: &str) -> Response {
        match page(self.app, self.cookie, self.token, self.upload).await {
            Ok(mut page) => {
                let id = if field.starts_with("attachments") {
                    "attachments"
                } else {
                    "body"
                };
                let problem = flag(&mut [&mut page.answer, &mut page.attachments], id, message);
                page.errors.push(problem);
                answer(status, &page, Some(self.cookie), self.secure)
            }
            Err(AppError::NotFound { .. }) => not_found(),
            Err(e) => failure(&e),
        }
    }
}

/// Form tokens of a status page are good for that request's page only.
fn scope(token: &str) -> String {
    format!("status:{token}")
}

fn not_found() -> Response {
    answer(
        StatusCode::NOT_FOUND,
        &MessagePage::link_not_found(),
        None,
        false,
    )
}

async fn page(
    app: &App,
    cookie: &FormCookie,
    token: &str,
    typed: &Upload,
) -> Result<StatusPage, AppError> {
    let view = app.support_status(token).await?;
    let key = app.portal_key().await?;
    let t = &view.ticket;
    let (status_label, status_hint) = words(t.status);
    Ok(StatusPage {
        number: ticket_number(t.id),
        subject: t.subject.clone(),
        status_key: t.status.as_str(),
        status_label,
        status_hint,
        opened: when(t.created_at),
        is_closed: t.status == Status::Closed,
        is_answered: false,
        messages: view.messages.iter().map(line).collect(),
        action: format!("{PREFIX}/status/{token}"),
        csrf_token: cookie.token(&key, &scope(token), app.now()),
        errors: vec![],
        answer: Field::new("body", typed.text("body")),
        attachments: Field::new("attachments", ""),
        limits: upload::limits_text(),
    })
}

/// How a status reads to the customer, and what it means for them.
fn words(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::New => ("Received", "We have your request and will answer soon."),
        Status::Open => ("In progress", "We are working on your request."),
        Status::Pending => (
            "Waiting for your answer",
            "We asked you something: answer below so that we can go on.",
        ),
        Status::OnHold => (
            "In progress",
            "We are waiting on another team and will write as soon as we know more.",
        ),
        Status::Solved => (
            "Solved",
            "We think this is solved. If it is not, answer below and we will look again.",
        ),
        Status::Closed => ("Closed", "This request is closed."),
    }
}

fn line(m: &Message) -> MessageLine {
    let (author, is_yours) = match m.author {
        Author::Customer { .. } => ("You", true),
        Author::User { .. } => ("Support team", false),
        Author::System => ("Payments Support", false),
    };
    MessageLine {
        author,
        is_yours,
        when: when(m.created_at),
        iso: crate::time::format(m.created_at),
        body: m.body.clone(),
        attachments: m.attachments.iter().map(FileLine::from).collect(),
    }
}

/// `21 Sep 2026, 14:05 UTC`.
fn when(t: paydesk_domain::Timestamp) -> String {
    jiff::Timestamp::from_millisecond(t.0)
        .map(|ts| ts.strftime("%-d %b %Y, %H:%M UTC").to_string())
        .unwrap_or_default()
}
