//! (being built)

use axum::Router;
use paydesk_app::App;

/// The routes of this part.
pub fn routes() -> Router<App> {
    Router::new()
}
