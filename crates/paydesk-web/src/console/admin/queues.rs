//! `/desk/admin/queues`: every queue with its conditions, routing mode, position,
//! overflow, calendar, members and counts, and a form that creates one (name, vendor,
//! business line condition). Open to those who manage queues (leads and admins).

use super::{Problem, problem, refusal, split};
use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::routing::{QueueOverview, QueuePatch};
use paydesk_app::{App, AppError};
use paydesk_domain::policy::Action;
use paydesk_domain::routing::QueueConditions;
use paydesk_domain::ticket::BusinessLine;
use paydesk_store::{NewQueue, Vendor};
use serde::Deserialize;

/// One queue's row.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub name: String,
    pub key: String,
    pub vendor: String,
    pub conditions: String,
    pub routing: String,
    pub position: i64,
    pub overflow: String,
    pub calendar: String,
    pub members: String,
    pub unsolved: i64,
    pub unassigned: i64,
}

/// The queues page.
#[derive(Template)]
#[template(path = "console/admin/queues.html")]
pub struct QueuesPage {
    pub chrome: Chrome,
    pub queues: Vec<QueueRow>,
    pub vendors: Vec<Vendor>,
    pub lines: &'static [BusinessLine],
    pub form: QueueForm,
    pub problem: Option<Problem>,
}

/// What the create form holds.
#[derive(Debug, Default, Deserialize)]
pub struct QueueForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
    pub line: String,
}

/// Everything the rows name, read once.
struct Names {
    vendors: Vec<Vendor>,
    users: Vec<paydesk_store::User>,
    calendars: Vec<paydesk_store::StoredCalendar>,
}

async fn names(app: &App, desk: &Desk) -> Result<Names, AppError> {
    Ok(Names {
        vendors: app.store().vendors().await?,
        users: app.store().users().await?,
        calendars: app.calendars(&desk.caller).await?,
    })
}

fn row(q: &QueueOverview, all: &[QueueOverview], n: &Names) -> QueueRow {
    let s = &q.settings;
    let queue_name = |id| {
        all.iter()
            .find(|o| o.settings.queue.id == id)
            .map_or_else(|| format!("queue {id}"), |o| o.settings.queue.name.clone())
    };
    let conditions = serde_json::to_value(&s.routing.conditions)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{}: {}", k.replace('_', " "), words(v)))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "none (takes only tickets sent to it)".into());
    let members: Vec<String> = q
        .members
        .iter()
        .map(|m| {
            n.users
                .iter()
                .find(|u| u.id == *m)
                .map_or_else(|| format!("user {m}"), |u| u.name.clone())
        })
        .collect();
    let counts = q.counts.as_ref();
    QueueRow {
        name: s.queue.name.clone(),
        key: s.queue.key.clone(),
        vendor: s
            .queue
            .vendor_id
            .and_then(|v| n.vendors.iter().find(|x| x.id == v))
            .map_or_else(|| "In-house".into(), |v| v.name.clone()),
        conditions,
        routing: s.routing.routing.as_str().replace('_', " "),
        position: s.routing.position,
        overflow: match (
            s.routing.overflow_after_minutes,
            s.routing.overflow_queue_id,
        ) {
            (Some(m), Some(to)) => format!("after {m} min to {}", queue_name(to)),
            _ => "none".into(),
        },
        calendar: s
            .routing
            .calendar_id
            .and_then(|c| n.calendars.iter().find(|x| x.id == c))
            .map_or_else(|| "around the clock".into(), |c| c.name.clone()),
        members: if members.is_empty() {
            "nobody yet".into()
        } else {
            members.join(", ")
        },
        unsolved: counts.map_or(0, |c| c.by_status.values().sum()),
        unassigned: counts.map_or(0, |c| c.unassigned),
    }
}

/// A JSON value of a condition in words.
fn words(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Array(items) => items.iter().map(words).collect::<Vec<_>>().join(", "),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn render(
    app: &App,
    desk: &Desk,
    form: QueueForm,
    problem: Option<(StatusCode, Problem)>,
) -> Response {
    if let Some(refused) = refusal(desk, &[Action::QueueManage]) {
        return refused;
    }
    let loaded = match app.queues(&desk.caller).await {
        Ok(q) => names(app, desk).await.map(|n| (q, n)),
        Err(e) => Err(e),
    };
    let (queues, names) = match loaded {
        Ok(l) => l,
        Err(e) => return failure(desk, Section::Admin, e),
    };
    let (status, problem) = split(problem);
    answer(
        status,
        &QueuesPage {
            chrome: desk.chrome(Section::Admin),
            queues: queues.iter().map(|q| row(q, &queues, &names)).collect(),
            vendors: names.vendors,
            lines: BusinessLine::ALL,
            form,
            problem,
        },
    )
}

/// `GET /desk/admin/queues`.
pub async fn show(State(app): State<App>, desk: Desk) -> Response {
    render(&app, &desk, QueueForm::default(), None).await
}

/// `POST /desk/admin/queues`: creates the queue, then shows the list.
pub async fn create(State(app): State<App>, desk: Desk, Form(form): Form<QueueForm>) -> Response {
    let result = match parse(&form) {
        Ok((new, patch)) => app.create_queue(&desk.caller, new, patch).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to("/desk/admin/queues").into_response(),
        Err(e) => match problem("queue", &e) {
            Some(p) => render(&app, &desk, form, Some(p)).await,
            None => failure(&desk, Section::Admin, e),
        },
    }
}

/// The queue as typed: its key is made from its name.
fn parse(form: &QueueForm) -> Result<(NewQueue, QueuePatch), AppError> {
    let line: Option<BusinessLine> = match form.line.as_str() {
        "" => None,
        l => Some(
            l.parse()
                .map_err(|_| AppError::invalid("line", "choose a business line from the list"))?,
        ),
    };
    let vendor_id = super::vendor_choice(&form.vendor)?;
    let key: String = form
        .name
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let key = if key.is_empty() {
        "queue".to_string()
    } else {
        key.chars().take(64).collect()
    };
    let patch = QueuePatch {
        conditions: line.map(|l| QueueConditions {
            business_lines: Some(vec![l]),
            ..QueueConditions::default()
        }),
        ..QueuePatch::default()
    };
    Ok((
        NewQueue {
            key,
            name: form.name.clone(),
            business_line: line,
            vendor_id,
        },
        patch,
    ))
}
