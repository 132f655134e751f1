//! (being built)

use crate::config::Settings;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct MailArgs {
    /// The mbox file or Maildir folder.
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy)]
pub enum Source {
    Mbox,
    Maildir,
}

pub async fn run(settings: &Settings, source: Source, args: &MailArgs) -> anyhow::Result<()> {
    let _ = (settings, source, args);
    anyhow::bail!("not yet available")
}
