//! The settings pages for admins: an index of the pages the person's role may open, and
//! one page per kind of setting (users, vendors, queues, calendars, SLA policies, partner
//! teams, API tokens). Each page checks its own permission; forms save with a 303 back to their page,
//! or show the page again with an error summary when what was typed is refused.

mod partner_teams;
mod queues;
mod settings;
mod tokens;
mod users;
mod vendors;

use super::desk::{Chrome, Desk, Section};
use super::page::{answer, failure, sentence};
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use paydesk_app::{App, AppError};
use paydesk_domain::policy::Action;

/// The settings routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/desk/admin", get(index))
        .route("/desk/admin/users", get(users::show).post(users::add))
        .route("/desk/admin/vendors", get(vendors::show).post(vendors::add))
        .route("/desk/admin/tokens", get(tokens::show).post(tokens::create))
        .route("/desk/admin/tokens/{id}/revoke", post(tokens::revoke))
        .route("/desk/admin/queues", get(queues::show).post(queues::create))
        .route("/desk/admin/calendars", get(settings::calendars))
        .route("/desk/admin/sla", get(settings::sla))
        .route(
            "/desk/admin/partner-teams",
            get(partner_teams::show).post(partner_teams::add),
        )
        .route(
            "/desk/admin/partner-teams/{id}",
            post(partner_teams::change),
        )
}

/// One settings page, as the index lists it.
#[derive(Debug, Clone, Copy)]
pub struct AdminLink {
    pub href: &'static str,
    pub label: &'static str,
    pub what: &'static str,
    /// Any of these opens the page.
    needs: &'static [Action],
}

const PAGES: &[AdminLink] = &[
    AdminLink {
        href: "/desk/admin/users",
        label: "Users",
        what: "Staff accounts, their roles and vendors.",
        needs: &[Action::UserManage],
    },
    AdminLink {
        href: "/desk/admin/vendors",
        label: "Vendors",
        what: "BPO vendors, their queues and agents.",
        needs: &[Action::ConfigManage, Action::UserManage],
    },
    AdminLink {
        href: "/desk/admin/queues",
        label: "Queues",
        what: "Queues with their conditions, routing, overflow and members.",
        needs: &[Action::QueueManage],
    },
    AdminLink {
        href: "/desk/admin/calendars",
        label: "Calendars",
        what: "Time zones, working hours and holidays.",
        needs: &[Action::ConfigManage],
    },
    AdminLink {
        href: "/desk/admin/sla",
        label: "SLA policies",
        what: "Targets per metric and priority, in the order they are tried.",
        needs: &[Action::ConfigManage],
    },
    AdminLink {
        href: "/desk/admin/partner-teams",
        label: "Partner teams",
        what: "Teams that answer escalations: targets, calendars, members, reasons.",
        needs: &[Action::ConfigManage],
    },
    AdminLink {
        href: "/desk/admin/tokens",
        label: "API tokens",
        what: "Tokens for integrations: create, see their use, revoke.",
        needs: &[Action::TokenManage],
    },
];

impl AdminLink {
    fn open_to(&self, desk: &Desk) -> bool {
        self.needs.iter().any(|a| desk.may(*a))
    }
}

/// The settings index.
#[derive(Template)]
#[template(path = "console/admin/index.html")]
pub struct IndexPage {
    pub chrome: Chrome,
    pub pages: Vec<AdminLink>,
}

/// `GET /desk/admin`: the settings pages this person may open.
pub async fn index(desk: Desk) -> Response {
    let pages: Vec<AdminLink> = PAGES.iter().filter(|p| p.open_to(&desk)).copied().collect();
    if pages.is_empty() {
        let refused = AppError::Forbidden {
            action: Action::ConfigManage,
        };
        return failure(&desk, Section::Admin, refused);
    }
    answer(
        StatusCode::OK,
        &IndexPage {
            chrome: desk.chrome(Section::Admin),
            pages,
        },
    )
}

/// What was wrong with a form, for its error summary: the message and the field's id.
#[derive(Debug, Clone)]
pub struct Problem {
    pub href: String,
    pub text: String,
}

/// A refusal of what was typed, as a status and a problem pointing at the field
/// `{form}-{field}`; `None` for anything else (shown as a failure page).
fn problem(form: &str, e: &AppError) -> Option<(StatusCode, Problem)> {
    match e {
        AppError::Invalid { field, reason } => Some((
            StatusCode::BAD_REQUEST,
            Problem {
                href: format!("#{form}-{}", field.split('.').next().unwrap_or(field)),
                text: sentence(&format!("{}: {reason}", field.replace('_', " "))),
            },
        )),
        AppError::Duplicate(what) => Some((
            StatusCode::CONFLICT,
            Problem {
                href: format!("#{form}-name"),
                text: sentence(what),
            },
        )),
        _ => None,
    }
}

/// The page's status and its problem, if any (200 without one).
fn split(problem: Option<(StatusCode, Problem)>) -> (StatusCode, Option<Problem>) {
    match problem {
        Some((s, p)) => (s, Some(p)),
        None => (StatusCode::OK, None),
    }
}

/// The vendor chosen in a form's select: none (in-house) or one by id.
fn vendor_choice(text: &str) -> Result<Option<paydesk_domain::VendorId>, AppError> {
    match text {
        "" => Ok(None),
        v => v
            .parse()
            .map(|id| Some(paydesk_domain::VendorId(id)))
            .map_err(|_| AppError::invalid("vendor", "choose a vendor from the list")),
    }
}

/// The refusal page unless the person may take one of `actions`.
fn refusal(desk: &Desk, actions: &[Action]) -> Option<Response> {
    if actions.iter().any(|a| desk.may(*a)) {
        None
    } else {
        let action = actions.first().copied().unwrap_or(Action::ConfigManage);
        Some(failure(
            desk,
            Section::Admin,
            AppError::Forbidden { action },
        ))
    }
}
