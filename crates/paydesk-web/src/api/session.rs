//! `/session`: sign in (public), who am I, sign out (here or everywhere).
//!
//! Signing in sets the `paydesk_session` cookie (see [`crate::auth`] for its flags) and
//! answers the CSRF token to send in `X-CSRF-Token` with every change.

use crate::auth::{self, Authenticated, Origin};
use crate::error::Problem;
use crate::extract::{Json, Query};
use crate::time::format;
use axum::Router;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use paydesk_app::App;
use paydesk_app::access::SessionAuth;
use paydesk_domain::Timestamp;
use paydesk_domain::role::Role;
use paydesk_store::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET`, `POST` and `DELETE /session`, to nest under `/api/v1`.
pub fn routes() -> Router<App> {
    Router::new().route("/session", get(current).post(sign_in).delete(sign_out))
}

/// Email and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

/// The person signed in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// A live session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub user: SessionUser,
    /// Send it in `X-CSRF-Token` with every POST, PUT, PATCH and DELETE.
    pub csrf_token: String,
    /// When the session ends at the latest (it ends sooner after 30 idle minutes).
    pub expires_at: String,
}

impl SessionOut {
    fn new(user: &User, csrf_token: String, expires_at: Timestamp) -> Self {
        Self {
            user: SessionUser {
                id: user.id.0,
                email: user.email.clone(),
                name: user.name.clone(),
                role: user.role,
            },
            csrf_token,
            expires_at: format(expires_at),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SignOutParams {
    /// End every session of this person, on every device.
    everywhere: Option<bool>,
}

fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// Sign in with email and password. Sets the session cookie. After repeated failures,
/// tries are refused (429, with `Retry-After`) even with the right password.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SignIn,
    responses(
        (status = 200, body = SessionOut, description = "Signed in; the session cookie is set",
            headers(("Set-Cookie" = String, description = "paydesk_session=...; Path=/; HttpOnly; SameSite=Lax; Max-Age=...; Secure over TLS"))),
        (status = 400, body = Problem),
        (status = 401, body = Problem, description = "`sign_in_failed`: the email or the password is not right"),
        (status = 429, body = Problem, description = "`too_many_attempts`; see Retry-After"),
    ))]
pub async fn sign_in(
    State(app): State<App>,
    origin: Origin,
    Json(body): Json<SignIn>,
) -> Result<Response, Response> {
    let signed_in = app
        .sign_in(
            &body.email,
            &body.password,
            origin.ip.as_deref(),
            origin.user_agent.as_deref(),
        )
        .await
        .map_err(auth::problem)?;
    let max_age = signed_in.expires_at.since(app.now()) / 1000;
    let out = SessionOut::new(&signed_in.user, signed_in.csrf_token, signed_in.expires_at);
    let mut response = axum::Json(out).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        auth::session_cookie_header(&signed_in.session_token, max_age, origin.is_secure),
    );
    no_store(&mut response);
    Ok(response)
}

/// The person signed in with the session cookie, and the session's CSRF token.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, body = SessionOut), (status = 401, body = Problem)))]
pub async fn current(session: Option<Extension<SessionAuth>>) -> Result<Response, Response> {
    let Some(Extension(s)) = session else {
        return Err(no_session());
    };
    let mut response =
        axum::Json(SessionOut::new(&s.user, s.csrf_token, s.expires_at)).into_response();
    no_store(&mut response);
    Ok(response)
}

/// Sign out: end this session, or with `everywhere=true` every session of this person.
/// Needs `X-CSRF-Token`. Clears the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", params(SignOutParams),
    responses((status = 204, description = "Signed out; the cookie is cleared"), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn sign_out(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    session: Option<Extension<SessionAuth>>,
    origin: Origin,
    headers: HeaderMap,
    Query(params): Query<SignOutParams>,
) -> Result<Response, Response> {
    let (Some(Extension(s)), Some(token)) = (session, auth::session_cookie(&headers)) else {
        return Err(no_session());
    };
    if params.everywhere.unwrap_or(false) {
        app.sign_out_everywhere(&caller, s.user.id)
            .await
            .map_err(auth::problem)?;
    } else {
        app.sign_out(&token).await.map_err(auth::problem)?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        auth::clear_session_cookie(origin.is_secure),
    );
    Ok(response)
}

fn no_session() -> Response {
    auth::unauthenticated(
        "no session: sign in with POST /api/v1/session (API tokens have no session)",
        None,
    )
}
