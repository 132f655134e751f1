//! A router with only the session and token routes behind the authentication layer, a
//! probe route that echoes the caller, and a client that keeps a session's cookie and
//! CSRF token.

pub use crate::common::Call;
use crate::common::{Reply, T0};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use http_body_util::BodyExt as _;
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use paydesk_web::api::{session, tokens};
use paydesk_web::auth::{Authenticated, authenticate};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt as _;

pub const PASSWORD: &str = "correct horse battery staple";
/// The address every request comes from, unless it says otherwise.
pub const PEER: &str = "192.0.2.10:50000";

pub struct AuthApi {
    router: Router,
    pub app: App,
    pub clock: Arc<ManualClock>,
}

/// Echoes who the layer said is calling.
async fn probe(Authenticated(caller): Authenticated) -> Json<Value> {
    Json(json!({ "actor": format!("{:?}", caller.actor()), "ip": caller.ip }))
}

impl AuthApi {
    pub fn new(store: Store) -> Self {
        let clock = Arc::new(ManualClock::at(Timestamp(T0)));
        let app = App::new(store.clone(), clock.clone());
        let api = Router::new()
            .merge(session::routes())
            .merge(tokens::routes())
            .route("/probe", get(probe).post(probe));
        let router = Router::new()
            .nest("/api/v1", api)
            .layer(axum::middleware::from_fn_with_state(
                app.clone(),
                authenticate,
            ))
            .with_state(app.clone());
        Self { router, app, clock }
    }

    /// A staff user with [`PASSWORD`].
    pub async fn person(&self, email: &str, role: Role) {
        self.app
            .add_user(
                &Caller::system(),
                email,
                "Person",
                role,
                None,
                Some(PASSWORD),
            )
            .await
            .unwrap();
    }

    pub async fn send(&self, mut request: Request<Body>) -> Reply {
        if request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_none()
        {
            let peer: SocketAddr = PEER.parse().unwrap();
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// Signs in; the reply must be 200.
    pub async fn sign_in(&self, email: &str) -> Session {
        let reply = Call::post(
            "/api/v1/session",
            json!({ "email": email, "password": PASSWORD }),
        )
        .send(self)
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        Session::from_reply(&reply)
    }
}

/// A signed-in browser: its cookie and the CSRF token it was given.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
    pub body: Value,
}

impl Session {
    pub fn from_reply(reply: &Reply) -> Self {
        let set_cookie = reply.header("set-cookie").expect("a Set-Cookie header");
        let cookie = set_cookie.split(';').next().unwrap().to_string();
        let body = reply.json();
        Self {
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_string(),
            body,
        }
    }

    /// The cookie's value alone.
    pub fn value(&self) -> &str {
        self.cookie.split_once('=').unwrap().1
    }

    /// `call` with this session's cookie (and no CSRF token).
    pub fn cookie(&self, call: Call) -> Call {
        call.header("cookie", self.cookie.clone())
    }

    /// `call` with this session's cookie and CSRF token.
    pub fn with_csrf(&self, call: Call) -> Call {
        self.cookie(call).header("x-csrf-token", self.csrf.clone())
    }
}

impl Call {
    pub async fn send(self, api: &AuthApi) -> Reply {
        api.send(self.into_request()).await
    }

    /// Sends; the reply must have this status; its JSON body (or null) is returned.
    pub async fn expect(self, api: &AuthApi, status: StatusCode) -> Value {
        let reply = self.send(api).await;
        assert_eq!(reply.status, status, "{}", reply.text());
        if reply.body.is_empty() {
            Value::Null
        } else {
            reply.json()
        }
    }

    /// Sends; the reply must be a problem document with this status and code.
    pub async fn refused(self, api: &AuthApi, status: StatusCode, code: &str) -> Reply {
        let reply = self.send(api).await;
        assert_problem(&reply, status, code);
        reply
    }
}

pub fn assert_problem(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.content_type(), "application/problem+json");
    assert_eq!(reply.json()["code"], code, "{}", reply.text());
    if status == StatusCode::UNAUTHORIZED {
        let challenge = reply.header("www-authenticate").unwrap_or("");
        assert!(
            challenge.starts_with("Bearer realm=\"paydesk\""),
            "401 without the challenge: {challenge:?}"
        );
    }
}
