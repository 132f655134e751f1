//! `/desk/macros`: the macros a person may use (with scope and usage count), the form
//! that writes or edits one, and the placeholder reference. Anyone with `macro_use`
//! keeps personal macros; leads and admins (`macro_manage`) keep team and shared ones.
//!
//! - `GET /desk/macros` (`?q=` searches titles): the list and the new-macro form.
//! - `GET /desk/macros/{id}`: the list with the form filled in to edit that macro.
//! - `POST /desk/macros`, `POST /desk/macros/{id}`: save; 303 back to the list, or the
//!   page with what to fix (400) and what was typed.
//! - `POST /desk/macros/{id}/delete`.
//!
//! The form offers one of each action, run in this order: status, priority, category,
//! tags to add, tags to remove, assignee, internal note, SOP.

mod form;

use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure, sentence};
use crate::console::when::When;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use form::MacroForm;
use paydesk_app::macros::MacroQuery;
use paydesk_app::{App, AppError};
use paydesk_domain::id::MacroId;
use paydesk_domain::macros::placeholder::Placeholder;
use paydesk_domain::macros::{Macro, MacroScope, ReplyVisibility};
use paydesk_domain::policy::Action;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/desk/macros", get(list).post(create))
        .route("/desk/macros/{id}", get(edit).post(save))
        .route("/desk/macros/{id}/delete", post(delete))
}

/// One macro's row.
#[derive(Debug, Clone)]
pub struct MacroRow {
    pub id: i64,
    pub title: String,
    pub scope: String,
    pub does: String,
    pub usage_count: i64,
    pub last_used: Option<When>,
    pub is_active: bool,
    pub may_edit: bool,
}

/// One placeholder of the reference.
#[derive(Debug, Clone)]
pub struct PlaceholderRow {
    pub name: String,
    pub meaning: &'static str,
}

/// The macros page.
#[derive(Template)]
#[template(path = "console/macros.html")]
pub struct MacrosPage {
    pub chrome: Chrome,
    pub q: String,
    pub rows: Vec<MacroRow>,
    /// The form: empty for a new macro, filled in to edit one.
    pub form: MacroForm,
    /// `/desk/macros` or `/desk/macros/{id}`: where the form posts.
    pub action: String,
    pub editing: Option<i64>,
    pub may_manage: bool,
    /// The teams a team macro may be for: (id, name, selected).
    pub teams: Vec<(i64, String, bool)>,
    pub errors: Vec<String>,
    pub placeholders: Vec<PlaceholderRow>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
}

fn meaning(p: Placeholder) -> &'static str {
    match p {
        Placeholder::CustomerName => "The customer's full name",
        Placeholder::CustomerFirstName => "The first word of the customer's name",
        Placeholder::TicketNumber => "The ticket's number, such as PD-123",
        Placeholder::TicketSubject => "The ticket's subject",
        Placeholder::AgentName => "Your name (the person applying the macro)",
        Placeholder::AgentFirstName => "Your first name",
        Placeholder::TransactionId => "The gateway id of the latest charge linked to the ticket",
        Placeholder::TransactionAmount => {
            "That charge's amount, written for the customer's language"
        }
        Placeholder::TransactionDate => {
            "That charge's date, in the customer's time zone and language"
        }
        Placeholder::RefundAmount => "The amount of the ticket's latest refund",
        Placeholder::DisputeAmount => "The amount of the ticket's open dispute",
        Placeholder::DisputeDueDate => "The date that dispute's response is due",
        Placeholder::Today => "Today's date in the customer's time zone and language",
    }
}

fn describe(m: &Macro) -> String {
    let mut parts = Vec::new();
    match &m.reply {
        Some(r) if r.visibility == ReplyVisibility::Internal => parts.push("internal reply".into()),
        Some(_) => parts.push("reply".into()),
        None => {}
    }
    parts.extend(m.actions.iter().map(|a| a.kind().replace('_', " ")));
    parts.join(", ")
}

fn scope_words(scope: &MacroScope, teams: &[(i64, String, bool)]) -> String {
    match scope {
        MacroScope::Personal { .. } => "Personal".into(),
        MacroScope::Shared => "Shared".into(),
        MacroScope::Team { team_id } => teams
            .iter()
            .find(|(id, _, _)| *id == team_id.0)
            .map_or_else(
                || format!("Team {team_id}"),
                |(_, n, _)| format!("Team: {n}"),
            ),
    }
}

/// The page around `form`, answered with `status`.
async fn render(
    app: &App,
    desk: &Desk,
    q: String,
    form: MacroForm,
    editing: Option<i64>,
    status: StatusCode,
    errors: Vec<String>,
) -> Response {
    let query = MacroQuery {
        title: Some(q.clone()),
        with_inactive: true,
    };
    let macros = match app.list_macros(&desk.caller, &query).await {
        Ok(m) => m,
        Err(e) => return failure(desk, Section::Macros, e),
    };
    let teams = match app.store().teams().await {
        Ok(t) => t,
        Err(e) => return failure(desk, Section::Macros, e.into()),
    };
    let may_manage = desk.may(Action::MacroManage);
    let teams: Vec<(i64, String, bool)> = teams
        .into_iter()
        .map(|t| (t.id.0, t.name, form.scope == format!("team:{}", t.id.0)))
        .collect();
    let rows = macros
        .iter()
        .map(|m| MacroRow {
            id: m.id.0,
            title: m.title.clone(),
            scope: scope_words(&m.scope, &teams),
            does: describe(m),
            usage_count: m.usage_count,
            last_used: m.last_used_at.map(|t| When::at(t, app.now())),
            is_active: m.is_active,
            may_edit: may_manage || matches!(m.scope, MacroScope::Personal { .. }),
        })
        .collect();
    answer(
        status,
        &MacrosPage {
            chrome: desk.chrome(Section::Macros),
            q,
            rows,
            action: editing
                .map_or_else(|| "/desk/macros".into(), |id| format!("/desk/macros/{id}")),
            editing,
            form,
            may_manage,
            teams,
            errors,
            placeholders: Placeholder::ALL
                .iter()
                .map(|p| PlaceholderRow {
                    name: format!("{{{{{}}}}}", p.as_str()),
                    meaning: meaning(*p),
                })
                .collect(),
        },
    )
}

/// `GET /desk/macros`.
async fn list(State(app): State<App>, desk: Desk, Query(q): Query<ListQuery>) -> Response {
    render(
        &app,
        &desk,
        q.q,
        MacroForm::new_macro(),
        None,
        StatusCode::OK,
        vec![],
    )
    .await
}

/// `GET /desk/macros/{id}`.
async fn edit(State(app): State<App>, desk: Desk, Path(id): Path<i64>) -> Response {
    match app.macro_detail(&desk.caller, MacroId(id)).await {
        Ok(m) => {
            let form = MacroForm::of(&m);
            render(
                &app,
                &desk,
                String::new(),
                form,
                Some(id),
                StatusCode::OK,
                vec![],
            )
            .await
        }
        Err(e) => failure(&desk, Section::Macros, e),
    }
}

/// A refused save: the page with what to fix, or the failure page.
async fn refused(
    app: &App,
    desk: &Desk,
    form: MacroForm,
    editing: Option<i64>,
    e: AppError,
) -> Response {
    let status = match &e {
        AppError::Invalid { .. } | AppError::Domain(_) => StatusCode::BAD_REQUEST,
        AppError::VersionConflict { .. } => StatusCode::CONFLICT,
        _ => return failure(desk, Section::Macros, e),
    };
    let errors = vec![sentence(&e.to_string())];
    render(app, desk, String::new(), form, editing, status, errors).await
}

/// `POST /desk/macros`.
async fn create(State(app): State<App>, desk: Desk, Form(form): Form<MacroForm>) -> Response {
    let draft = match form.draft(desk.session.user.id) {
        Ok(d) => d,
        Err(errors) => {
            return render(
                &app,
                &desk,
                String::new(),
                form,
                None,
                StatusCode::BAD_REQUEST,
                errors,
            )
            .await;
        }
    };
    match app.create_macro(&desk.caller, draft).await {
        Ok(_) => Redirect::to("/desk/macros").into_response(),
        Err(e) => refused(&app, &desk, form, None, e).await,
    }
}

/// `POST /desk/macros/{id}`: saves at the `version` the form was shown at.
async fn save(
    State(app): State<App>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<MacroForm>,
) -> Response {
    let draft = match form.draft(desk.session.user.id) {
        Ok(d) => d,
        Err(errors) => {
            return render(
                &app,
                &desk,
                String::new(),
                form,
                Some(id),
                StatusCode::BAD_REQUEST,
                errors,
            )
            .await;
        }
    };
    let version = form.version();
    match app
        .update_macro(&desk.caller, MacroId(id), draft, version)
        .await
    {
        Ok(_) => Redirect::to("/desk/macros").into_response(),
        Err(e) => refused(&app, &desk, form, Some(id), e).await,
    }
}

/// `POST /desk/macros/{id}/delete`.
async fn delete(State(app): State<App>, desk: Desk, Path(id): Path<i64>) -> Response {
    match app.delete_macro(&desk.caller, MacroId(id)).await {
        Ok(()) => Redirect::to("/desk/macros").into_response(),
        Err(e) => failure(&desk, Section::Macros, e),
    }
}
