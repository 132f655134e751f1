//! The escalation pages of the console.
//!
//! - `GET /desk/escalations?team=&status=`: the queue of the person's partner teams
//!   (leads and admins: every team), those still owed first, by due time.
//! - `GET /desk/escalations/{id}`: one escalation with its ticket, summary, question,
//!   answer, and the forms to take it, set it waiting, answer, decline, and keep the
//!   tracker link.
//! - `POST /desk/escalations/{id}/{take,wait,answer,decline,link}`: those forms.
//! - `POST /desk/tickets/{number}/escalations`: the ticket page's escalate form.
//!
//! A saved change answers 303 back to the page; a refused one answers the message page
//! with the API's status and a sentence saying what to do.

pub mod rows;

use super::desk::{Chrome, Desk, Section};
use super::page::{answer, failure};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use paydesk_app::escalations::{NewEscalation, QueueQuery};
use paydesk_app::{App, AppError};
use paydesk_domain::escalation::{EscalationStatus, Severity};
use paydesk_domain::id::{EscalationId, PartnerTeamId};
use paydesk_domain::policy::Action;
use paydesk_domain::ticket::{parse_ticket_number, ticket_number};
use rows::EscalationRow;
use serde::Deserialize;

/// The routes of the escalation pages.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/desk/escalations", get(queue))
        .route("/desk/escalations/{id}", get(show))
        .route("/desk/escalations/{id}/{verb}", post(work))
        .route("/desk/tickets/{number}/escalations", post(escalate))
}

/// A filter choice of the queue page.
#[derive(Debug, Clone)]
pub struct FilterChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The queue page.
#[derive(Template)]
#[template(path = "console/escalations/queue.html")]
pub struct QueuePage {
    pub chrome: Chrome,
    pub teams: Vec<FilterChoice>,
    pub statuses: Vec<FilterChoice>,
    pub rows: Vec<EscalationRow>,
}

/// The queue's query.
#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    team: String,
    #[serde(default)]
    status: String,
}

async fn queue(State(app): State<App>, desk: Desk, Query(q): Query<QueueParams>) -> Response {
    let team_id = q.team.parse::<i64>().ok().map(PartnerTeamId);
    let statuses = match q.status.as_str() {
        "" | "live" => EscalationStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_live())
            .collect(),
        "all" => vec![],
        other => match other.parse::<EscalationStatus>() {
            Ok(s) => vec![s],
            Err(e) => return failure(&desk, Section::Escalations, e.into()),
        },
    };
    let query = QueueQuery { team_id, statuses };
    let (found, teams) = tokio::join!(
        app.escalation_queue(&desk.caller, &query),
        app.partner_teams(&desk.caller)
    );
    let (found, teams) = match (found, teams) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return failure(&desk, Section::Escalations, e),
    };
    let now = app.now();
    let mut team_choices = vec![FilterChoice {
        value: String::new(),
        label: "All my teams".into(),
        selected: team_id.is_none(),
    }];
    team_choices.extend(teams.iter().map(|t| FilterChoice {
        value: t.id.0.to_string(),
        label: t.name.clone(),
        selected: team_id == Some(t.id),
    }));
    let chosen = if q.status.is_empty() {
        "live"
    } else {
        q.status.as_str()
    };
    let mut status_choices: Vec<FilterChoice> = [("live", "Still owed"), ("all", "All")]
        .iter()
        .map(|(v, l)| FilterChoice {
            value: (*v).into(),
            label: (*l).into(),
            selected: chosen == *v,
        })
        .collect();
    status_choices.extend(EscalationStatus::ALL.iter().map(|s| FilterChoice {
        value: s.as_str().into(),
        label: s.as_str().replace('_', " "),
        selected: chosen == s.as_str(),
    }));
    let page = QueuePage {
        chrome: desk.chrome(Section::Escalations),
        teams: team_choices,
        statuses: status_choices,
        rows: found.iter().map(|e| rows::row(e, now)).collect(),
    };
    answer(StatusCode::OK, &page)
}

/// One escalation's page.
#[derive(Template)]
#[template(path = "console/escalations/page.html")]
pub struct EscalationPage {
    pub chrome: Chrome,
    pub row: EscalationRow,
    pub question: String,
    pub answer: Option<String>,
    pub external_ref: String,
    /// Whether the tracker link is a web address (shown as a link).
    pub ref_is_link: bool,
    pub version: i64,
    pub may_work: bool,
    pub may_take: bool,
    pub may_wait: bool,
    pub is_live: bool,
}

async fn show(State(app): State<App>, desk: Desk, Path(id): Path<i64>) -> Response {
    let e = match app.escalation(&desk.caller, EscalationId(id)).await {
        Ok(e) => e,
        Err(err) => return failure(&desk, Section::Escalations, err),
    };
    let may_work = desk.may(Action::EscalationWork);
    let external_ref = e.external_ref.clone().unwrap_or_default();
    let page = EscalationPage {
        chrome: desk.chrome(Section::Escalations),
        row: rows::row(&e, app.now()),
        question: e.question.clone(),
        answer: e.answer.clone(),
        ref_is_link: external_ref.starts_with("http"),
        external_ref,
        version: e.version,
        may_work,
        may_take: e
            .status
            .step(paydesk_domain::escalation::EscalationAction::Taken)
            .is_ok(),
        may_wait: e
            .status
            .step(paydesk_domain::escalation::EscalationAction::Waiting)
            .is_ok(),
        is_live: e.status.is_live(),
    };
    answer(StatusCode::OK, &page)
}

/// What the escalation forms send.
#[derive(Debug, Default, Deserialize)]
pub struct WorkForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    external_ref: String,
    #[serde(default)]
    version: Option<i64>,
}

async fn work(
    State(app): State<App>,
    desk: Desk,
    Path((id, verb)): Path<(i64, String)>,
    Form(form): Form<WorkForm>,
) -> Response {
    let caller = &desk.caller;
    let id = EscalationId(id);
    let v = form.version;
    let result = match verb.as_str() {
        "take" => app.take_escalation(caller, id, v).await,
        "wait" => app.wait_escalation(caller, id, v).await,
        "answer" => app.answer_escalation(caller, id, &form.text, v).await,
        "decline" => app.decline_escalation(caller, id, &form.text, v).await,
        "link" => {
            app.set_escalation_external_ref(caller, id, &form.external_ref, v)
                .await
        }
        _ => Err(AppError::NotFound { entity: "page" }),
    };
    match result {
        Ok(e) => Redirect::to(&format!("/desk/escalations/{}", e.id.0)).into_response(),
        Err(err) => failure(&desk, Section::Escalations, err),
    }
}

/// What the ticket page's escalate form sends.
#[derive(Debug, Default, Deserialize)]
pub struct EscalateForm {
    /// `team_id:reason_id`.
    #[serde(default)]
    team_reason: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    hold: Option<String>,
}

fn escalation_input(form: EscalateForm) -> Result<NewEscalation, AppError> {
    let (team, reason) = form
        .team_reason
        .split_once(':')
        .and_then(|(t, r)| Some((t.parse::<i64>().ok()?, r.parse::<i64>().ok()?)))
        .ok_or_else(|| AppError::invalid("team_reason", "choose a team and a reason"))?;
    let severity = form
        .severity
        .parse::<Severity>()
        .map_err(|_| AppError::invalid("severity", "choose a severity, sev1 to sev4"))?;
    Ok(NewEscalation {
        team_id: PartnerTeamId(team),
        reason_id: reason,
        severity,
        summary: form.summary,
        question: form.question,
        hold_ticket: form.hold.is_some(),
    })
}

async fn escalate(
    State(app): State<App>,
    desk: Desk,
    Path(number): Path<String>,
    Form(form): Form<EscalateForm>,
) -> Response {
    let Some(ticket) = parse_ticket_number(&number) else {
        return failure(
            &desk,
            Section::Work,
            AppError::NotFound { entity: "ticket" },
        );
    };
    let result = match escalation_input(form) {
        Ok(input) => app.escalate(&desk.caller, ticket, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to(&format!(
            "/desk/tickets/{}#escalations",
            ticket_number(ticket)
        ))
        .into_response(),
        Err(e) => failure(&desk, Section::Work, e),
    }
}
