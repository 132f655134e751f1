//! The public support portal: server-rendered pages under `/support` that work without
//! JavaScript and load nothing from elsewhere.
//!
//! - `GET /support`: the support form; `POST /support`: sends it (multipart, with files).
//! - `GET /support/status/{token}`: a request's status and public answers, by its signed
//!   link; `POST` to the same address adds the customer's answer.
//! - `GET /support/portal.css`: the pages' style sheet, built into the binary.
//!
//! No login: forms carry a token signed for the browser's `paydesk_form` cookie (see
//! [`form_cookie`]), the hidden `website` field catches bots, and each client address has
//! a number of submissions per hour. These routes never act as a signed-in staff member:
//! the authentication layer leaves their session cookie alone (see [`crate::auth`]).

mod form_cookie;
mod page;
mod status;
mod support;
mod upload;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use paydesk_app::{App, AppError};
use paydesk_domain::DomainError;
use paydesk_domain::redaction::redact;

/// Where the portal lives; the authentication layer treats everything below as public.
pub const PREFIX: &str = "/support";

const STYLE: &str = include_str!("../assets/portal.css");

/// The routes of this part.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/support", get(support::show).post(support::send))
        .route(
            "/support/status/{token}",
            get(status::show).post(status::answer_request),
        )
        .route("/support/portal.css", get(style))
        .method_not_allowed_fallback(not_allowed)
        .layer(DefaultBodyLimit::max(upload::BODY_MAX))
}

async fn not_allowed() -> Response {
    let page = page::MessagePage {
        heading: "This page cannot do that",
        paragraphs: vec!["Open the support form and send it from there.".into()],
        link_href: PREFIX,
        link_text: "Contact support",
    };
    page::answer(StatusCode::METHOD_NOT_ALLOWED, &page, None, false)
}

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
}

/// The full status link of a request, on the public address customers reach us at.
fn status_link(app: &App, token: &str) -> String {
    format!("{}{PREFIX}/status/{token}", app.intake().public_url)
}

/// The field a use case refused and why, as a sentence for the page (masked, like every
/// problem detail, in case it quotes what was typed).
fn field_problem(e: &AppError) -> Option<(&str, String)> {
    let (field, reason) = match e {
        AppError::Invalid { field, reason } => (field.as_str(), reason.as_str()),
        AppError::Domain(DomainError::Invalid { field, reason }) => (*field, reason.as_str()),
        _ => return None,
    };
    let reason = redact(reason).text;
    let mut chars = reason.chars();
    let mut sentence: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !sentence.ends_with('.') {
        sentence.push('.');
    }
    Some((field, sentence))
}

/// 500: logged with its cause (masked), and a page that says nothing internal.
fn failure(e: &AppError) -> Response {
    tracing::error!(cause = %redact(&e.to_string()).text, "a portal request failed");
    page::answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        &page::MessagePage::failure(),
        None,
        false,
    )
}

/// A form that could not be read: too large (413), or not a form (400).
fn unreadable(e: &upload::Unreadable) -> Response {
    let (status, heading, text) = match e {
        upload::Unreadable::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "What you sent is too large",
            format!(
                "Nothing was sent. {} Go back, remove some files and send again.",
                upload::limits_text()
            ),
        ),
        upload::Unreadable::Malformed => (
            StatusCode::BAD_REQUEST,
            "The form could not be read",
            "Nothing was sent. Open the form again and send it from there.".to_string(),
        ),
    };
    let page = page::MessagePage {
        heading,
        paragraphs: vec![text],
        link_href: PREFIX,
        link_text: "Back to the support form",
    };
    page::answer(status, &page, None, false)
}

/// 429, saying when to try again.
fn rate_limited(retry_after_secs: u64) -> Response {
    let minutes = retry_after_secs.div_ceil(60).max(1);
    let when = if minutes == 1 {
        "1 minute".to_string()
    } else {
        format!("{minutes} minutes")
    };
    let page = page::MessagePage {
        heading: "Too many requests from your connection",
        paragraphs: vec![
            "We have received several requests from your connection in the last hour, so this one was not sent.".into(),
            format!("Please try again in {when}. What you sent before is safe: we will answer it by email."),
        ],
        link_href: PREFIX,
        link_text: "Back to the support form",
    };
    let mut response = page::answer(StatusCode::TOO_MANY_REQUESTS, &page, None, false);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}
