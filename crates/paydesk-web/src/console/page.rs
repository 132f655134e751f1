//! How console pages are answered: HTML from askama templates under
//! `templates/console/`, escaped on output and never cached (they carry personal data);
//! and the pages every part shares: a message (errors included) and the shortcuts.

use super::desk::{Chrome, Desk, Section};
use crate::error::ApiError;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use paydesk_app::AppError;
use paydesk_domain::redaction::redact;

/// One keyboard shortcut, as the help overlay and its page list it.
#[derive(Debug, Clone, Copy)]
pub struct Shortcut {
    pub keys: &'static str,
    pub what: &'static str,
}

/// Every shortcut of the console; `console.js` binds them to the elements that carry
/// `data-shortcut`.
pub const SHORTCUTS: &[Shortcut] = &[
    Shortcut {
        keys: "n",
        what: "Take the next ticket",
    },
    Shortcut {
        keys: "/",
        what: "Search",
    },
    Shortcut {
        keys: "h",
        what: "Go to my work",
    },
    Shortcut {
        keys: "r",
        what: "Reply to the customer (on a ticket)",
    },
    Shortcut {
        keys: "i",
        what: "Write an internal note (on a ticket)",
    },
    Shortcut {
        keys: "a",
        what: "Assign the ticket to me (on a ticket)",
    },
    Shortcut {
        keys: "s",
        what: "Solve the ticket (on a ticket)",
    },
    Shortcut {
        keys: "?",
        what: "Show these shortcuts",
    },
    Shortcut {
        keys: "Esc",
        what: "Close this list, or leave a text box",
    },
];

/// Renders `page` with `status`, as HTML that is never cached.
pub fn answer(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => {
            tracing::error!(cause = %e, "a console page could not be rendered");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    }
}

/// A page with a heading, some sentences and a way on.
#[derive(Template)]
#[template(path = "console/message.html")]
pub struct MessagePage {
    pub chrome: Chrome,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub link_href: String,
    pub link_text: String,
}

/// A use case's refusal as a page with the API's status and a sentence that says what
/// to do. Server failures are logged (masked) and say nothing internal.
pub fn failure(desk: &Desk, section: Section, e: AppError) -> Response {
    let api = ApiError::from(e);
    let (heading, text) = match api.status {
        StatusCode::NOT_FOUND => (
            "Not found".to_string(),
            "It does not exist, or it is not yours to see.".to_string(),
        ),
        StatusCode::FORBIDDEN => (
            "Not allowed".to_string(),
            format!(
                "{}. Ask a lead or an admin if you need it.",
                sentence(&api.detail)
            ),
        ),
        s if s.is_server_error() => {
            tracing::error!(cause = %redact(&api.detail).text, "a console request failed");
            (
                "Something went wrong".to_string(),
                "Nothing was lost. Try again in a moment.".to_string(),
            )
        }
        _ => ("That did not work".to_string(), sentence(&api.detail)),
    };
    let page = MessagePage {
        chrome: desk.chrome(section),
        heading,
        paragraphs: vec![text],
        link_href: super::PREFIX.to_string(),
        link_text: "Back to my work".to_string(),
    };
    answer(api.status, &page)
}

/// `text` masked, with a capital and a full stop.
#[must_use]
pub fn sentence(text: &str) -> String {
    let text = redact(text).text;
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// The shortcuts as a page.
#[derive(Template)]
#[template(path = "console/shortcuts.html")]
pub struct ShortcutsPage {
    pub chrome: Chrome,
}

/// `GET /desk/shortcuts`.
pub async fn shortcuts(desk: Desk) -> Response {
    answer(
        StatusCode::OK,
        &ShortcutsPage {
            chrome: desk.chrome(Section::Shortcuts),
        },
    )
}

/// A console address that leads nowhere: a page with the way back (signed in), or the
/// sign-in page (not signed in).
pub async fn not_found(desk: Desk) -> Response {
    let page = MessagePage {
        chrome: desk.chrome(Section::Work),
        heading: "Not found".to_string(),
        paragraphs: vec!["There is no page at this address.".to_string()],
        link_href: super::PREFIX.to_string(),
        link_text: "Back to my work".to_string(),
    };
    answer(StatusCode::NOT_FOUND, &page)
}
