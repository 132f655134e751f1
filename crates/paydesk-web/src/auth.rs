//! Who is calling: the layer that turns credentials into a [`Caller`] on the request.
//!
//! Two kinds of credentials:
//! - `Authorization: Bearer pd_...`: an API token of a system. A request carrying the
//!   header but no valid token is answered 401 at once.
//! - The `paydesk_session` cookie of a person signed in with `POST /api/v1/session`.
//!   The cookie is `HttpOnly` (no script reads it), `SameSite=Lax` (other sites' forms
//!   and scripts do not send it), `Path=/`, and `Secure` when the sign-in request came
//!   over TLS: an `https` request URI, or `X-Forwarded-Proto: https` from the
//!   TLS-terminating proxy paydesk runs behind. Trusting that header cannot weaken the
//!   cookie: a forged one only adds `Secure`. A cookie that names no live session is
//!   ignored (so that signing in again works) and cleared in the answer.
//!
//! With a session cookie, every unsafe method (POST, PUT, PATCH, DELETE) must carry the
//! session's CSRF token in `X-CSRF-Token`, or it is refused with 403 `csrf_failed`.
//! API-token requests need none: browsers never attach a bearer token on their own.
//! HTML forms cannot set headers: they send a `csrf_token` field instead, which this layer
//! reads from `application/x-www-form-urlencoded` bodies (up to [`crate::BODY_LIMIT`])
//! when the header is absent, and hands the body on unchanged.
//!
//! Pages of the public support portal (`/support` and below) ignore the session cookie:
//! they never act as the signed-in person and carry CSRF tokens of their own.
//!
//! A request without credentials goes on without a caller; handlers that need one take
//! [`Authenticated`], which answers 401 `unauthenticated`. Secrets (tokens, cookies) are
//! never logged.

use crate::error::ApiError;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use paydesk_app::{App, AppError, Caller};
use std::net::SocketAddr;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "paydesk_session";
/// The header carrying the CSRF token on unsafe requests made with the session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The challenge sent with every 401.
pub const WWW_AUTHENTICATE: &str = "Bearer realm=\"paydesk\"";

/// The middleware: resolves the caller from a bearer token or the session cookie and
/// puts a [`Caller`] (and, for sessions, the [`paydesk_app::access::SessionAuth`]) into the request's
/// extensions. Add it with `axum::middleware::from_fn_with_state(app, authenticate)`.
///
/// The client address is the peer of the TCP connection (`ConnectInfo<SocketAddr>`, when
/// the server is run with connect info); `X-Forwarded-For` is not trusted.
pub async fn authenticate(State(app): State<App>, mut request: Request, next: Next) -> Response {
    let ip = client_ip(request.extensions());
    if let Some(value) = request.headers().get(header::AUTHORIZATION) {
        let Some(token) = bearer(value) else {
            return unauthenticated(
                "send an API token as Authorization: Bearer <token>",
                Some("invalid_request"),
            );
        };
        return match app.authenticate_token(token).await {
            Ok(principal) => {
                request.extensions_mut().insert(Caller::new(principal, ip));
                next.run(request).await
            }
            Err(AppError::Unauthenticated) => unauthenticated(
                "the API token is not valid: unknown, revoked or expired",
                Some("invalid_token"),
            ),
            Err(e) => problem(e),
        };
    }
    // The public portal never acts as a signed-in person, so a staff member trying the
    // support form in the same browser is not held to the session's CSRF header (the
    // portal's forms carry their own token).
    if is_public_portal(request.uri().path()) {
        return next.run(request).await;
    }
    let Some(session_token) = session_cookie(request.headers()) else {
        return next.run(request).await;
    };
    match app.authenticate_session(&session_token).await {
        Ok(session) => {
            let csrf_ok = if !is_unsafe(request.method()) {
                true
            } else if request.headers().contains_key(CSRF_HEADER) || !is_form(request.headers()) {
                csrf_matches(request.headers(), &session.csrf_token)
            } else {
                let (ok, rebuilt) = form_csrf_matches(request, &session.csrf_token).await;
                request = rebuilt;
                ok
            };
            if !csrf_ok {
                return ApiError {
                    status: StatusCode::FORBIDDEN,
                    code: "csrf_failed",
                    detail: format!(
                        "send the session's CSRF token (from the sign-in answer) in {CSRF_HEADER}, \
                         or as the form field csrf_token; reload the page and try again"
                    ),
                    field: None,
                }
                .into_response();
            }
            let extensions = request.extensions_mut();
            extensions.insert(Caller::new(session.principal.clone(), ip));
            extensions.insert(session);
            next.run(request).await
        }
        Err(AppError::Unauthenticated) => {
            let secure = is_secure(request.uri(), request.headers());
            let mut response = next.run(request).await;
            if !response.headers().contains_key(header::SET_COOKIE) {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, clear_session_cookie(secure));
            }
            response
        }
        Err(e) => problem(e),
    }
}

/// The caller a handler acts for; answers 401 `unauthenticated` when the request came
/// without valid credentials.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .map(Authenticated)
            .ok_or_else(|| {
                unauthenticated(
                    "sign in, or send an API token as Authorization: Bearer <token>",
                    None,
                )
            })
    }
}

/// Where a request came from, for the session record and the cookie's flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The TCP peer's address (see [`authenticate`] on proxies).
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Whether the client reached us over TLS.
    pub is_secure: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Origin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Origin {
            ip: client_ip(&parts.extensions),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            is_secure: is_secure(&parts.uri, &parts.headers),
        })
    }
}

/// A 401 problem with the `WWW-Authenticate` challenge; `error` is RFC 6750's code.
#[must_use]
pub fn unauthenticated(detail: &str, error: Option<&str>) -> Response {
    let mut response = ApiError {
        status: StatusCode::UNAUTHORIZED,
        code: "unauthenticated",
        detail: detail.to_string(),
        field: None,
    }
    .into_response();
    let challenge = match error {
        Some(e) => format!("{WWW_AUTHENTICATE}, error=\"{e}\""),
        None => WWW_AUTHENTICATE.to_string(),
    };
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

/// A use-case failure as a problem document, with `Retry-After` on 429 and the challenge
/// on 401.
#[must_use]
pub fn problem(e: AppError) -> Response {
    let retry_after = match &e {
        AppError::TooManyAttempts { retry_after_secs }
        | AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
        _ => None,
    };
    let mut response = ApiError::from(e).into_response();
    let headers = response.headers_mut();
    if let Some(secs) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if response.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(WWW_AUTHENTICATE),
        );
    }
    response
}

/// `Set-Cookie` for a new session: lives until the session's absolute end.
#[must_use]
pub fn session_cookie_header(value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    cookie(value, max_age_secs.max(0), secure)
}

/// `Set-Cookie` that makes the browser forget the session cookie.
#[must_use]
pub fn clear_session_cookie(secure: bool) -> HeaderValue {
    cookie("", 0, secure)
}

fn cookie(value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    );
    // Session values are alphanumeric, so the header is always valid.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The value of the session cookie, if the request has one.
#[must_use]
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The value of the cookie `name`, if the request has one that is not empty.
#[must_use]
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim().trim_matches('"').to_string())
        .filter(|v| !v.is_empty())
}

/// Whether the client reached us over TLS (see the module notes on the proxy header).
#[must_use]
pub fn is_secure(uri: &axum::http::Uri, headers: &HeaderMap) -> bool {
    uri.scheme_str() == Some("https")
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

fn client_ip(extensions: &axum::http::Extensions) -> Option<String> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

fn bearer(value: &HeaderValue) -> Option<&str> {
    let (scheme, token) = value.to_str().ok()?.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether `path` is the public support portal's (see [`crate::portal`]).
fn is_public_portal(path: &str) -> bool {
    path.strip_prefix(crate::portal::PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Whether the body is an HTML form (`application/x-www-form-urlencoded`).
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Reads the form's `csrf_token` field and compares it; answers the request rebuilt with
/// the same body. A body over the limit or unreadable does not match (and is dropped:
/// the request is refused anyway).
async fn form_csrf_matches(request: Request, expected: &str) -> (bool, Request) {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::BODY_LIMIT).await else {
        return (false, Request::from_parts(parts, axum::body::Body::empty()));
    };
    let given = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|fields| {
            fields
                .into_iter()
                .find(|(name, _)| name == "csrf_token")
                .map(|(_, value)| value)
        });
    let ok = given.is_some_and(|g| same_secret(g.as_bytes(), expected.as_bytes()));
    (
        ok,
        Request::from_parts(parts, axum::body::Body::from(bytes)),
    )
}

/// Compares in constant time, so the answer's timing does not reveal the token.
fn csrf_matches(headers: &HeaderMap, expected: &str) -> bool {
    let Some(given) = headers.get(CSRF_HEADER).map(HeaderValue::as_bytes) else {
        return false;
    };
    same_secret(given, expected.as_bytes())
}

fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_session_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; paydesk_session=abc ; b=2"),
        );
        assert_eq!(session_cookie(&h).as_deref(), Some("abc"));
        let mut none = HeaderMap::new();
        none.append(
            header::COOKIE,
            HeaderValue::from_static("paydesk_session=; x=y"),
        );
        assert_eq!(session_cookie(&none), None);
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(
            bearer(&HeaderValue::from_static("bearer pd_x")),
            Some("pd_x")
        );
        assert_eq!(bearer(&HeaderValue::from_static("Basic pd_x")), None);
        assert_eq!(bearer(&HeaderValue::from_static("Bearer ")), None);
    }

    #[test]
    fn csrf_needs_the_exact_token() {
        let mut h = HeaderMap::new();
        assert!(!csrf_matches(&h, "abc"));
        h.insert(CSRF_HEADER, HeaderValue::from_static("abd"));
        assert!(!csrf_matches(&h, "abc"));
        h.insert(CSRF_HEADER, HeaderValue::from_static("abc"));
        assert!(csrf_matches(&h, "abc"));
        assert!(!csrf_matches(&h, "abcd"));
    }

    #[test]
    fn only_the_portal_is_public() {
        for p in ["/support", "/support/", "/support/status/1.x"] {
            assert!(is_public_portal(p), "{p}");
        }
        for p in ["/supportx", "/api/v1/support", "/", "/api/v1/tickets"] {
            assert!(!is_public_portal(p), "{p}");
        }
    }

    #[test]
    fn safe_methods_need_no_csrf() {
        assert!(!is_unsafe(&Method::GET) && !is_unsafe(&Method::HEAD));
        for m in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(is_unsafe(&m), "{m}");
        }
    }
}
