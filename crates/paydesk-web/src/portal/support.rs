//! `GET /support` shows the support form; `POST /support` sends it.

use super::form_cookie::{FIELD, FormCookie};
use super::page::{Choice, Field, FileLine, FormPage, Problem, ReceivedPage, answer, flag};
use super::upload::{self, Upload};
use super::{failure, field_problem, rate_limited, status_link, unreadable};
use crate::auth::Origin;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use paydesk_app::portal::{CATEGORIES, Submitted, SupportRequest};
use paydesk_app::{App, AppError};
use paydesk_domain::ticket::{BusinessLine, ticket_number};

/// The scope form tokens of this form are signed for.
const SCOPE: &str = "support";

const LINES: [(&str, &str); 3] = [
    (
        "buyer",
        "A buyer: I pay for coins, gifts, orders or subscriptions",
    ),
    ("merchant", "A merchant: I sell on the platform"),
    ("creator", "A creator: I earn from my content"),
];

/// The form, empty.
pub async fn show(State(app): State<App>, origin: Origin, headers: HeaderMap) -> Response {
    let cookie = FormCookie::sent_or_new(&headers);
    match form(&app, &cookie, &Upload::default()).await {
        Ok(page) => answer(StatusCode::OK, &page, Some(&cookie), origin.is_secure),
        Err(e) => failure(&e),
    }
}

/// Sends the form: a confirmation with the request number and status link, or the form
/// again with what is wrong.
pub async fn send(
    State(app): State<App>,
    origin: Origin,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let cookie = FormCookie::sent_or_new(&headers);
    let secure = origin.is_secure;
    let upload = match multipart {
        Ok(m) => match upload::read(m).await {
            Ok(u) => u,
            Err(e) => return unreadable(&e),
        },
        Err(_) => return unreadable(&upload::Unreadable::Malformed),
    };
    let key = match app.portal_key().await {
        Ok(k) => k,
        Err(e) => return failure(&e),
    };
    if !cookie.accepts(&key, upload.text(FIELD), SCOPE, app.now()) {
        return refill(
            &app,
            &cookie,
            &upload,
            secure,
            StatusCode::FORBIDDEN,
            "email",
            "The form expired or was not sent from this site, so nothing was sent. Check your details and send it again (your browser must accept cookies from this site).",
        )
        .await;
    }
    let bad = StatusCode::BAD_REQUEST;
    if let Some(name) = upload.too_long.first() {
        return refill(
            &app,
            &cookie,
            &upload,
            secure,
            bad,
            name,
            "This is too long.",
        )
        .await;
    }
    if let Some(problem) = &upload.file_problem {
        return refill(&app, &cookie, &upload, secure, bad, "attachments", problem).await;
    }
    let request = SupportRequest {
        email: upload.text("email").to_string(),
        name: upload.text("name").to_string(),
        business_line: upload.text("business_line").parse::<BusinessLine>().ok(),
        category: upload.text("category").to_string(),
        order_ref: upload.text("order_ref").to_string(),
        description: upload.text("description").to_string(),
        attachments: upload.files.clone(),
    };
    let is_honeypot = !upload.text("website").trim().is_empty();
    match app
        .submit_support_request(origin.ip.as_deref(), request, is_honeypot)
        .await
    {
        Ok(Submitted::Ticket(receipt)) => {
            let page = ReceivedPage {
                number: Some(ticket_number(receipt.ticket.id)),
                link: Some(status_link(&app, &receipt.status_token)),
                attachments: receipt.attachments.iter().map(FileLine::from).collect(),
            };
            answer(StatusCode::OK, &page, Some(&cookie), secure)
        }
        Ok(Submitted::Discarded) => {
            let page = ReceivedPage {
                number: None,
                link: None,
                attachments: vec![],
            };
            answer(StatusCode::OK, &page, Some(&cookie), secure)
        }
        Err(AppError::RateLimited { retry_after_secs }) => rate_limited(retry_after_secs),
        Err(e) => match field_problem(&e) {
            Some((field, message)) => {
                refill(&app, &cookie, &upload, secure, bad, field, &message).await
            }
            None => failure(&e),
        },
    }
}

/// The form again, filled with what was sent, with `message` on `field`.
async fn refill(
    app: &App,
    cookie: &FormCookie,
    upload: &Upload,
    secure: bool,
    status: StatusCode,
    field: &str,
    message: &str,
) -> Response {
    match form(app, cookie, upload).await {
        Ok(mut page) => {
            let problem = page.flag(field, message);
            page.errors.push(problem);
            answer(status, &page, Some(cookie), secure)
        }
        Err(e) => failure(&e),
    }
}

/// The form, filled with what `typed` holds, with a fresh token.
async fn form(app: &App, cookie: &FormCookie, typed: &Upload) -> Result<FormPage, AppError> {
    let key = app.portal_key().await?;
    let line = typed.text("business_line");
    let category = typed.text("category");
    Ok(FormPage {
        csrf_token: cookie.token(&key, SCOPE, app.now()),
        errors: vec![],
        email: Field::new("email", typed.text("email")),
        name: Field::new("name", typed.text("name")),
        business_line: Field::new("business_line", line),
        lines: LINES
            .iter()
            .map(|(key, label)| Choice {
                key,
                label,
                is_chosen: *key == line,
            })
            .collect(),
        category: Field::new("category", category),
        categories: CATEGORIES
            .iter()
            .map(|c| Choice {
                key: c.key,
                label: c.label,
                is_chosen: c.key == category,
            })
            .collect(),
        order_ref: Field::new("order_ref", typed.text("order_ref")),
        description: Field::new("description", typed.text("description")),
        attachments: Field::new("attachments", ""),
        limits: upload::limits_text(),
    })
}

impl FormPage {
    /// Marks the field the app named (by its name in the use case) with `message`.
    fn flag(&mut self, field: &str, message: &str) -> Problem {
        let id = match field {
            "email" | "emails" => "email",
            "name" => "name",
            "business_line" => "business_line",
            "category" => "category",
            "order_ref" => "order_ref",
            f if f.starts_with("attachments") => "attachments",
            _ => "description",
        };
        flag(
            &mut [
                &mut self.email,
                &mut self.name,
                &mut self.business_line,
                &mut self.category,
                &mut self.order_ref,
                &mut self.description,
                &mut self.attachments,
            ],
            id,
            message,
        )
    }
}
