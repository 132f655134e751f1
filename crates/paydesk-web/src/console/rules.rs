//! `/desk/rules`: trigger and time rules for leads and admins (`rule_manage`): the list in
//! the order they run, with state, kind, last firing and count; activate, deactivate and
//! move up or down; create and edit with a form (conditions as rows, actions as JSON); and
//! a dry run listing the tickets a rule would touch now. Every form carries the CSRF field.

mod form;

use super::desk::{Chrome, Desk, Section};
use super::page::{answer, failure};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use paydesk_app::App;
use paydesk_app::rules::DryRunHit;
use paydesk_domain::id::RuleId;
use paydesk_domain::ticket::parse_ticket_number;
use serde::Deserialize;

/// The rules routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/desk/rules", get(list).post(form::create))
        .route("/desk/rules/new", get(form::new))
        .route("/desk/rules/{id}", get(form::edit).post(form::save))
        .route("/desk/rules/{id}/active", post(set_active))
        .route("/desk/rules/{id}/move", post(move_rule))
        .route("/desk/rules/{id}/dry-run", get(dry_run))
}

/// One row of the list.
#[derive(Debug, Clone)]
pub struct RuleRow {
    pub id: i64,
    pub position: usize,
    pub name: String,
    pub kind: &'static str,
    pub is_active: bool,
    pub last_fired: String,
    pub firing_count: i64,
    pub is_first: bool,
    pub is_last: bool,
}

/// The list page.
#[derive(Template)]
#[template(path = "console/rules/list.html")]
pub struct ListPage {
    pub chrome: Chrome,
    pub rules: Vec<RuleRow>,
}

/// `GET /desk/rules`.
pub async fn list(State(app): State<App>, desk: Desk) -> Response {
    let rules = match app.rules(&desk.caller).await {
        Ok(r) => r,
        Err(e) => return failure(&desk, Section::Rules, e),
    };
    let count = rules.len();
    let rows = rules
        .iter()
        .enumerate()
        .map(|(i, r)| RuleRow {
            id: r.rule.id.0,
            position: i + 1,
            name: r.rule.name.clone(),
            kind: r.rule.spec.kind.as_str(),
            is_active: r.rule.is_active,
            last_fired: r
                .last_fired_at
                .map_or_else(|| "never".to_owned(), |t| t.rfc3339()),
            firing_count: r.firing_count,
            is_first: i == 0,
            is_last: i + 1 == count,
        })
        .collect();
    answer(
        StatusCode::OK,
        &ListPage {
            chrome: desk.chrome(Section::Rules),
            rules: rows,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    /// `on` or `off`.
    active: String,
}

/// `POST /desk/rules/{id}/active`: turns a rule on or off, back to the list.
pub async fn set_active(
    State(app): State<App>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<ActiveForm>,
) -> Response {
    match app
        .set_rule_active(&desk.caller, RuleId(id), form.active == "on")
        .await
    {
        Ok(_) => Redirect::to("/desk/rules").into_response(),
        Err(e) => failure(&desk, Section::Rules, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    /// `up` or `down`.
    direction: String,
}

/// `POST /desk/rules/{id}/move`: one place up or down, back to the list.
pub async fn move_rule(
    State(app): State<App>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Response {
    let by = if form.direction == "up" { -1 } else { 1 };
    match app.move_rule(&desk.caller, RuleId(id), by).await {
        Ok(()) => Redirect::to("/desk/rules").into_response(),
        Err(e) => failure(&desk, Section::Rules, e),
    }
}

/// The dry-run page.
#[derive(Template)]
#[template(path = "console/rules/dry_run.html")]
pub struct DryRunPage {
    pub chrome: Chrome,
    pub id: i64,
    pub name: String,
    pub hits: Vec<DryRunHit>,
    pub scanned: usize,
    pub next_after: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DryRunQuery {
    #[serde(default)]
    after: Option<String>,
}

/// `GET /desk/rules/{id}/dry-run`: the tickets the rule would touch now, and why. Writes
/// nothing.
pub async fn dry_run(
    State(app): State<App>,
    desk: Desk,
    Path(id): Path<i64>,
    Query(q): Query<DryRunQuery>,
) -> Response {
    let rule = match app.rule(&desk.caller, RuleId(id)).await {
        Ok(r) => r,
        Err(e) => return failure(&desk, Section::Rules, e),
    };
    let after = q.after.as_deref().and_then(parse_ticket_number);
    match app.dry_run_rule(&desk.caller, RuleId(id), after).await {
        Ok(page) => answer(
            StatusCode::OK,
            &DryRunPage {
                chrome: desk.chrome(Section::Rules),
                id,
                name: rule.rule.name,
                scanned: page.scanned,
                next_after: page.next_after.map(paydesk_domain::ticket::ticket_number),
                hits: page.hits,
            },
        ),
        Err(e) => failure(&desk, Section::Rules, e),
    }
}
