//! `paydesk bench`: measurements on this machine.
//!
//! `bench intake` answers one question from the issue: how fast can paydesk take in
//! tickets durably, and how much do the service layer and the HTTP API cost compared with
//! writing the same rows by hand? For each engine it creates the same N tickets three
//! ways, each on a fresh database, checks afterwards that exactly N tickets are stored, and
//! prints a table with the ratios `service/raw` and `http/raw`.

mod corpus;
mod database;
mod email;
mod http;
mod pages;
mod queues;
mod raw;
mod report;
mod routing;
mod rules;

use crate::config::Settings;
use clap::{Subcommand, ValueEnum};
use database::{FreshDb, Place};
use paydesk_app::tickets::NewTicketInput;
use paydesk_app::{App, SystemClock};
use paydesk_domain::Actor;
use paydesk_store::Engine;
use report::{EngineReport, Measurement};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Ticket creation: service layer in batches, HTTP API over loopback, raw inserts.
    ///
    /// For each engine, on a fresh database per phase (SQLite: a new file with the
    /// production settings, WAL and synchronous=FULL; PostgreSQL: a new schema, dropped
    /// afterwards), creates the same N tickets (1) through `App::create_tickets` in
    /// batches, (2) through `POST /api/v1/tickets` served in this process on a loopback
    /// port, (3) as plain INSERTs of the same rows in batches; then prints tickets/s,
    /// HTTP latency and the ratios service/raw and http/raw.
    Intake {
        /// How many tickets each phase creates.
        #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(1..))]
        tickets: u64,
        /// Concurrent HTTP clients (each keeps its connection alive).
        #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=1024))]
        clients: u64,
        /// Tickets per transaction in the service and raw phases.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=100_000))]
        batch: u64,
        #[command(flatten)]
        databases: Databases,
        /// Seed of the ticket generator: the same seed gives the same tickets.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Email intake: raw messages through the service and through the HTTP endpoint.
    ///
    /// For each engine, on a fresh database per phase, takes in the same N generated
    /// emails (new tickets, threaded replies, auto-replies; some with attachments or card
    /// numbers) through `App::receive_email` with several concurrent senders, then through
    /// `POST /api/v1/intake/email` on a loopback port; checks every message is accounted
    /// for and prints messages/s.
    Email {
        /// How many messages each phase takes in.
        #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(1..))]
        messages: u64,
        /// Concurrent senders (service tasks, or HTTP clients).
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1024))]
        clients: u64,
        #[command(flatten)]
        databases: Databases,
        /// Seed of the message generator.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Queues, "next ticket" and SLA timers at scale.
    ///
    /// For each engine, on a fresh database, fills N open tickets over 20 queues (by SQL,
    /// in batches, with due times, priorities and assignees spread as on a busy desk),
    /// then measures the first page of a queue view (p50, p99), "next ticket" for agents
    /// skilled for some of the queues, and the lag between due time and firing of T SLA
    /// breach timers falling due within one minute, fired by the real timer loop.
    Queues {
        /// Open tickets to fill.
        #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1_000..))]
        tickets: u64,
        /// SLA breach timers falling due within one minute (at most one per ticket).
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
        timers: u64,
        /// Queue-view requests (first pages, spread over the queues).
        #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(1..))]
        views: u64,
        #[command(flatten)]
        databases: Databases,
    },
    /// The console's pages: server time and weight with the demo data.
    ///
    /// For each engine, on a fresh database filled with the demo, signs in an agent and a
    /// lead through the console's form and requests each page N times through the whole
    /// router in this process (no network): the agent's home, all tickets, a search, the
    /// busiest queue's list, the most urgent and the newest ticket pages, the queue
    /// overview and the agents page. Prints p50, p95 and max server time, the page weight,
    /// and p95 against the 200 ms target.
    Pages {
        /// Tickets of the demo.
        #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(100..))]
        tickets: u64,
        /// Requests per page.
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..))]
        requests: u64,
        #[command(flatten)]
        databases: Databases,
    },
    /// Rule evaluation: ticket events per second through 200 active rules.
    ///
    /// First through the domain evaluator alone, then end to end on each engine: tickets
    /// written through the services (created, then changed), the trigger loop reading
    /// their events, evaluating the rules and taking the firings' actions.
    Rules {
        /// Events through the domain evaluator.
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
        events: u64,
        /// Tickets written end to end.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..))]
        tickets: u64,
        #[command(flatten)]
        databases: Databases,
    },
}

/// Where the benches make their databases, and which engines they measure.
#[derive(Debug, clap::Args)]
pub struct Databases {
    /// Which engines to measure.
    #[arg(long, value_enum, default_value_t = EngineChoice::Both)]
    engine: EngineChoice,
    /// The PostgreSQL server; each phase gets a fresh schema there, dropped afterwards.
    #[arg(
        long,
        env = "PAYDESK_TEST_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres",
        value_name = "URL",
        hide_env_values = true
    )]
    postgres_url: String,
    /// Folder in which each SQLite database gets a temporary folder [default: the system
    /// temporary folder]. Put it on the disk production would use: on a tmpfs, fsync
    /// costs nothing and the figures mean little.
    #[arg(long, value_name = "DIR")]
    sqlite_dir: Option<PathBuf>,
}

impl Databases {
    fn place(self, settings: &Settings) -> (Vec<Engine>, Place) {
        (
            self.engine.engines(),
            Place {
                sqlite_dir: self.sqlite_dir,
                postgres_url: self.postgres_url,
                postgres_max_connections: settings.database_max_connections,
            },
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineChoice {
    Sqlite,
    Postgres,
    Both,
}

impl EngineChoice {
    fn engines(self) -> Vec<Engine> {
        match self {
            EngineChoice::Sqlite => vec![Engine::Sqlite],
            EngineChoice::Postgres => vec![Engine::Postgres],
            EngineChoice::Both => vec![Engine::Sqlite, Engine::Postgres],
        }
    }
}

/// One intake run's settings.
struct Intake {
    tickets: usize,
    clients: usize,
    batch: usize,
    place: Place,
}

pub async fn run(settings: &Settings, cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Intake {
            tickets,
            clients,
            batch,
            databases,
            seed,
        } => {
            let (engines, place) = databases.place(settings);
            let intake = Intake {
                tickets: usize::try_from(tickets)?,
                clients: usize::try_from(clients)?,
                batch: usize::try_from(batch)?,
                place,
            };
            intake.run(engines, seed).await
        }
        BenchCommand::Email {
            messages,
            clients,
            databases,
            seed,
        } => {
            let (engines, place) = databases.place(settings);
            let bench = email::EmailBench {
                messages: usize::try_from(messages)?,
                clients: usize::try_from(clients)?,
                place,
                seed,
            };
            bench.run(engines).await
        }
        BenchCommand::Queues {
            tickets,
            timers,
            views,
            databases,
        } => {
            let (engines, place) = databases.place(settings);
            let bench = queues::QueueBench {
                tickets: i64::try_from(tickets)?,
                timers: i64::try_from(timers.min(tickets))?,
                views: usize::try_from(views)?,
                place,
            };
            bench.run(engines).await
        }
        BenchCommand::Pages {
            tickets,
            requests,
            databases,
        } => {
            let (engines, place) = databases.place(settings);
            let bench = pages::PageBench {
                tickets: usize::try_from(tickets)?,
                requests: usize::try_from(requests)?,
                place,
            };
            bench.run(engines).await
        }
        BenchCommand::Rules {
            events,
            tickets,
            databases,
        } => {
            let (engines, place) = databases.place(settings);
            let bench = rules::RuleBench {
                events: usize::try_from(events)?,
                tickets: usize::try_from(tickets)?,
                place,
            };
            bench.run(engines).await
        }
    }
}

impl Intake {
    async fn run(&self, engines: Vec<Engine>, seed: u64) -> anyhow::Result<()> {
        let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
        println!(
            "bench intake: {} tickets per phase, batches of {}, {} HTTP clients, {cores} cores, {} build",
            self.tickets,
            self.batch,
            self.clients,
            if cfg!(debug_assertions) {
                "DEBUG (figures are not meaningful; use --release)"
            } else {
                "release"
            }
        );
        let inputs = corpus::tickets(self.tickets, seed);
        let bytes = inputs
            .iter()
            .map(|t| t.subject.len() + t.body.len())
            .sum::<usize>()
            / inputs.len().max(1);
        let with_cards = inputs
            .iter()
            .filter(|t| paydesk_domain::redaction::redact(&t.body).count() > 0)
            .count();
        println!(
            "tickets: subject + body {bytes} bytes on average, {with_cards} with card data to redact"
        );
        let mut reports = Vec::new();
        for engine in engines {
            let report = self.engine(engine, &inputs).await?;
            report::print(&report, self.batch, self.clients);
            reports.push(report);
        }
        if reports.len() > 1 {
            println!();
            println!(
                "summary (tickets/s)      service       http        raw  service/raw  http/raw"
            );
            for r in &reports {
                println!(
                    "  {:<18} {:>12} {:>10} {:>10} {:>12.2} {:>9.3}",
                    r.engine.name(),
                    report::thousands(r.service.rate()),
                    report::thousands(r.http.rate()),
                    report::thousands(r.raw.rate()),
                    r.service.rate() / r.raw.rate(),
                    r.http.rate() / r.raw.rate()
                );
            }
        }
        Ok(())
    }

    async fn engine(
        &self,
        engine: Engine,
        inputs: &[NewTicketInput],
    ) -> anyhow::Result<EngineReport> {
        let (service, durability) = self
            .phase(engine, "service", async |db, bar| {
                let app = App::new(db.store.clone(), Arc::new(SystemClock));
                let batches: Vec<Vec<NewTicketInput>> =
                    inputs.chunks(self.batch).map(<[_]>::to_vec).collect();
                let caller = bench_caller();
                let started = Instant::now();
                for batch in batches {
                    let len = batch.len();
                    app.create_tickets(&caller, batch).await?;
                    bar.inc(len as u64);
                }
                Ok(Measurement {
                    tickets: inputs.len(),
                    elapsed: started.elapsed(),
                    latency: None,
                })
            })
            .await?;
        let (http, _) = self
            .phase(engine, "http", async |db, bar| {
                let app = App::new(db.store.clone(), Arc::new(SystemClock));
                let bodies = inputs.iter().map(corpus::json_body).collect();
                http::run(app, http::TICKETS, bodies, self.clients, bar).await
            })
            .await?;
        let (raw, _) = self
            .phase(engine, "raw", async |db, bar| {
                // The service layer's own records, built before the clock starts, so raw
                // stores exactly the rows the service phase stored.
                let app = App::new(db.store.clone(), Arc::new(SystemClock));
                let actor = bench_actor();
                let records = inputs
                    .iter()
                    .map(|i| app.ticket_record(&actor, i.clone()))
                    .collect::<Result<Vec<_>, _>>()?;
                raw::run(&db.store, &records, self.batch, bar).await
            })
            .await?;
        Ok(EngineReport {
            engine,
            durability,
            service,
            http,
            raw,
        })
    }

    /// Runs one phase on a fresh database, checks it stored exactly N tickets, and removes
    /// the database whatever happened. Returns the measurement and the database's
    /// durability settings.
    async fn phase<F>(
        &self,
        engine: Engine,
        name: &str,
        measure: F,
    ) -> anyhow::Result<(Measurement, String)>
    where
        F: AsyncFnOnce(&FreshDb, &indicatif::ProgressBar) -> anyhow::Result<Measurement>,
    {
        let db = FreshDb::create(engine, &self.place).await?;
        let bar = report::bar(engine, name, self.tickets);
        let outcome = async {
            let durability = db.durability().await?;
            let m = measure(&db, &bar).await?;
            db.check_count(name, self.tickets).await?;
            anyhow::Ok((m, durability))
        }
        .await;
        bar.finish_and_clear();
        let removed = db.remove().await;
        let (m, durability) = outcome?;
        removed?;
        println!(
            "{:>8} {name:<8} {} tickets/s ({} tickets in {:.2} s; count checked)",
            engine.name(),
            report::thousands(m.rate()),
            m.tickets,
            m.elapsed.as_secs_f64()
        );
        Ok((m, durability))
    }
}

/// Who creates the tickets in the service and raw phases (the HTTP API uses its own).
/// The service phase acts as an intake system would: an API token allowed to write tickets.
fn bench_caller() -> paydesk_app::Caller {
    let principal = paydesk_domain::policy::Principal::Token {
        id: 0,
        name: "bench".into(),
        scopes: vec![paydesk_domain::policy::Scope::TicketsWrite],
    };
    paydesk_app::Caller::new(principal, None)
}

fn bench_actor() -> Actor {
    Actor::Api {
        client: "bench".into(),
    }
}
