//! The HTTP phase: the real router served on a loopback port inside this process, and
//! `--clients` keep-alive clients posting tickets until N have been created.
//!
//! Only a `201 Created` counts: each is a commit the server acknowledged as durable. Any
//! other answer stops the phase with the status and body, since a benchmark that quietly
//! skips failures measures nothing.

use super::report::{Latency, Measurement};
use anyhow::Context as _;
use indicatif::ProgressBar;
use paydesk_app::App;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What the clients post, and which answers count as acknowledged.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub path: &'static str,
    pub content_type: &'static str,
    /// The API token's scope.
    pub scope: paydesk_domain::policy::Scope,
    /// Whether `200 OK` is an acknowledgement too (email intake answers 200 for replies).
    pub ok_counts: bool,
}

/// `POST /api/v1/tickets` with JSON bodies: only `201 Created` counts.
pub const TICKETS: Target = Target {
    path: "/api/v1/tickets",
    content_type: "application/json",
    scope: paydesk_domain::policy::Scope::TicketsWrite,
    ok_counts: false,
};

/// What all clients share: the bodies to send, the next one to take, and a stop flag.
struct Work {
    target: Target,
    url: String,
    bodies: Vec<String>,
    authorization: String,
    next: AtomicUsize,
    created: AtomicUsize,
    failed: AtomicBool,
    bar: ProgressBar,
}

pub async fn run(
    app: App,
    target: Target,
    bodies: Vec<String>,
    clients: usize,
    bar: &ProgressBar,
) -> anyhow::Result<Measurement> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("cannot listen on a loopback port")?;
    let addr = listener.local_addr()?;
    // Clients authenticate as an intake system would: an API token allowed to write tickets.
    let token = app
        .create_token(
            &paydesk_app::Caller::system(),
            "bench",
            &[target.scope],
            None,
        )
        .await?
        .token;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            paydesk_web::router(app).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await
    });
    let n = bodies.len();
    let work = Arc::new(Work {
        target,
        url: format!("http://{addr}{}", target.path),
        authorization: format!("Bearer {token}"),
        bodies,
        next: AtomicUsize::new(0),
        created: AtomicUsize::new(0),
        failed: AtomicBool::new(false),
        bar: bar.clone(),
    });
    let mut tasks = tokio::task::JoinSet::new();
    let started = Instant::now();
    for _ in 0..clients.max(1) {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .timeout(Duration::from_secs(120))
            .build()
            .context("cannot build an HTTP client")?;
        tasks.spawn(client_loop(client, Arc::clone(&work)));
    }
    let mut samples = Vec::with_capacity(n);
    let mut failure = None;
    while let Some(joined) = tasks.join_next().await {
        match joined.context("an HTTP client task failed") {
            Ok(Ok(mut s)) => samples.append(&mut s),
            Ok(Err(e)) | Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    server
        .await
        .context("the HTTP server task failed")?
        .context("the HTTP server failed")?;
    if let Some(e) = failure {
        return Err(e);
    }
    let created = work.created.load(Ordering::Relaxed);
    if created != n {
        anyhow::bail!("http: {created} requests acknowledged, expected {n}");
    }
    Ok(Measurement {
        tickets: created,
        elapsed,
        latency: Latency::of(samples),
    })
}

/// Posts the next ticket until none are left; returns each request's latency.
async fn client_loop(client: reqwest::Client, work: Arc<Work>) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::new();
    while !work.failed.load(Ordering::Relaxed) {
        let i = work.next.fetch_add(1, Ordering::Relaxed);
        let Some(body) = work.bodies.get(i) else {
            break;
        };
        let sent = Instant::now();
        let outcome = client
            .post(&work.url)
            .header(reqwest::header::CONTENT_TYPE, work.target.content_type)
            .header(reqwest::header::AUTHORIZATION, &work.authorization)
            .body(body.clone())
            .send()
            .await;
        let response = match outcome {
            Ok(r) => r,
            Err(e) => {
                work.failed.store(true, Ordering::Relaxed);
                return Err(anyhow::Error::new(e).context(format!("http: ticket {i} was not sent")));
            }
        };
        let status = response.status();
        // Reading the whole body lets the connection be reused for the next request.
        let text = response.text().await;
        let latency = sent.elapsed();
        let acknowledged = status == reqwest::StatusCode::CREATED
            || (work.target.ok_counts && status == reqwest::StatusCode::OK);
        if !acknowledged {
            work.failed.store(true, Ordering::Relaxed);
            let text = text.unwrap_or_default();
            anyhow::bail!("http: request {i} answered {status}, not an acknowledgement: {text}");
        }
        if let Err(e) = text {
            work.failed.store(true, Ordering::Relaxed);
            return Err(anyhow::Error::new(e)
                .context(format!("http: the answer to ticket {i} could not be read")));
        }
        samples.push(latency);
        work.created.fetch_add(1, Ordering::Relaxed);
        work.bar.inc(1);
    }
    Ok(samples)
}
