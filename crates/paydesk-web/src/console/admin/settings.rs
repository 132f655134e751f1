//! `/desk/admin/calendars` and `/desk/admin/sla`: the business calendars (time zone,
//! working hours per day, holidays) and the SLA policies (targets per metric and
//! priority, in the order they are tried), as read-only lists.

use super::refusal;
use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use paydesk_app::App;
use paydesk_domain::policy::Action;
use serde_json::Value;

/// A calendar as the page shows it.
#[derive(Debug, Clone)]
pub struct CalendarView {
    pub name: String,
    pub time_zone: String,
    /// Day and hours ("monday", "08:00–20:00").
    pub hours: Vec<(String, String)>,
    /// Date and name ("2026-12-25", "Christmas, every year").
    pub holidays: Vec<(String, String)>,
}

/// A policy as the page shows it.
#[derive(Debug, Clone)]
pub struct PolicyView {
    pub name: String,
    pub position: i64,
    pub state: &'static str,
    /// Metric, priority, minutes, calendar.
    pub targets: Vec<[String; 4]>,
}

/// The calendars page.
#[derive(Template)]
#[template(path = "console/admin/calendars.html")]
pub struct CalendarsPage {
    pub chrome: Chrome,
    pub calendars: Vec<CalendarView>,
}

/// The SLA policies page.
#[derive(Template)]
#[template(path = "console/admin/sla.html")]
pub struct SlaPage {
    pub chrome: Chrome,
    pub policies: Vec<PolicyView>,
}

/// `text` of the JSON field `key`, or "" when absent.
fn text(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The JSON array `key`, or nothing.
fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map_or(&[], Vec::as_slice)
}

/// `GET /desk/admin/calendars`.
pub async fn calendars(State(app): State<App>, desk: Desk) -> Response {
    if let Some(refused) = refusal(&desk, &[Action::ConfigManage]) {
        return refused;
    }
    let stored = match app.calendars(&desk.caller).await {
        Ok(c) => c,
        Err(e) => return failure(&desk, Section::Admin, e),
    };
    let calendars = stored
        .into_iter()
        .map(|c| CalendarView {
            time_zone: text(&c.spec, "time_zone"),
            hours: list(&c.spec, "hours")
                .iter()
                .map(|h| {
                    (
                        text(h, "day"),
                        format!("{}–{}", text(h, "start"), text(h, "end")),
                    )
                })
                .collect(),
            holidays: list(&c.spec, "holidays")
                .iter()
                .map(|h| {
                    let every = if h["yearly"].as_bool() == Some(true) {
                        ", every year"
                    } else {
                        ""
                    };
                    (text(h, "date"), format!("{}{every}", text(h, "name")))
                })
                .collect(),
            name: c.name,
        })
        .collect();
    answer(
        StatusCode::OK,
        &CalendarsPage {
            chrome: desk.chrome(Section::Admin),
            calendars,
        },
    )
}

/// `GET /desk/admin/sla`.
pub async fn sla(State(app): State<App>, desk: Desk) -> Response {
    if let Some(refused) = refusal(&desk, &[Action::ConfigManage]) {
        return refused;
    }
    let stored = match app.sla_policies(&desk.caller).await {
        Ok(p) => p,
        Err(e) => return failure(&desk, Section::Admin, e),
    };
    let policies = stored
        .into_iter()
        .map(|p| PolicyView {
            targets: list(&p.definition, "targets")
                .iter()
                .map(|t| {
                    let calendar = match text(t, "calendar_id") {
                        c if c.is_empty() => "around the clock".to_string(),
                        c => format!("calendar {c}"),
                    };
                    [
                        text(t, "metric").replace('_', " "),
                        text(t, "priority"),
                        text(t, "minutes"),
                        calendar,
                    ]
                })
                .collect(),
            state: if p.is_active { "On" } else { "Off" },
            position: p.position,
            name: p.name,
        })
        .collect();
    answer(
        StatusCode::OK,
        &SlaPage {
            chrome: desk.chrome(Section::Admin),
            policies,
        },
    )
}
