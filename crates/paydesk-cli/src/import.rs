//! `paydesk import`: backlogs from other systems, with a progress bar, resumable without
//! duplicates.

mod mail;
mod mailbox;
mod tickets;
mod transactions;

use crate::config::Settings;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import the messages of an mbox file as email intake (tickets or replies).
    Mbox(mail::MailArgs),
    /// Import the messages of a Maildir folder (cur/ and new/) as email intake.
    Maildir(mail::MailArgs),
    /// Import tickets from a CSV file or a Zendesk-style JSON export.
    Tickets(tickets::TicketsArgs),
    /// Import transactions from a CSV file (upserted: a rerun changes nothing).
    Transactions(transactions::TransactionsArgs),
}

pub async fn run(settings: &Settings, command: ImportCommand) -> anyhow::Result<()> {
    match command {
        ImportCommand::Mbox(args) => mail::run(settings, mail::Source::Mbox, &args).await,
        ImportCommand::Maildir(args) => mail::run(settings, mail::Source::Maildir, &args).await,
        ImportCommand::Tickets(args) => tickets::run(settings, &args).await,
        ImportCommand::Transactions(args) => transactions::run(settings, &args).await,
    }
}
