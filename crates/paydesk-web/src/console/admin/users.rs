//! `/desk/admin/users`: the staff list and the form that adds a user.

use super::{Problem, problem, split};
use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::{App, AppError};
use paydesk_domain::VendorId;
use paydesk_domain::role::Role;
use paydesk_store::{User, Vendor};
use serde::Deserialize;

/// What the add-user form holds (the password is never sent back).
#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
    password: String,
}

/// The users page.
#[derive(Template)]
#[template(path = "console/admin/users.html")]
pub struct UsersPage {
    pub chrome: Chrome,
    pub users: Vec<User>,
    pub vendors: Vec<Vendor>,
    pub roles: &'static [Role],
    pub form: UserForm,
    pub problem: Option<Problem>,
}

impl UsersPage {
    /// The vendor's name, or "In-house".
    fn vendor_name(&self, id: &Option<VendorId>) -> String {
        id.and_then(|id| self.vendors.iter().find(|v| v.id == id))
            .map_or_else(|| "In-house".to_string(), |v| v.name.clone())
    }
}

async fn render(
    app: &App,
    desk: &Desk,
    form: UserForm,
    problem: Option<(StatusCode, Problem)>,
) -> Response {
    let users = match app.users(&desk.caller).await {
        Ok(u) => u,
        Err(e) => return failure(desk, Section::Admin, e),
    };
    let vendors = match app.vendors(&desk.caller).await {
        Ok(v) => v,
        Err(e) => return failure(desk, Section::Admin, e),
    };
    let (status, problem) = split(problem);
    answer(
        status,
        &UsersPage {
            chrome: desk.chrome(Section::Admin),
            users,
            vendors,
            roles: Role::ALL,
            form,
            problem,
        },
    )
}

/// `GET /desk/admin/users`.
pub async fn show(State(app): State<App>, desk: Desk) -> Response {
    render(&app, &desk, UserForm::default(), None).await
}

/// `POST /desk/admin/users`: adds the user, then shows the list.
pub async fn add(State(app): State<App>, desk: Desk, Form(form): Form<UserForm>) -> Response {
    let result = match parse(&form) {
        Ok((role, vendor)) => {
            let password = Some(form.password.as_str()).filter(|p| !p.is_empty());
            app.add_user(
                &desk.caller,
                &form.email,
                &form.name,
                role,
                vendor,
                password,
            )
            .await
            .map(|_| ())
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to("/desk/admin/users").into_response(),
        Err(e) => match problem("user", &e) {
            Some(p) => render(&app, &desk, form, Some(p)).await,
            None => failure(&desk, Section::Admin, e),
        },
    }
}

/// The role and vendor as typed.
fn parse(form: &UserForm) -> Result<(Role, Option<VendorId>), AppError> {
    let role = form
        .role
        .parse()
        .map_err(|_| AppError::invalid("role", "choose a role from the list"))?;
    let vendor = super::vendor_choice(&form.vendor)?;
    Ok((role, vendor))
}
