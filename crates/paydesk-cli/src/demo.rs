//! `paydesk demo`: fill an empty database with a realistic history, print one sign-in per
//! role, and serve it.

use crate::config::Settings;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use paydesk_app::demo::DemoOptions;
use paydesk_app::{App, Clock as _, SystemClock};
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many tickets to make.
    #[arg(long, default_value_t = 50_000)]
    pub tickets: usize,
    /// Seed of the generator: the same seed gives the same history.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Fill the database and exit instead of serving it.
    #[arg(long)]
    pub no_serve: bool,
}

pub async fn run(settings: &Settings, args: &DemoArgs) -> anyhow::Result<()> {
    let store = settings.open_store().await?;
    let app = App::new(store.clone(), Arc::new(SystemClock));
    let existing = store
        .list_tickets(
            &paydesk_store::TicketFilter::default(),
            &paydesk_store::PageRequest::first(1),
        )
        .await?;
    if existing.items.is_empty() {
        let mut opts = DemoOptions::standard(SystemClock.now());
        opts.tickets = args.tickets;
        opts.seed = args.seed;
        let bar = ProgressBar::new(opts.tickets as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:40}] {pos}/{len} tickets ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message("demo");
        let started = std::time::Instant::now();
        let progress = |done: usize, _total: usize| bar.set_position(done as u64);
        let summary = app.generate_demo(&opts, &progress).await?;
        bar.finish_and_clear();
        println!(
            "demo ready in {:.1}s: {} tickets, {} customers, {} messages, {} events ({} texts had card data masked), {} transactions, {} payouts",
            started.elapsed().as_secs_f64(),
            summary.tickets,
            summary.customers,
            summary.messages,
            summary.events,
            summary.redacted_texts,
            summary.transactions,
            summary.payouts
        );
        println!("sign in as (one per role):");
        for l in &summary.logins {
            let vendor = l
                .vendor
                .as_deref()
                .map(|v| format!("  (vendor: {v})"))
                .unwrap_or_default();
            println!(
                "  {:<11} {:<32} password: {}{vendor}",
                l.role.as_str(),
                l.email,
                l.password
            );
        }
    } else {
        println!(
            "the database already has tickets; serving it as it is (use a new --data-dir for a fresh demo)"
        );
    }
    let token = app
        .create_token(
            &paydesk_app::Caller::system(),
            "demo",
            paydesk_domain::policy::Scope::ALL,
            None,
        )
        .await?;
    println!(
        "API token for a first look (all scopes; shown once): {}",
        token.token
    );
    println!(
        "  curl -H 'Authorization: Bearer {}' http://{}/api/v1/tickets?limit=5",
        token.token, settings.bind
    );
    if args.no_serve {
        store.close().await;
        return Ok(());
    }
    crate::serve::serve_store(settings, store).await
}
