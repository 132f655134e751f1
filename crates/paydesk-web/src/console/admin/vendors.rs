//! `/desk/admin/vendors`: the vendors with their queues and agents, and the form that
//! adds one.

use super::{Problem, problem, split};
use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::{App, AppError};
use paydesk_domain::role::Role;
use paydesk_store::{Queue, User};
use serde::Deserialize;

/// One vendor's row.
#[derive(Debug, Clone)]
pub struct VendorRow {
    pub name: String,
    pub queues: String,
    pub agents: usize,
}

/// The vendors page.
#[derive(Template)]
#[template(path = "console/admin/vendors.html")]
pub struct VendorsPage {
    pub chrome: Chrome,
    pub vendors: Vec<VendorRow>,
    pub name: String,
    pub problem: Option<Problem>,
}

#[derive(Debug, Default, Deserialize)]
pub struct VendorForm {
    #[serde(default)]
    name: String,
}

/// The queues and users the rows count.
async fn read_all(app: &App) -> Result<(Vec<Queue>, Vec<User>), AppError> {
    Ok((app.store().queues().await?, app.store().users().await?))
}

async fn render(
    app: &App,
    desk: &Desk,
    name: String,
    problem: Option<(StatusCode, Problem)>,
) -> Response {
    let loaded = match app.vendors(&desk.caller).await {
        Ok(v) => read_all(app).await.map(|(q, u)| (v, q, u)),
        Err(e) => Err(e),
    };
    let (vendors, queues, users) = match loaded {
        Ok(l) => l,
        Err(e) => return failure(desk, Section::Admin, e),
    };
    let rows = vendors
        .into_iter()
        .map(|v| {
            let names: Vec<String> = queues
                .iter()
                .filter(|q| q.vendor_id == Some(v.id))
                .map(|q| q.name.clone())
                .collect();
            VendorRow {
                queues: if names.is_empty() {
                    "none yet".into()
                } else {
                    names.join(", ")
                },
                agents: users
                    .iter()
                    .filter(|u| u.vendor_id == Some(v.id) && u.role == Role::BpoAgent)
                    .count(),
                name: v.name,
            }
        })
        .collect();
    let (status, problem) = split(problem);
    answer(
        status,
        &VendorsPage {
            chrome: desk.chrome(Section::Admin),
            vendors: rows,
            name,
            problem,
        },
    )
}

/// `GET /desk/admin/vendors`.
pub async fn show(State(app): State<App>, desk: Desk) -> Response {
    render(&app, &desk, String::new(), None).await
}

/// `POST /desk/admin/vendors`: adds the vendor, then shows the list.
pub async fn add(State(app): State<App>, desk: Desk, Form(form): Form<VendorForm>) -> Response {
    match app.add_vendor(&desk.caller, &form.name).await {
        Ok(_) => Redirect::to("/desk/admin/vendors").into_response(),
        Err(e) => match problem("vendor", &e) {
            Some(p) => render(&app, &desk, form.name, Some(p)).await,
            None => failure(&desk, Section::Admin, e),
        },
    }
}
