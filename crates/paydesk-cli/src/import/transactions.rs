//! `paydesk import transactions FILE`: transactions from a CSV file, in batches (one
//! transaction each) behind a progress bar.
//!
//! Each row is upserted by gateway and gateway reference, so running the same command
//! again after a crash or a Ctrl-C loads what is missing and changes nothing else. Rows the
//! desk refuses go to a report (`<FILE>.rejected.csv`) with the row as it was (card data
//! masked) and the reason; none is dropped silently.

use super::tickets::{default_report, progress_bar, stop_on_ctrl_c};
use crate::config::Settings;
use anyhow::Context as _;
use clap::Args;
use paydesk_app::import::{RejectionReport, TransactionFile};
use paydesk_app::payments::MAX_BATCH;
use paydesk_app::{App, Caller, SystemClock};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct TransactionsArgs {
    /// The CSV file (columns in the README: gateway, gateway_ref, status, amount, currency, ...).
    pub file: PathBuf,
    /// Where to write the rejected rows [default: <FILE>.rejected.csv].
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Rows per transaction (at most 1,000).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    pub batch_size: u64,
}

/// What the run came to.
#[derive(Debug, Default)]
struct Totals {
    read: usize,
    created: usize,
    updated: usize,
    unchanged: usize,
    rejected: usize,
    masked: usize,
}

pub async fn run(settings: &Settings, args: &TransactionsArgs) -> anyhow::Result<()> {
    let mut file = TransactionFile::open(&args.file)
        .with_context(|| format!("cannot import {}", args.file.display()))?;
    let report_path = args
        .report
        .clone()
        .unwrap_or_else(|| default_report(&args.file));
    let store = settings.open_store().await?;
    let app = App::new(store.clone(), Arc::new(SystemClock));
    let mut report = RejectionReport::create(&report_path)?;
    let source = file.source();
    let batch = usize::try_from(args.batch_size).map_or(MAX_BATCH, |b| b.min(MAX_BATCH));

    let bar = progress_bar(file.total(), false);
    let stop = stop_on_ctrl_c(&bar);
    let started = Instant::now();
    let mut totals = Totals::default();
    let mut is_interrupted = false;
    loop {
        if stop.load(Ordering::SeqCst) {
            is_interrupted = true;
            break;
        }
        let rows = file.next_batch(batch)?;
        if rows.read == 0 {
            break;
        }
        let outcome = app
            .import_transactions(&Caller::system(), &source, &rows.rows)
            .await
            .context(
                "the import stopped; the batches before this one are in: run the same command again to resume",
            )?;
        let mut rejected = rows.rejected;
        rejected.extend(outcome.rejected);
        rejected.sort_by_key(|r| r.row);
        report.write(&rejected)?;
        totals.read += rows.read;
        totals.created += outcome.created;
        totals.updated += outcome.updated;
        totals.unchanged += outcome.unchanged;
        totals.rejected += rejected.len();
        totals.masked += rows.masked;
        bar.set_position(u64::try_from(totals.read).unwrap_or(u64::MAX));
        bar.set_message(format!("{} rejected", totals.rejected));
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!("imported {} (transactions)", args.file.display());
    println!("  {:<12} {} rows", "read", totals.read);
    println!("  {:<12} {}", "created", totals.created);
    println!("  {:<12} {}", "updated", totals.updated);
    println!(
        "  {:<12} {} (already there as they are)",
        "unchanged", totals.unchanged
    );
    println!(
        "  {:<12} {} (rows and reasons in {})",
        "rejected",
        totals.rejected,
        report_path.display()
    );
    println!(
        "  {:<12} {} (card numbers and security codes, never stored)",
        "masked", totals.masked
    );
    #[expect(clippy::cast_precision_loss, reason = "a rate for people to read")]
    let rate = totals.read as f64 / secs.max(1e-9);
    println!("  {:<12} {secs:.1}s ({rate:.0} rows/s)", "elapsed");
    store.close().await;
    if is_interrupted {
        anyhow::bail!("interrupted: run the same command again to import the rest");
    }
    Ok(())
}
