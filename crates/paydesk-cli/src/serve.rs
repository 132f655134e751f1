//! `paydesk serve` and `paydesk migrate`.

use crate::config::Settings;
use anyhow::Context as _;
use paydesk_app::{App, SystemClock};
use std::io::Write as _;
use std::sync::Arc;

pub async fn migrate_only(settings: &Settings) -> anyhow::Result<()> {
    let store = settings.open_store().await?;
    println!("database ready: {}", settings.describe_store());
    store.close().await;
    Ok(())
}

pub async fn serve(settings: &Settings) -> anyhow::Result<()> {
    let store = settings.open_store().await?;
    serve_store(settings, store).await
}

/// Serves `store` until Ctrl-C or SIGTERM, then drains requests and closes the database.
pub async fn serve_store(settings: &Settings, store: paydesk_store::Store) -> anyhow::Result<()> {
    let app = App::new(store.clone(), Arc::new(SystemClock)).with_intake(settings.intake.clone());
    let workers = paydesk_workers::spawn(&app);
    let listener = tokio::net::TcpListener::bind(&settings.bind)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {}; is another program using it? choose another with --bind",
                settings.bind
            )
        })?;
    let addr = listener.local_addr()?;
    // A closed stdout (a supervisor that stopped reading) must not stop the server.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "paydesk is serving on http://{addr}  ({})",
        settings.describe_store()
    );
    let _ = writeln!(
        out,
        "  API: http://{addr}/api/v1/tickets   OpenAPI: http://{addr}/api/v1/openapi.json"
    );
    let _ = out.flush();
    drop(out);
    let service =
        paydesk_web::router(app).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown())
        .await?;
    for w in workers {
        w.abort();
    }
    store.close().await;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
