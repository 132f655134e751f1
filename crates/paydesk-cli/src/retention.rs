//! `paydesk retention run`: applies the retention rules now.

use crate::config::Settings;
use clap::{Args, Subcommand};
use indicatif::ProgressBar;
use paydesk_app::retention::{RetentionRules, RetentionRun};
use paydesk_app::{App, Caller, SystemClock};
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Close solved tickets and anonymise old closed ones, as the rules say.
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Close tickets solved more than this many days ago (a customer reply after that opens a new ticket).
    #[arg(long, env = "PAYDESK_RETENTION_CLOSE_SOLVED_DAYS", default_value_t = 4)]
    pub close_solved_after_days: i64,
    /// Remove the texts of tickets closed more than this many months (30 days) ago; unset keeps them.
    #[arg(long, env = "PAYDESK_RETENTION_ANONYMISE_MONTHS")]
    pub anonymise_after_months: Option<i64>,
}

pub async fn run(settings: &Settings, cmd: RetentionCommand) -> anyhow::Result<()> {
    let RetentionCommand::Run(a) = cmd;
    let store = settings.open_store().await?;
    let app = App::new(store.clone(), Arc::new(SystemClock));
    let rules = RetentionRules {
        close_solved_after_days: Some(a.close_solved_after_days),
        anonymise_closed_after_days: a.anonymise_after_months.map(|m| m.saturating_mul(30)),
    };
    let bar = ProgressBar::new_spinner();
    let show = |r: RetentionRun| {
        bar.set_message(format!("closed {}, anonymised {}", r.closed, r.anonymised))
    };
    let done = app.apply_retention(&Caller::system(), rules, &show).await?;
    bar.finish_and_clear();
    println!(
        "retention: closed {} solved tickets, anonymised {} closed tickets",
        done.closed, done.anonymised
    );
    store.close().await;
    Ok(())
}
