//! `/healthz` (the process is up) and `/readyz` (the database answers).

use crate::error::ApiError;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use paydesk_app::App;
use serde_json::{Value, json};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .method_not_allowed_fallback(super::method_not_allowed)
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn readyz(State(app): State<App>) -> Result<Json<Value>, ApiError> {
    app.store().ping().await.map_err(|e| {
        ApiError::new(
            "database_unavailable",
            format!("the database does not answer: {e}"),
        )
    })?;
    Ok(Json(
        json!({ "status": "ready", "database": app.store().engine().name() }),
    ))
}
