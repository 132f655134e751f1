//! The agent's own presence, set from the home page: online to be handed tickets, away
//! or offline to stop (offline hands back new and open tickets, as the API does).

use crate::console::desk::{Desk, Section};
use crate::console::page::failure;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::{App, AppError};
use paydesk_domain::routing::Presence;
use serde::Deserialize;

/// The presence menu: the person's current presence, when they have a routing profile.
pub async fn current(app: &App, desk: &Desk) -> Option<Presence> {
    app.agent(&desk.caller, desk.session.user.id)
        .await
        .ok()
        .map(|c| c.profile.presence)
}

#[derive(Debug, Deserialize)]
pub struct PresenceForm {
    #[serde(default)]
    presence: String,
}

/// `POST /desk/presence`.
pub async fn set(State(app): State<App>, desk: Desk, Form(form): Form<PresenceForm>) -> Response {
    let presence = match form.presence.parse::<Presence>() {
        Ok(p) => p,
        Err(_) => {
            let e = AppError::invalid("presence", "choose online, away or offline");
            return failure(&desk, Section::Work, e);
        }
    };
    match app
        .set_presence(&desk.caller, desk.session.user.id, presence)
        .await
    {
        Ok(_) => Redirect::to(super::super::PREFIX).into_response(),
        Err(e) => failure(&desk, Section::Work, e),
    }
}
