//! `paydesk bench`: measurements on this machine (being written).

use crate::config::Settings;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Ticket creation: service layer in batches, HTTP API over loopback, raw inserts.
    Intake,
}

pub async fn run(_settings: &Settings, _cmd: BenchCommand) -> anyhow::Result<()> {
    anyhow::bail!("not yet")
}
