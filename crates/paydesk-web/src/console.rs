//! The staff console: server-rendered pages under `/desk` for agents, leads and admins
//! (ADR 0009). Every page reads without JavaScript; `console.js` only enhances (forms
//! that save without a reload, keyboard shortcuts and their help overlay).
//!
//! - `/desk/sign-in`, `/desk/sign-out`: the session, as `POST /api/v1/session` makes it.
//! - `/desk`: the agent's home (my tickets, my queues, search, next ticket).
//! - `/desk/overview`, `/desk/agents`: the leads' pages (see `lead`).
//! - `/desk/admin/...`: the settings pages (see `admin`).
//! - `/desk/sops`, `/desk/sops/{id}`: the SOP library (see `sop`).
//! - `/desk/shortcuts`: the keyboard shortcuts, as a page (the overlay's content).
//! - `/desk/assets/{name}`: the style sheet and the script, built into the binary.
//!
//! Pages need a signed-in person (see [`desk::Desk`]); a visitor without a session is
//! sent to the sign-in page and back. Forms post `application/x-www-form-urlencoded`
//! with the session's `csrf_token` field, which the authentication layer checks.

mod admin;
mod assets;
pub mod desk;
mod escalations;
pub mod format;
mod home;
mod lead;
mod macros;
pub mod page;
mod rules;
mod sign_in;
mod sop;
mod ticket;
pub mod when;

use axum::Router;
use axum::response::Redirect;
use axum::routing::{get, post};
use paydesk_app::App;

/// Where the console lives.
pub const PREFIX: &str = "/desk";

/// The routes of the console.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(|| async { Redirect::to(PREFIX) }))
        .route("/desk", get(home::show))
        .route("/desk/next", post(home::next))
        .route("/desk/views", post(home::save_view))
        .route("/desk/presence", post(home::set_presence))
        .route("/desk/views/{id}/delete", post(home::delete_view))
        .route("/desk/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/desk/sign-out", post(sign_in::sign_out))
        .route("/desk/shortcuts", get(page::shortcuts))
        .route("/desk/assets/{name}", get(assets::serve))
        .route("/desk/{*rest}", get(page::not_found))
        .merge(ticket::routes())
        .merge(escalations::routes())
        .merge(macros::routes())
        .merge(lead::routes())
        .merge(admin::routes())
        .merge(sop::routes())
        .merge(rules::routes())
        .method_not_allowed_fallback(crate::api::method_not_allowed)
}
