//! The portal's pages (askama templates under `templates/portal/`, escaped on output) and
//! how they are answered: HTML, never cached (they can carry personal data), with the
//! form cookie when a new one is due.

use super::form_cookie::FormCookie;
use super::upload::size_text;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use paydesk_domain::message::AttachmentMeta;

/// One form field: what was typed, and what is wrong with it.
#[derive(Debug, Clone, Default)]
pub struct Field {
    /// The element's id (the error summary links to it).
    pub id: &'static str,
    pub value: String,
    pub error: Option<String>,
}

impl Field {
    #[must_use]
    pub fn new(id: &'static str, value: &str) -> Self {
        Self {
            id,
            value: value.to_string(),
            error: None,
        }
    }
}

/// A line of the error summary, linking to its field.
#[derive(Debug, Clone)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

/// Puts `message` on the field among `fields` whose id is `id` (or the first field), and
/// returns the summary line.
pub fn flag(fields: &mut [&mut Field], id: &str, message: &str) -> Problem {
    let index = fields.iter().position(|f| f.id == id).unwrap_or(0);
    let field = &mut fields[index];
    field.error.get_or_insert_with(|| message.to_string());
    Problem {
        field: field.id,
        message: message.to_string(),
    }
}

/// A radio button or menu entry.
#[derive(Debug, Clone)]
pub struct Choice {
    pub key: &'static str,
    pub label: &'static str,
    pub is_chosen: bool,
}

/// A file as listed on a page.
#[derive(Debug, Clone)]
pub struct FileLine {
    pub name: String,
    pub size: String,
}

impl From<&AttachmentMeta> for FileLine {
    fn from(a: &AttachmentMeta) -> Self {
        Self {
            name: a.filename.clone(),
            size: size_text(u64::try_from(a.size_bytes).unwrap_or(0)),
        }
    }
}

/// The support form.
#[derive(Template)]
#[template(path = "portal/form.html")]
pub struct FormPage {
    pub csrf_token: String,
    pub errors: Vec<Problem>,
    pub email: Field,
    pub name: Field,
    pub business_line: Field,
    pub lines: Vec<Choice>,
    pub category: Field,
    pub categories: Vec<Choice>,
    pub order_ref: Field,
    pub description: Field,
    pub attachments: Field,
    pub limits: String,
}

/// The confirmation after sending the form.
#[derive(Template)]
#[template(path = "portal/received.html")]
pub struct ReceivedPage {
    pub number: Option<String>,
    pub link: Option<String>,
    pub attachments: Vec<FileLine>,
}

/// A message on the status page.
#[derive(Debug, Clone)]
pub struct MessageLine {
    pub author: &'static str,
    pub is_yours: bool,
    pub when: String,
    pub iso: String,
    pub body: String,
    pub attachments: Vec<FileLine>,
}

/// A request's status, its public messages and the answer form.
#[derive(Template)]
#[template(path = "portal/status.html")]
pub struct StatusPage {
    pub number: String,
    pub subject: String,
    pub status_key: &'static str,
    pub status_label: &'static str,
    pub status_hint: &'static str,
    pub opened: String,
    pub is_closed: bool,
    pub is_answered: bool,
    pub messages: Vec<MessageLine>,
    pub action: String,
    pub csrf_token: String,
    pub errors: Vec<Problem>,
    pub answer: Field,
    pub attachments: Field,
    pub limits: String,
}

/// A page that only says something: not found, refused, too many requests.
#[derive(Template)]
#[template(path = "portal/message.html")]
pub struct MessagePage {
    pub heading: &'static str,
    pub paragraphs: Vec<String>,
    pub link_href: &'static str,
    pub link_text: &'static str,
}

impl MessagePage {
    /// What a wrong, changed or unknown status link shows: nothing about any request.
    #[must_use]
    pub fn link_not_found() -> Self {
        Self {
            heading: "This link does not work",
            paragraphs: vec![
                "Check that you opened the whole link from our message. If it still does not work, send us a new request.".into(),
            ],
            link_href: "/support",
            link_text: "Contact support",
        }
    }

    /// The answer when something failed on our side.
    #[must_use]
    pub fn failure() -> Self {
        Self {
            heading: "Something went wrong on our side",
            paragraphs: vec![
                "Your request was not sent. Please try again in a few minutes.".into(),
            ],
            link_href: "/support",
            link_text: "Back to the support form",
        }
    }
}

/// Renders `page` with `status`, not cached, setting `cookie` when it is new.
pub fn answer(
    status: StatusCode,
    page: &impl Template,
    cookie: Option<&FormCookie>,
    secure: bool,
) -> Response {
    let mut response = match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(cause = %e, "a portal page did not render");
            let text = "Something went wrong on our side. Please try again later.";
            (StatusCode::INTERNAL_SERVER_ERROR, text).into_response()
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(set) = cookie.and_then(|c| c.set_cookie(secure)) {
        headers.append(header::SET_COOKIE, set);
    }
    response
}
