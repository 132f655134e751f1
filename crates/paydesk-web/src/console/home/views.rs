//! Saved views: a person names the filters of their work list and opens them again with
//! one click.

use super::{HomeQuery, render};
use crate::console::desk::{Desk, Section};
use crate::console::page::failure;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::{App, AppError};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
}

/// `POST /desk/views`: saves the filters as a view and opens it.
pub async fn save_view(State(app): State<App>, desk: Desk, Form(form): Form<SaveForm>) -> Response {
    match app.save_view(&desk.caller, &form.name, &form.query).await {
        Ok(view) => Redirect::to(&format!("/desk?{}", view.query)).into_response(),
        Err(AppError::Invalid { reason, .. }) => {
            let query: HomeQuery = serde_urlencoded::from_str(&form.query).unwrap_or_default();
            let mut response = render(
                &app,
                &desk,
                &query,
                Some(format!("The view was not saved: {reason}.")),
            )
            .await;
            *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            response
        }
        Err(e) => failure(&desk, Section::Work, e),
    }
}

/// `POST /desk/views/{id}/delete`.
pub async fn delete_view(State(app): State<App>, desk: Desk, Path(id): Path<i64>) -> Response {
    match app.delete_view(&desk.caller, id).await {
        Ok(()) => Redirect::to("/desk").into_response(),
        Err(e) => failure(&desk, Section::Work, e),
    }
}
