//! `paydesk import tickets FILE`: tickets from a CSV file or a Zendesk-style JSON export,
//! in batches (one transaction each) behind a progress bar.
//!
//! Each imported row's source id is recorded with its ticket, so running the same command
//! again after a crash, a Ctrl-C or a `--limit` imports only what is missing. Rows the desk
//! refuses go to a report (`<FILE>.rejected.csv`) with the reason; the rest go in.

use crate::config::Settings;
use anyhow::Context as _;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use paydesk_app::import::{ImportFormat, ImportOptions, RejectionReport, TicketFile};
use paydesk_app::{App, Caller, SystemClock};
use paydesk_domain::ticket::BusinessLine;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

#[derive(Debug, Args)]
pub struct TicketsArgs {
    /// The CSV file or Zendesk-style JSON export.
    pub file: PathBuf,
    /// The file's format [default: by its extension, else by its first bytes].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The business line of rows that name none (buyer, merchant, creator); without it
    /// such rows are rejected.
    #[arg(long, value_name = "LINE", value_parser = parse_business_line)]
    pub business_line: Option<BusinessLine>,
    /// Where to write the rejected rows [default: <FILE>.rejected.csv].
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Check every row and write the report, but import nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Rows per transaction.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub batch_size: u64,
    /// Stop after this many rows (to try a sample first; the next run goes on from there).
    #[arg(long, value_name = "ROWS")]
    pub limit: Option<u64>,
    /// The name imported ids are recorded under, so that a rerun skips them [default:
    /// "zendesk", or "csv:<file name>"]. Give the same name to resume from a renamed file.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
}

/// The formats, as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Csv,
    Zendesk,
}

impl From<Format> for ImportFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Csv => ImportFormat::Csv,
            Format::Zendesk => ImportFormat::Zendesk,
        }
    }
}

fn parse_business_line(text: &str) -> Result<BusinessLine, String> {
    text.trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| "one of buyer, merchant, creator".to_string())
}

/// `<FILE>.rejected.csv`, beside the file.
pub(super) fn default_report(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".rejected.csv");
    PathBuf::from(name)
}

/// What the run came to.
#[derive(Debug, Default)]
struct Totals {
    read: u64,
    imported: u64,
    skipped: u64,
    rejected: u64,
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

pub async fn run(settings: &Settings, args: &TicketsArgs) -> anyhow::Result<()> {
    let mut file = TicketFile::open(&args.file, args.format.map(Into::into))
        .with_context(|| format!("cannot import {}", args.file.display()))?;
    let report_path = args
        .report
        .clone()
        .unwrap_or_else(|| default_report(&args.file));
    let store = settings.open_store().await?;
    let app = App::new(store.clone(), Arc::new(SystemClock));
    let options = ImportOptions {
        source: args.source.clone().unwrap_or_else(|| file.default_source()),
        default_business_line: args.business_line,
        is_dry_run: args.dry_run,
    };
    let mut import = app.ticket_import(&Caller::system(), options).await?;
    let mut report = RejectionReport::create(&report_path)?;

    let total = args.limit.map_or(file.total(), |l| l.min(file.total()));
    let bar = progress_bar(total, args.dry_run);
    let stop = stop_on_ctrl_c(&bar);
    let started = Instant::now();
    let mut totals = Totals::default();
    let (mut is_limited, mut is_interrupted) = (false, false);
    loop {
        let room = args.limit.map_or(args.batch_size, |l| {
            args.batch_size.min(l.saturating_sub(totals.read))
        });
        if room == 0 {
            is_limited = totals.read < file.total();
            break;
        }
        if stop.load(Ordering::SeqCst) {
            is_interrupted = true;
            break;
        }
        let rows = file.next_batch(usize::try_from(room).unwrap_or(usize::MAX))?;
        if rows.read == 0 {
            break;
        }
        let mut rejected = rows.rejected;
        let outcome = import.import(rows.tickets).await.context(
            "the import stopped; the batches before this one are in: run the same command again to resume",
        )?;
        rejected.extend(outcome.rejected);
        rejected.sort_by_key(|r| r.row);
        report.write(&rejected)?;
        totals.read += count(rows.read);
        totals.imported += count(outcome.imported);
        totals.skipped += count(outcome.skipped);
        totals.rejected += count(rejected.len());
        bar.set_position(totals.read);
        bar.set_message(format!("{} rejected", totals.rejected));
    }
    bar.finish_and_clear();
    print_summary(
        args,
        &file,
        &totals,
        &report_path,
        started.elapsed().as_secs_f64(),
    );
    store.close().await;
    if is_interrupted {
        anyhow::bail!("interrupted: run the same command again to import the rest");
    }
    if is_limited {
        println!("stopped at --limit: run the same command again to import the rest");
    }
    Ok(())
}

pub(super) fn progress_bar(total: u64, is_dry_run: bool) -> ProgressBar {
    let bar = ProgressBar::new(total);
    let verb = if is_dry_run { "checking" } else { "importing" };
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{verb} [{{bar:40}}] {{pos}}/{{len}} rows, {{msg}} ({{per_sec}}, {{eta}} left)"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message("0 rejected");
    bar
}

/// A flag set by the first Ctrl-C: the import stops after the batch in flight, which
/// commits or not as a whole. A second Ctrl-C stops at once (the open batch is lost, and
/// the next run imports it).
pub(super) fn stop_on_ctrl_c(bar: &ProgressBar) -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let (flag, bar) = (stop.clone(), bar.clone());
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, Ordering::SeqCst);
            let note = "stopping after this batch (Ctrl-C again to stop at once)";
            if bar.is_hidden() {
                eprintln!("{note}");
            } else {
                bar.println(note);
            }
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    stop
}

fn print_summary(args: &TicketsArgs, file: &TicketFile, totals: &Totals, report: &Path, secs: f64) {
    let what = if args.dry_run {
        "dry run (nothing written) of"
    } else {
        "imported"
    };
    println!(
        "{what} {} ({})",
        args.file.display(),
        file.format().as_str()
    );
    let imported = if args.dry_run {
        "would import"
    } else {
        "imported"
    };
    println!("  {:<12} {} rows", "read", totals.read);
    println!("  {imported:<12} {}", totals.imported);
    println!(
        "  {:<12} {} (imported by an earlier run)",
        "skipped", totals.skipped
    );
    println!(
        "  {:<12} {} (rows and reasons in {})",
        "rejected",
        totals.rejected,
        report.display()
    );
    #[expect(clippy::cast_precision_loss, reason = "a rate for people to read")]
    let rate = totals.read as f64 / secs.max(1e-9);
    println!("  {:<12} {secs:.1}s ({rate:.0} rows/s)", "elapsed");
}
