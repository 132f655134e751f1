//! (being built)

use crate::config::Settings;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct TicketsArgs {
    /// The CSV file or Zendesk-style JSON export.
    pub file: PathBuf,
}

pub async fn run(settings: &Settings, args: &TicketsArgs) -> anyhow::Result<()> {
    let _ = (settings, args);
    anyhow::bail!("not yet available")
}
