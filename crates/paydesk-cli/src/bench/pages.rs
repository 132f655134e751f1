//! `paydesk bench pages`: how long the console's pages take to render on the server with
//! the demo data, against the target of 200 ms.
//!
//! For each engine, on a fresh database filled with the demo (as `paydesk demo` makes
//! it), people sign in through the console's own form and each page is requested through
//! the whole router in this process (authentication, session, rendering; no network), N
//! times: the agent's home, a queue's list, the ticket pages of the queues' most urgent
//! tickets, a search, and the lead's queue overview and agents. Server time is measured
//! from the request to the last byte of the answer's body; page weight is that body.

use super::database::{FreshDb, Place};
use super::report::{self, Latency};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use paydesk_app::demo::DemoOptions;
use paydesk_app::{App, Clock as _, SystemClock};
use paydesk_store::{Engine, PageRequest};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt as _;

/// The target server time of a page.
const TARGET: Duration = Duration::from_millis(200);

/// One run's settings.
pub struct PageBench {
    pub tickets: usize,
    pub requests: usize,
    pub place: Place,
}

/// A signed-in browser: its cookie.
struct Browser {
    cookie: String,
}

impl PageBench {
    pub async fn run(&self, engines: Vec<Engine>) -> anyhow::Result<()> {
        println!(
            "bench pages: demo of {} tickets, {} requests per page, target {} ms server time, {} build",
            self.tickets,
            self.requests,
            TARGET.as_millis(),
            if cfg!(debug_assertions) {
                "DEBUG (figures are not meaningful; use --release)"
            } else {
                "release"
            }
        );
        for engine in engines {
            let db = FreshDb::create(engine, &self.place).await?;
            let outcome = self.measure(engine, &db).await;
            db.remove().await?;
            outcome?;
        }
        Ok(())
    }

    async fn measure(&self, engine: Engine, db: &FreshDb) -> anyhow::Result<()> {
        let app = App::new(db.store.clone(), Arc::new(SystemClock));
        let mut opts = DemoOptions::standard(SystemClock.now());
        opts.tickets = self.tickets;
        let bar = report::bar(engine, "demo", self.tickets);
        let started = Instant::now();
        let progress = |done: usize, _total: usize| bar.set_position(done as u64);
        let summary = app.generate_demo(&opts, &progress).await?;
        bar.finish_and_clear();
        db.store.analyze().await?;
        println!(
            "{}: demo of {} tickets made in {:.1} s",
            engine.name(),
            summary.tickets,
            started.elapsed().as_secs_f64()
        );
        let router = paydesk_web::router(app.clone());
        let login = |role: &str| {
            summary
                .logins
                .iter()
                .find(|l| l.role.as_str() == role)
                .map(|l| (l.email.clone(), l.password.clone()))
                .ok_or_else(|| anyhow::anyhow!("the demo has no {role}"))
        };
        let agent = sign_in(&router, login("agent")?).await?;
        let lead = sign_in(&router, login("lead")?).await?;

        let mut pages: Vec<(String, &Browser, String)> = vec![
            ("agent home".into(), &agent, "/desk".into()),
            ("all tickets".into(), &agent, "/desk?list=all".into()),
            ("search (words)".into(), &agent, "/desk?q=refund".into()),
        ];
        let queues = app.queues(&paydesk_app::Caller::system()).await?;
        let busiest = queues.iter().max_by_key(|q| {
            q.counts
                .as_ref()
                .map_or(0, |c| c.by_status.values().sum::<i64>())
        });
        if let Some(q) = busiest {
            pages.push((
                "queue list".into(),
                &agent,
                format!("/desk?list=queue&queue={}", q.settings.queue.id.0),
            ));
            let urgent = app
                .queue_tickets(
                    &paydesk_app::Caller::system(),
                    q.settings.queue.id,
                    &PageRequest::first(1),
                )
                .await?;
            if let Some(t) = urgent.items.first() {
                pages.push((
                    "ticket (most urgent)".into(),
                    &agent,
                    format!("/desk/tickets/PD-{}", t.id.0),
                ));
            }
        }
        let busy = app
            .list_tickets(
                &paydesk_app::Caller::system(),
                &paydesk_store::TicketFilter::default(),
                &PageRequest::first(1),
            )
            .await?;
        if let Some(t) = busy.items.first() {
            pages.push((
                "ticket (newest)".into(),
                &agent,
                format!("/desk/tickets/PD-{}", t.id.0),
            ));
        }
        pages.push(("queue overview".into(), &lead, "/desk/overview".into()));
        pages.push(("agents".into(), &lead, "/desk/agents".into()));

        println!(
            "{:<22} {:>8} {:>8} {:>8} {:>10} {:>9}",
            "page", "p50 ms", "p95 ms", "max ms", "weight KB", "vs 200ms"
        );
        for (name, who, path) in &pages {
            let bar = report::bar(engine, name, self.requests);
            let mut times = Vec::with_capacity(self.requests);
            let mut weight = 0;
            let mut status = StatusCode::OK;
            for _ in 0..self.requests {
                let (took, bytes, s) = fetch(&router, who, path).await?;
                times.push(took);
                weight = bytes;
                status = s;
                bar.inc(1);
            }
            bar.finish_and_clear();
            if status != StatusCode::OK {
                println!("{name:<22} answered {status} for {path}");
                continue;
            }
            let l = Latency::of(times).ok_or_else(|| anyhow::anyhow!("no samples"))?;
            let p95 = l.p95;
            println!(
                "{name:<22} {:>8.1} {:>8.1} {:>8.1} {:>10.1} {:>8.2}x",
                ms(l.p50),
                ms(p95),
                ms(l.max),
                weight as f64 / 1024.0,
                ms(p95) / ms(TARGET)
            );
        }
        Ok(())
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn sign_in(
    router: &axum::Router,
    (email, password): (String, String),
) -> anyhow::Result<Browser> {
    let body = serde_urlencoded::to_string([("email", &email), ("password", &password)])?;
    let request = Request::post("/desk/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))?;
    let response = router.clone().oneshot(request).await?;
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("signing in as {email} failed: {}", response.status()))?;
    Ok(Browser { cookie })
}

/// One request to the last byte: (server time, body bytes, status).
async fn fetch(
    router: &axum::Router,
    who: &Browser,
    path: &str,
) -> anyhow::Result<(Duration, usize, StatusCode)> {
    let request = Request::get(path)
        .header(header::COOKIE, who.cookie.clone())
        .body(Body::empty())?;
    let started = Instant::now();
    let response = router.clone().oneshot(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((started.elapsed(), body.len(), status))
}
