//! The console as a browser without JavaScript uses it: pages fetched with the session
//! cookie, forms posted urlencoded with (or without) the hidden `csrf_token` field.

use crate::common::{Api, Person, Reply};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use paydesk_domain::TicketId;
use paydesk_domain::ticket::ticket_number;

/// The page of ticket `id`.
pub fn path(id: TicketId) -> String {
    format!("/desk/tickets/{}", ticket_number(id))
}

/// `GET path` as `who`.
pub async fn get(api: &Api, who: &Person, path: &str) -> Reply {
    let request = Request::get(path)
        .header(header::COOKIE, who.cookie.clone())
        .body(Body::empty())
        .unwrap();
    api.send(request).await
}

/// The page of `path` as `who`, which must answer 200; its HTML.
pub async fn html(api: &Api, who: &Person, path: &str) -> String {
    let reply = get(api, who, path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    String::from_utf8(reply.body.to_vec()).unwrap()
}

/// Posts `fields` to `path` as a form would, with the session's CSRF field when
/// `with_csrf`.
pub async fn post(
    api: &Api,
    who: &Person,
    path: &str,
    fields: &[(&str, &str)],
    with_csrf: bool,
) -> Reply {
    let mut pairs: Vec<(&str, &str)> = fields.to_vec();
    if with_csrf {
        pairs.push(("csrf_token", who.csrf.as_str()));
    }
    let body = serde_urlencoded::to_string(&pairs).unwrap();
    let request = Request::post(path)
        .header(header::COOKIE, who.cookie.clone())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    api.send(request).await
}

/// The body of a reply as text.
pub fn text(reply: &Reply) -> String {
    String::from_utf8_lossy(&reply.body).into_owned()
}

/// The value of the hidden `name` field in a page (the first one).
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name} field"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// The `<article>` that holds `words`, as HTML.
pub fn article_with<'a>(html: &'a str, words: &str) -> &'a str {
    html.split("<article ")
        .skip(1)
        .find(|a| a.contains(words))
        .unwrap_or_else(|| panic!("no message with {words:?}"))
}
