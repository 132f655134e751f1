//! `paydesk bench queues`: the queue view, "next ticket" and SLA timer lag on a desk with a
//! million open tickets.
//!
//! The tickets are filled by SQL in batches (the service layer's speed is `bench intake`'s
//! question, not this one's): 20 queues, statuses new, open, pending and on hold, all four
//! priorities, due times spread over the past hour and the next day (one in ten with no
//! running clock), a third assigned. Then, on the same database:
//! - the first page of a queue view, through the service, `views` times over the queues;
//! - "next ticket" for agents skilled for some queues, each call a claim;
//! - `timers` SLA breach timers falling due within one minute, fired by the production timer
//!   loop (`paydesk_workers::timers::fire_due`, polling as it does), with the lag between due
//!   time and firing of each.

use super::database::{FreshDb, Place};
use super::report::{self, Latency};
use super::routing;
use paydesk_app::{App, SystemClock};
use paydesk_store::sql::Tx;
use paydesk_store::{Engine, NO_DUE, args};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Queues the tickets are spread over.
pub const QUEUES: i64 = 20;
/// Tickets per fill statement.
const FILL_BATCH: i64 = 20_000;

/// One run's settings.
pub struct QueueBench {
    pub tickets: i64,
    pub timers: i64,
    pub views: usize,
    pub place: Place,
}

/// The integers `lo..=hi` as a row source named `s(n)`, per engine.
fn numbers(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => {
            "(WITH RECURSIVE seq(n) AS (SELECT $1 UNION ALL SELECT n + 1 FROM seq WHERE n < $2) SELECT n FROM seq) AS s"
        }
        Engine::Postgres => "generate_series($1::BIGINT, $2::BIGINT) AS s(n)",
    }
}

/// Fills tickets `lo..=hi`: spread over queues, statuses, priorities and due times.
async fn fill(tx: &mut Tx, lo: i64, hi: i64, now: i64) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO tickets (id, subject, status, priority, channel, business_line, category, queue_id, \
         assignee_id, language, version, created_at, updated_at, priority_rank, queued_at, sla_due_at, sla_breached) \
         SELECT n, 'Payment question ' || n, \
           CASE n % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'open' WHEN 2 THEN 'open' WHEN 3 THEN 'pending' ELSE 'on_hold' END, \
           CASE n % 7 WHEN 0 THEN 'urgent' WHEN 1 THEN 'high' WHEN 2 THEN 'low' ELSE 'normal' END, \
           'email', CASE n % 3 WHEN 0 THEN 'buyer' WHEN 1 THEN 'merchant' ELSE 'creator' END, \
           CASE n % 4 WHEN 0 THEN 'refund' WHEN 1 THEN 'duplicate_charge' WHEN 2 THEN 'payout' ELSE NULL END, \
           1 + n % {QUEUES}, NULL, CASE n % 11 WHEN 0 THEN 'es' ELSE 'en' END, 1, $3 - n, $3, \
           CASE n % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 3 ELSE 2 END, $3 - n, \
           CASE WHEN n % 10 = 0 THEN $4 ELSE $3 - 3600000 + (n * 7919) % 90000000 END, \
           CASE WHEN n % 10 <> 0 AND (n * 7919) % 90000000 < 3600000 THEN 1 ELSE 0 END \
         FROM {}",
        numbers(tx.engine())
    );
    tx.exec(&sql, &args![lo, hi, now, NO_DUE]).await?;
    Ok(())
}

/// Running first-reply clocks and their breach timers for tickets `1..=n`, due evenly within
/// the minute after `start`.
async fn arm_timers(tx: &mut Tx, n: i64, start: i64, now: i64) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO sla_clocks (ticket_id, metric, policy_id, target_ms, calendar_id, state, started_at, \
         running_since, elapsed_ms, paused_since, paused_ms, due_at, warn_at, warned_at, breached_at, achieved_at, \
         cycle, updated_at) \
         SELECT n, 'first_reply', NULL, 3600000, NULL, 'running', $4, $4, 0, NULL, 0, $3 + (n * 60000) / $2, NULL, $4, NULL, NULL, 0, $4 \
         FROM {}",
        numbers(tx.engine())
    );
    tx.exec(&sql, &args![1_i64, n, start, now]).await?;
    tx.exec(
        "INSERT INTO timers (kind, ticket_id, subject, due_at, created_at) \
         SELECT 'sla_breach', ticket_id, metric, due_at, $1 FROM sla_clocks",
        &args![now],
    )
    .await?;
    Ok(())
}

fn now_ms() -> i64 {
    paydesk_app::Clock::now(&SystemClock).0
}

impl QueueBench {
    pub async fn run(&self, engines: Vec<Engine>) -> anyhow::Result<()> {
        println!(
            "bench queues: {} open tickets over {QUEUES} queues, {} breach timers due within one minute, {} queue views, {} build",
            self.tickets,
            self.timers,
            self.views,
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
        let store = &db.store;
        let app = App::new(store.clone(), Arc::new(SystemClock));
        routing::prepare(&app, QUEUES).await?;
        let bar = report::bar(engine, "fill", usize::try_from(self.tickets)?);
        let started = Instant::now();
        let now = now_ms();
        let mut lo = 1;
        while lo <= self.tickets {
            let hi = (lo + FILL_BATCH - 1).min(self.tickets);
            let mut tx = store.write().await?;
            fill(&mut tx, lo, hi, now).await?;
            tx.commit().await?;
            bar.inc(u64::try_from(hi - lo + 1)?);
            lo = hi + 1;
        }
        bar.finish_and_clear();
        store.analyze().await?;
        println!(
            "{}: filled {} tickets in {:.1} s",
            engine.name(),
            self.tickets,
            started.elapsed().as_secs_f64()
        );
        routing::measure(&app, engine, self.views, QUEUES).await?;
        self.timer_lag(&app, engine).await
    }

    async fn timer_lag(&self, app: &App, engine: Engine) -> anyhow::Result<()> {
        let start = now_ms() + 5_000;
        let mut tx = app.store().write().await?;
        arm_timers(&mut tx, self.timers, start, now_ms()).await?;
        tx.commit().await?;
        let bar = report::bar(engine, "timers", usize::try_from(self.timers)?);
        let mut lags = Vec::with_capacity(usize::try_from(self.timers)?);
        let deadline = Instant::now() + Duration::from_secs(300);
        while i64::try_from(lags.len())? < self.timers && Instant::now() < deadline {
            let fired = paydesk_workers::timers::fire_due(app).await?;
            for f in &fired {
                lags.push(Duration::from_millis(u64::try_from(f.lag_ms().max(0))?));
            }
            bar.inc(fired.len() as u64);
            tokio::time::sleep(paydesk_workers::timers::POLL).await;
        }
        bar.finish_and_clear();
        let count = lags.len();
        let lag = Latency::of(lags).ok_or_else(|| anyhow::anyhow!("no timer fired"))?;
        println!(
            "{}: {count} timers fired; lag p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            engine.name(),
            lag.p50.as_secs_f64() * 1000.0,
            lag.p99.as_secs_f64() * 1000.0,
            lag.max.as_secs_f64() * 1000.0,
        );
        Ok(())
    }
}
