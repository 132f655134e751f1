//! `/desk/admin/tokens`: API tokens with their scopes and use; a form creates one (its
//! clear value is shown once, on the answer), and each live token can be revoked.

use super::{Problem, problem, split};
use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure};
use crate::time::format_opt;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::{App, AppError};
use paydesk_domain::Timestamp;
use paydesk_domain::policy::Scope;
use paydesk_store::ApiToken;

/// One token's row.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub created: String,
    pub last_used: String,
    pub expires: String,
    /// "Revoked", "Expired" or "Live".
    pub state: &'static str,
    pub is_live: bool,
}

/// The tokens page; `created` holds a token made just now, shown this once.
#[derive(Template)]
#[template(path = "console/admin/tokens.html")]
pub struct TokensPage {
    pub chrome: Chrome,
    pub tokens: Vec<TokenRow>,
    pub scopes: &'static [Scope],
    pub created: Option<String>,
    pub name: String,
    pub problem: Option<Problem>,
}

fn row(t: ApiToken, now: Timestamp) -> TokenRow {
    let state = if t.revoked_at.is_some() {
        "Revoked"
    } else if t.expires_at.is_some_and(|e| e <= now) {
        "Expired"
    } else {
        "Live"
    };
    TokenRow {
        id: t.id,
        scopes: t
            .scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        created: crate::time::format(t.created_at),
        last_used: format_opt(t.last_used_at).unwrap_or_else(|| "never".into()),
        expires: format_opt(t.expires_at).unwrap_or_else(|| "never".into()),
        state,
        is_live: state == "Live",
        name: t.name,
        prefix: t.prefix,
    }
}

async fn render(
    app: &App,
    desk: &Desk,
    created: Option<String>,
    name: String,
    problem: Option<(StatusCode, Problem)>,
) -> Response {
    let tokens = match app.tokens(&desk.caller).await {
        Ok(t) => t,
        Err(e) => return failure(desk, Section::Admin, e),
    };
    let now = app.now();
    let (status, problem) = split(problem);
    answer(
        status,
        &TokensPage {
            chrome: desk.chrome(Section::Admin),
            tokens: tokens.into_iter().rev().map(|t| row(t, now)).collect(),
            scopes: Scope::ALL,
            created,
            name,
            problem,
        },
    )
}

/// `GET /desk/admin/tokens`.
pub async fn show(State(app): State<App>, desk: Desk) -> Response {
    render(&app, &desk, None, String::new(), None).await
}

/// `POST /desk/admin/tokens`: makes the token and shows it once, with a warning.
pub async fn create(
    State(app): State<App>,
    desk: Desk,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let value = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let name = value("name").to_string();
    let result = match parse(&fields, value("expires_days"), app.now()) {
        Ok((scopes, expires_at)) => app
            .create_token(&desk.caller, &name, &scopes, expires_at)
            .await
            .map(|c| c.token),
        Err(e) => Err(e),
    };
    match result {
        Ok(token) => render(&app, &desk, Some(token), String::new(), None).await,
        Err(e) => match problem("token", &e) {
            Some(p) => render(&app, &desk, None, name, Some(p)).await,
            None => failure(&desk, Section::Admin, e),
        },
    }
}

/// The scopes ticked and the expiry, as typed.
fn parse(
    fields: &[(String, String)],
    days: &str,
    now: Timestamp,
) -> Result<(Vec<Scope>, Option<Timestamp>), AppError> {
    let scopes = fields
        .iter()
        .filter(|(n, _)| n == "scopes")
        .map(|(_, v)| v.parse())
        .collect::<Result<Vec<Scope>, _>>()
        .map_err(|_| AppError::invalid("scopes", "choose scopes from the list"))?;
    let expires_at = match days.trim() {
        "" => None,
        d => {
            let d: i64 = d
                .parse()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| AppError::invalid("expires_days", "a number of days, 1 to 3650"))?;
            Some(Timestamp(now.0 + d * Timestamp::DAY))
        }
    };
    Ok((scopes, expires_at))
}

/// `POST /desk/admin/tokens/{id}/revoke`.
pub async fn revoke(State(app): State<App>, desk: Desk, Path(id): Path<i64>) -> Response {
    match app.revoke_token(&desk.caller, id).await {
        Ok(_) => Redirect::to("/desk/admin/tokens").into_response(),
        Err(e) => failure(&desk, Section::Admin, e),
    }
}
