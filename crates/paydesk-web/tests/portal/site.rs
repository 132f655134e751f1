//! The whole router as a browser and the platform's backend meet it: requests from a
//! client address, a cookie jar per browser, multipart forms, and reads of the database
//! to check what a request left behind.

use crate::common::{Reply, T0};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use paydesk_app::settings::IntakeSettings;
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::event::Event;
use paydesk_domain::policy::Scope;
use paydesk_domain::role::Role;
use paydesk_store::{PageRequest, Store};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;

/// Where status links point.
pub const PUBLIC_URL: &str = "https://help.example.com";
/// The staff member some tests sign in as.
const AGENT: &str = "agent@desk.example";
const PASSWORD: &str = "a long enough password";
/// How many submissions a client address may make per hour here.
pub const PER_HOUR: u32 = 4;

pub struct Site {
    router: axum::Router,
    pub app: App,
    pub store: Store,
    pub clock: Arc<ManualClock>,
}

impl Site {
    pub fn new(store: Store) -> Self {
        let clock = Arc::new(ManualClock::at(Timestamp(T0)));
        let intake = IntakeSettings {
            public_url: PUBLIC_URL.into(),
            form_submissions_per_hour: PER_HOUR,
            chat_idle_minutes: 10,
            ..IntakeSettings::default()
        };
        let app = App::new(store.clone(), clock.clone()).with_intake(intake);
        Self {
            router: paydesk_web::router(app.clone()),
            app,
            store,
            clock,
        }
    }

    /// Sends `request` from `peer`.
    pub async fn send_from(&self, peer: &str, mut request: Request<Body>) -> Reply {
        let peer: SocketAddr = peer.parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
        crate::common::send_to(&self.router, request).await
    }

    /// How many rows `table` holds.
    pub async fn count(&self, table: &str) -> i64 {
        let mut tx = self.store.read().await.unwrap();
        let row = tx
            .row(
                &format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}"),
                &[],
            )
            .await
            .unwrap()
            .unwrap();
        row.i64("n").unwrap()
    }

    /// The one ticket there is.
    pub async fn only_ticket(&self) -> paydesk_domain::ticket::Ticket {
        let page = PageRequest {
            limit: 2,
            cursor: None,
        };
        let mut items = self
            .store
            .list_tickets(&paydesk_store::TicketFilter::default(), &page)
            .await
            .unwrap()
            .items;
        assert_eq!(items.len(), 1);
        items.remove(0)
    }

    /// A ticket's events, oldest first.
    pub async fn events(&self, id: paydesk_domain::TicketId) -> Vec<Event> {
        let page = PageRequest {
            limit: 200,
            cursor: None,
        };
        self.app
            .timeline(&Caller::system(), id, &page)
            .await
            .unwrap()
            .items
    }

    /// An agent, signed in in `browser`; returns the session's CSRF token.
    pub async fn signed_in_agent(&self, browser: &mut Browser<'_>) -> String {
        self.app
            .add_user(
                &Caller::system(),
                AGENT,
                "Agent",
                Role::Agent,
                None,
                Some(PASSWORD),
            )
            .await
            .unwrap();
        let body = serde_json::json!({ "email": AGENT, "password": PASSWORD });
        let reply = browser
            .json(Method::POST, "/api/v1/session", &body, &[])
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        assert!(browser.cookie("paydesk_session").is_some());
        reply.json()["csrf_token"].as_str().unwrap().to_string()
    }

    /// A new API token with `scopes`.
    pub async fn token(&self, scopes: &[Scope]) -> String {
        self.app
            .create_token(&Caller::system(), "platform", scopes, None)
            .await
            .unwrap()
            .token
    }
}

/// One browser: its address and its cookies.
pub struct Browser<'a> {
    pub site: &'a Site,
    pub peer: String,
    cookies: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    pub fn new(site: &'a Site, peer: &str) -> Self {
        Self {
            site,
            peer: peer.into(),
            cookies: vec![],
        }
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.retain(|(n, _)| n != name);
        self.cookies.push((name.into(), value.into()));
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn forget_cookies(&mut self) {
        self.cookies.clear();
    }

    async fn send(&mut self, builder: axum::http::request::Builder, body: Body) -> Reply {
        let mut builder = builder;
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            builder = builder.header("cookie", jar.join("; "));
        }
        let reply = self
            .site
            .send_from(&self.peer, builder.body(body).unwrap())
            .await;
        for set in reply.headers.get_all("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.retain(|(n, _)| n != name);
            } else {
                self.set_cookie(name, value);
            }
        }
        reply
    }

    pub async fn get(&mut self, uri: &str) -> Reply {
        self.send(
            Request::builder().method(Method::GET).uri(uri),
            Body::empty(),
        )
        .await
    }

    /// Posts `form` as `multipart/form-data`, with extra headers.
    pub async fn post(&mut self, uri: &str, form: &Form, headers: &[(&str, &str)]) -> Reply {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header("content-type", crate::multipart::content_type());
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        self.send(builder, Body::from(form.body())).await
    }

    /// Sends JSON with extra headers (for the API).
    pub async fn json(
        &mut self,
        method: Method,
        uri: &str,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        self.send(builder, Body::from(body.to_string())).await
    }
}

/// A multipart form.
#[derive(Debug, Clone, Default)]
pub struct Form {
    fields: Vec<(String, String)>,
    /// File name, media type, bytes.
    files: Vec<(String, String, Vec<u8>)>,
}

impl Form {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn field(mut self, name: &str, value: &str) -> Self {
        self.fields.retain(|(n, _)| n != name);
        self.fields.push((name.into(), value.into()));
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.fields.retain(|(n, _)| n != name);
        self
    }

    pub fn file(mut self, filename: &str, content_type: &str, bytes: Vec<u8>) -> Self {
        self.files
            .push((filename.into(), content_type.into(), bytes));
        self
    }

    fn body(&self) -> Vec<u8> {
        let fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let files: Vec<(&str, &str, &[u8])> = self
            .files
            .iter()
            .map(|(f, t, b)| (f.as_str(), t.as_str(), b.as_slice()))
            .collect();
        crate::multipart::body(&fields, &files)
    }
}

/// The page as text.
pub fn html(reply: &Reply) -> String {
    String::from_utf8(reply.body.to_vec()).unwrap()
}

/// The value of the hidden form token on a page.
pub fn csrf_token(reply: &Reply) -> String {
    let page = html(reply);
    let start = page
        .find("name=\"csrf_token\" value=\"")
        .unwrap_or_else(|| panic!("no form token on the page: {}", reply.text()))
        + "name=\"csrf_token\" value=\"".len();
    page[start..].split('"').next().unwrap().to_string()
}

/// The path of the status link on a confirmation page.
pub fn status_path(reply: &Reply) -> String {
    let page = html(reply);
    let prefix = format!("href=\"{PUBLIC_URL}");
    let start = page
        .find(&format!("{prefix}/support/status/"))
        .unwrap_or_else(|| panic!("no status link: {}", reply.text()))
        + prefix.len();
    page[start..].split('"').next().unwrap().to_string()
}

/// A complete, valid support request (token still to add).
pub fn request(email: &str) -> Form {
    Form::new()
        .field("email", email)
        .field("name", "Ana Souza")
        .field("business_line", "merchant")
        .field("category", "refund")
        .field("order_ref", "ORD-2026-77")
        .field(
            "description",
            "My customer was refunded twice for one order.",
        )
}

/// The form page, then the request sent with its token; the reply to the post.
pub async fn send_request(browser: &mut Browser<'_>, form: Form) -> Reply {
    let page = browser.get("/support").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let token = csrf_token(&page);
    browser
        .post("/support", &form.field("csrf_token", &token), &[])
        .await
}
