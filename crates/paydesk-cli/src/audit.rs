//! `paydesk audit verify`: proves the audit trail's hash chain intact, or names the first
//! record where it breaks (see `paydesk_store::audit`).

use crate::config::Settings;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use paydesk_store::ChainReport;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain of every audit record, oldest first.
    ///
    /// Each record holds the hash of the record before it. Prints `audit chain intact: N
    /// records, head <hash>` and exits 0, or `audit chain BROKEN at event #ID: <reason>` and
    /// exits 1: an edited record no longer matches its hash, a deleted one leaves a gap in
    /// the ids. Records cut from the end leave a shorter chain that is whole: keep the head
    /// hash printed by each run and compare. Only reads; safe while paydesk serves.
    Verify,
}

pub async fn run(settings: &Settings, cmd: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::Verify = cmd;
    let store = settings.open_store().await?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {pos}/{len} records ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message("verifying");
    let report = store
        .verify_audit_chain(|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await;
    bar.finish_and_clear();
    store.close().await;
    match report? {
        ChainReport::Intact {
            records, head_hash, ..
        } => {
            println!("audit chain intact: {records} records, head {head_hash}");
            Ok(())
        }
        ChainReport::Broken {
            first_bad_id,
            reason,
        } => {
            println!("audit chain BROKEN at event #{first_bad_id}: {reason}");
            anyhow::bail!("the audit chain of {} is broken", settings.describe_store())
        }
    }
}
