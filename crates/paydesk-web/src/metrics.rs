//! `/metrics`: the process's measurements in Prometheus' text format, among them the lag
//! between a durable timer's due time and its firing (`paydesk_timer_lag_seconds`).
//!
//! The recorder is process-wide and installed once, by the first router built; code
//! anywhere in the process records through the `metrics` macros.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use paydesk_app::App;
use std::sync::OnceLock;

/// Buckets for lags, in seconds: fine below a second, where the target is.
const LAG_BUCKETS: &[f64] = &[
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's recorder, installed on first use. `None` when another recorder was
/// installed first (then `/metrics` says so rather than showing nothing).
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LAG_BUCKETS)
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => Some(handle),
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed; /metrics stays empty");
                    None
                }
            }
        })
        .as_ref()
}

pub fn routes() -> Router<App> {
    handle();
    Router::new().route("/metrics", get(render))
}

async fn render() -> impl IntoResponse {
    let body = handle().map_or_else(
        || "# no metrics recorder in this process\n".to_string(),
        PrometheusHandle::render,
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
}
