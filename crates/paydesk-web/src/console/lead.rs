//! The leads' pages: the queue overview (charts of backlog, SLA standing and volume) and
//! the agents (presence, load, skills), where a lead may also set someone's presence.

mod agents;
mod chart;
mod overview;

use axum::Router;
use axum::routing::{get, post};
use paydesk_app::App;

/// The leads' routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/desk/overview", get(overview::show))
        .route("/desk/agents", get(agents::show))
        .route("/desk/agents/{id}/presence", post(agents::set_presence))
}
