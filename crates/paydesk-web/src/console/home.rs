//! The agent's home: my tickets and my queues, most urgent first, each row with its SLA
//! state in time left or overdue; filters, saved views, the search box's answers and the
//! way to the next ticket.
//!
//! `GET /desk` takes `list` (`mine`, the default; `queue` with `queue=ID`; `unassigned`;
//! `all`), `status` (comma separated), `business_line`, `category`, `q` (the search box)
//! and `cursor` (the next page).

mod presence;
mod rows;
mod search;
mod views;

use super::desk::{Chrome, Desk, Section};
use super::page::{answer, failure};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::App;
use paydesk_domain::ticket::{BusinessLine, Status};
use paydesk_store::{PageRequest, SavedView, TicketFilter};
pub use presence::set as set_presence;
pub use rows::{QueueTab, Row};
use serde::Deserialize;
pub use views::{delete_view, save_view};

/// Rows per page.
const PAGE_SIZE: usize = 50;
/// The statuses a work list shows when none is chosen.
const UNSOLVED: [Status; 4] = [Status::New, Status::Open, Status::Pending, Status::OnHold];

/// The home page's query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HomeQuery {
    #[serde(default)]
    pub list: Option<String>,
    #[serde(default)]
    pub queue: Option<i64>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub business_line: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub cursor: Option<String>,
}

impl HomeQuery {
    fn list(&self) -> &str {
        match self.list.as_deref() {
            Some(l @ ("queue" | "unassigned" | "all")) => l,
            _ => "mine",
        }
    }

    fn text(field: Option<&String>) -> Option<String> {
        field
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    }

    /// The query string of the filters (no cursor), for saving a view and paging.
    fn filters_query(&self) -> String {
        let pairs: Vec<(&str, String)> = [
            ("list", Some(self.list().to_string())),
            ("queue", self.queue.map(|q| q.to_string())),
            ("status", Self::text(self.status.as_ref())),
            ("business_line", Self::text(self.business_line.as_ref())),
            ("category", Self::text(self.category.as_ref())),
            ("q", Self::text(self.q.as_ref())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The ticket filter; a value that is not a known label is an error naming the field.
    fn filter(&self, me: Option<paydesk_domain::UserId>) -> Result<TicketFilter, String> {
        let statuses = match Self::text(self.status.as_ref()) {
            None => UNSOLVED.to_vec(),
            Some(list) => list
                .split(',')
                .map(|s| s.trim().parse::<Status>())
                .collect::<Result<_, _>>()
                .map_err(|_| {
                    format!(
                        "status: choose among {}",
                        Status::ALL
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })?,
        };
        let mut f = TicketFilter {
            statuses,
            ..TicketFilter::default()
        };
        if let Some(line) = Self::text(self.business_line.as_ref()) {
            f.business_line = Some(line.parse::<BusinessLine>().map_err(|_| {
                format!(
                    "business line: choose among {}",
                    BusinessLine::ALL
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?);
        }
        f.category = Self::text(self.category.as_ref());
        match self.list() {
            "queue" => f.queue_id = self.queue.map(paydesk_domain::QueueId),
            "unassigned" => f.assignee_id = Some(None),
            "mine" => f.assignee_id = me.map(Some),
            _ => {}
        }
        Ok(f)
    }
}

/// A choice of a filter's menu.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub is_chosen: bool,
}

/// The person's presence and the menu to change it.
#[derive(Debug, Clone)]
pub struct PresenceMenu {
    pub current: &'static str,
    pub is_online: bool,
    pub choices: Vec<Choice>,
}

/// The home page.
#[derive(Template)]
#[template(path = "console/home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub banner: Option<String>,
    pub problem: Option<String>,
    pub heading: String,
    pub list: String,
    pub queue: Option<i64>,
    pub tabs: Vec<QueueTab>,
    pub statuses: Vec<Choice>,
    pub lines: Vec<Choice>,
    pub category: String,
    pub q: String,
    pub rows: Vec<Row>,
    pub more_href: Option<String>,
    pub views: Vec<SavedView>,
    pub filters_query: String,
    pub search: Option<search::Found>,
    /// The person's presence, when they have a routing profile.
    pub presence: Option<PresenceMenu>,
    /// SOPs the person owns whose review date has passed: `(id, title)`.
    pub sops_due: Vec<(i64, String)>,
}

/// `GET /desk`.
pub async fn show(
    State(app): State<App>,
    desk: Desk,
    Query(mut query): Query<HomeQuery>,
) -> Response {
    // What is typed in the search box is shown back and saved with views: never a card
    // number.
    query.q = query.q.map(|q| paydesk_domain::redaction::redact(&q).text);
    query.category = query
        .category
        .map(|c| paydesk_domain::redaction::redact(&c).text);
    if let Some(q) = HomeQuery::text(query.q.as_ref())
        && let Some(to) = search::direct(&app, &desk, &q).await
    {
        return Redirect::to(&to).into_response();
    }
    render(&app, &desk, &query, None).await
}

/// Builds and answers the home page for `query`, with `banner` on top.
async fn render(app: &App, desk: &Desk, query: &HomeQuery, banner: Option<String>) -> Response {
    let me = Some(desk.session.user.id);
    let mut problem = None;
    let filter = match query.filter(me) {
        Ok(f) => f,
        Err(p) => {
            // The page shows the default list under the message about the filter.
            problem = Some(p);
            HomeQuery::default().filter(me).unwrap_or_default()
        }
    };
    let q = HomeQuery::text(query.q.as_ref());
    let mut filter = filter;
    if q.is_some() && HomeQuery::text(query.status.as_ref()).is_none() {
        filter.statuses.clear();
    }
    let page_req = PageRequest::asked(Some(PAGE_SIZE), query.cursor.clone());
    let found = match &q {
        Some(text) => match search::find(app, desk, text, &filter, &page_req).await {
            Ok(found) => Some(found),
            Err(e) => return failure(desk, Section::Work, e),
        },
        None => None,
    };
    let (items, next) = match &found {
        Some(f) => (f.rows.clone(), f.next_cursor.clone()),
        None => match app.work_list(&desk.caller, &filter, &page_req).await {
            Ok(page) => (page.items, page.next_cursor),
            Err(e) => return failure(desk, Section::Work, e),
        },
    };
    let (tabs, queue_names) = match rows::queue_tabs(app, desk, query).await {
        Ok(t) => t,
        Err(e) => return failure(desk, Section::Work, e),
    };
    let holders: Vec<_> = items.iter().filter_map(|w| w.assignee_id).collect();
    let names = rows::Names {
        queues: queue_names,
        people: app
            .staff_names(&desk.caller, &holders)
            .await
            .unwrap_or_default(),
    };
    let views = app.saved_views(&desk.caller).await.unwrap_or_default();
    let sops_due = app
        .my_sops_due_for_review(&desk.caller)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|s| (s.id.0, s.title))
        .collect();
    let presence = presence::current(app, desk).await.map(|p| PresenceMenu {
        current: p.as_str(),
        is_online: p == paydesk_domain::routing::Presence::Online,
        choices: choices(
            paydesk_domain::routing::Presence::ALL
                .iter()
                .map(|p| p.as_str()),
            p.as_str(),
        ),
    });
    let now = app.now();
    let rows = items
        .iter()
        .map(|w| Row::of(w, now, &names, desk.session.user.id))
        .collect();
    let filters_query = query.filters_query();
    let heading = match (&q, query.list()) {
        (Some(text), _) => format!("Search: {text}"),
        (None, "queue") => tabs
            .iter()
            .find(|t| t.is_current)
            .map_or_else(|| "Queue".to_string(), |t| format!("Queue: {}", t.name)),
        (None, "unassigned") => "Unassigned tickets".to_string(),
        (None, "all") => "All tickets".to_string(),
        _ => "My tickets".to_string(),
    };
    let page = HomePage {
        sops_due,
        chrome: desk.chrome(Section::Work),
        banner,
        problem,
        heading,
        list: query.list().to_string(),
        queue: query.queue,
        tabs,
        statuses: Status::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_string(),
                label: s.as_str().replace('_', " "),
                is_chosen: query.status.as_deref() == Some(s.as_str()),
            })
            .collect(),
        lines: choices(
            BusinessLine::ALL.iter().map(|s| s.as_str()),
            query.business_line.as_deref().unwrap_or(""),
        ),
        category: query.category.clone().unwrap_or_default(),
        q: q.clone().unwrap_or_default(),
        rows,
        more_href: next.map(|c| {
            format!(
                "/desk?{filters_query}&{}",
                serde_urlencoded::to_string([("cursor", c)]).unwrap_or_default()
            )
        }),
        views,
        filters_query,
        search: found,
        presence,
    };
    let status = if page.problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    answer(status, &page)
}

fn choices(all: impl Iterator<Item = &'static str>, chosen: &str) -> Vec<Choice> {
    let chosen: Vec<&str> = chosen.split(',').map(str::trim).collect();
    all.map(|l| Choice {
        value: l.to_string(),
        label: l.replace('_', " "),
        is_chosen: chosen.contains(&l),
    })
    .collect()
}

/// `POST /desk/next`: takes the most urgent ticket the agent may work and opens it.
pub async fn next(State(app): State<App>, desk: Desk) -> Response {
    match app.next_ticket(&desk.caller).await {
        Ok(Some(ticket)) => Redirect::to(&format!("/desk/tickets/PD-{}", ticket.id)).into_response(),
        Ok(None) => {
            render(
                &app,
                &desk,
                &HomeQuery::default(),
                Some("No ticket is waiting for you in your queues right now. Check that your presence is online.".into()),
            )
            .await
        }
        Err(e) => failure(&desk, Section::Work, e),
    }
}
