//! `paydesk import mbox|maildir PATH`: a mail backlog through the same intake as live
//! mail. Resumable: a message already taken in (same Message-ID, or the same bytes) is
//! recognised and skipped, so an interrupted import is simply run again.

use super::mailbox;
use crate::config::Settings;
use anyhow::Context as _;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use paydesk_app::inbound::{InboundOptions, MailOutcome};
use paydesk_app::{App, Caller, SystemClock};
use paydesk_domain::QueueId;
use paydesk_domain::ticket::BusinessLine;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct MailArgs {
    /// The mbox file or Maildir folder.
    pub path: PathBuf,
    /// Business line of senders not yet known [default: buyer].
    #[arg(long, value_name = "LINE")]
    pub business_line: Option<BusinessLine>,
    /// Queue id for new tickets.
    #[arg(long, value_name = "ID")]
    pub queue_id: Option<i64>,
}

#[derive(Debug, Clone, Copy)]
pub enum Source {
    Mbox,
    Maildir,
}

/// What the import did, by outcome.
#[derive(Default)]
struct Tally {
    by_outcome: BTreeMap<&'static str, usize>,
    failed: Vec<String>,
}

pub async fn run(settings: &Settings, source: Source, args: &MailArgs) -> anyhow::Result<()> {
    let store = settings.open_store().await?;
    let app = App::new(store.clone(), Arc::new(SystemClock)).with_intake(settings.intake.clone());
    let options = InboundOptions {
        business_line: args.business_line,
        queue_id: args.queue_id.map(QueueId),
    };
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {pos} messages ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(format!("importing {}", args.path.display()));
    let started = std::time::Instant::now();
    let mut tally = Tally::default();
    let mut messages = Vec::new();
    match source {
        Source::Mbox => {
            let file = std::fs::File::open(&args.path)
                .with_context(|| format!("cannot open the mbox file {}", args.path.display()))?;
            mailbox::read_mbox(file, |m| {
                messages.push((format!("message {}", messages.len() + 1), m));
                Ok(())
            })?;
        }
        Source::Maildir => {
            for path in mailbox::maildir_files(&args.path)? {
                let raw = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                messages.push((path.display().to_string(), raw));
            }
        }
    }
    bar.set_length(messages.len() as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {pos}/{len} messages ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let caller = Caller::system();
    for (name, raw) in messages {
        match app.receive_email(&caller, &raw, &options).await {
            Ok(outcome) => *tally.by_outcome.entry(label(&outcome)).or_default() += 1,
            Err(paydesk_app::AppError::Store(e)) => {
                bar.abandon();
                return Err(anyhow::Error::new(e).context(format!(
                    "the database failed at {name}; what was imported stays, run the same command again to go on"
                )));
            }
            Err(e) => tally.failed.push(format!("{name}: {e}")),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let total: usize = tally.by_outcome.values().sum::<usize>() + tally.failed.len();
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "imported {total} messages from {} in {elapsed:.1}s ({:.0} messages/s)",
        args.path.display(),
        total as f64 / elapsed.max(1e-9)
    );
    for (outcome, n) in &tally.by_outcome {
        println!("  {outcome:<28} {n}");
    }
    for f in &tally.failed {
        println!("  refused: {f}");
    }
    store.close().await;
    if tally.failed.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} messages were refused (listed above)",
            tally.failed.len()
        )
    }
}

fn label(outcome: &MailOutcome) -> &'static str {
    match outcome {
        MailOutcome::Opened { .. } => "new tickets",
        MailOutcome::Replied { .. } => "replies on their tickets",
        MailOutcome::Noise { .. } => "auto-replies and bounces kept",
        MailOutcome::KeptRaw { .. } => "unreadable, kept raw",
        MailOutcome::Duplicate { .. } => "already imported (skipped)",
    }
}
