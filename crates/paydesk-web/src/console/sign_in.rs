//! Signing in and out of the console, with the same session as `POST /api/v1/session`
//! (the cookie, its flags and the lock-out after repeated failures are the same).

use super::PREFIX;
use super::desk::Desk;
use super::page::{answer, sentence};
use crate::auth::{self, Origin};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::{App, AppError};
use serde::Deserialize;

/// The sign-in page.
#[derive(Template)]
#[template(path = "console/sign_in.html")]
pub struct SignInPage {
    pub next: String,
    pub email: String,
    pub problem: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

/// Where to go after signing in: a console page, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with(PREFIX) && !n.starts_with("//") && !n.contains('\\') => {
            n.to_string()
        }
        _ => PREFIX.to_string(),
    }
}

/// `GET /desk/sign-in`; someone already signed in goes straight on.
pub async fn form(desk: Option<Desk>, Query(q): Query<NextParam>) -> Response {
    let next = safe_next(q.next.as_deref());
    if desk.is_some() {
        return Redirect::to(&next).into_response();
    }
    answer(
        StatusCode::OK,
        &SignInPage {
            next,
            email: String::new(),
            problem: None,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /desk/sign-in`: sets the session cookie and goes on to `next`.
pub async fn submit(
    State(app): State<App>,
    origin: Origin,
    Form(form): Form<SignInForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let result = app
        .sign_in(
            &form.email,
            &form.password,
            origin.ip.as_deref(),
            origin.user_agent.as_deref(),
        )
        .await;
    match result {
        Ok(signed_in) => {
            let max_age = signed_in.expires_at.since(app.now()) / 1000;
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                auth::session_cookie_header(&signed_in.session_token, max_age, origin.is_secure),
            );
            response
        }
        Err(e) => {
            let (status, problem) = match &e {
                AppError::SignInFailed => (
                    StatusCode::UNAUTHORIZED,
                    "The email or the password is not right. Check both and try again.".to_string(),
                ),
                AppError::TooManyAttempts { retry_after_secs } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "Too many failed tries. Wait {} and try again.",
                        wait_text(*retry_after_secs)
                    ),
                ),
                other => {
                    tracing::error!(cause = %other, "console sign-in failed");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        sentence("signing in failed on our side; try again in a moment"),
                    )
                }
            };
            let mut response = answer(
                status,
                &SignInPage {
                    next,
                    email: paydesk_domain::redaction::redact(&form.email).text,
                    problem: Some(problem),
                },
            );
            if let AppError::TooManyAttempts { retry_after_secs } = e {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            response
        }
    }
}

fn wait_text(secs: u64) -> String {
    if secs < 90 {
        format!("{secs} seconds")
    } else {
        format!("{} minutes", secs.div_ceil(60))
    }
}

/// `POST /desk/sign-out`: ends this session and clears the cookie.
pub async fn sign_out(State(app): State<App>, origin: Origin, headers: HeaderMap) -> Response {
    if let Some(token) = auth::session_cookie(&headers)
        && let Err(e) = app.sign_out(&token).await
    {
        tracing::warn!(cause = %e, "signing out failed");
    }
    let mut response = Redirect::to(&format!("{PREFIX}/sign-in")).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        auth::clear_session_cookie(origin.is_secure),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_in_the_console() {
        assert_eq!(safe_next(Some("/desk/tickets/PD-4")), "/desk/tickets/PD-4");
        for bad in [
            "https://evil.example/desk",
            "//evil.example",
            "/api/v1/x",
            "/desk\\x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/desk", "{bad}");
        }
        assert_eq!(safe_next(None), "/desk");
    }
}
