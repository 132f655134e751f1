//! The command line: commands, their flags, and where each flag can also come from.

use crate::config::{GlobalArgs, Settings};
use clap::{Parser, Subcommand};

/// paydesk: the operations platform of a payments support desk.
///
/// Every flag can also be set by an environment variable (shown in each flag's help) or
/// in a TOML file named by --config / PAYDESK_CONFIG. A flag beats the variable, which
/// beats the file, which beats the default.
#[derive(Debug, Parser)]
#[command(name = "paydesk", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the desk over HTTP (migrates the database first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Fill an empty database with a realistic payments-support history, then serve it.
    Demo(crate::demo::DemoArgs),
    /// Manage staff users.
    #[command(subcommand)]
    User(crate::user::UserCommand),
    /// Manage API tokens for systems (shown once, stored hashed).
    #[command(subcommand)]
    Token(crate::token::TokenCommand),
    /// Measure paydesk on this machine.
    #[command(subcommand)]
    Bench(crate::bench::BenchCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(crate::audit::AuditCommand),
    /// Import mail backlogs (mbox, Maildir) and tickets (CSV, Zendesk JSON).
    #[command(subcommand)]
    Import(crate::import::ImportCommand),
    /// Print the permission matrix (role x action, and token scopes) as Markdown.
    Permissions,
    /// Apply the retention rules (close solved tickets, anonymise old closed ones).
    #[command(subcommand)]
    Retention(crate::retention::RetentionCommand),
}

pub async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => crate::serve::serve(&settings).await,
        Command::Migrate => crate::serve::migrate_only(&settings).await,
        Command::Demo(args) => crate::demo::run(&settings, &args).await,
        Command::User(cmd) => crate::user::run(&settings, cmd).await,
        Command::Token(cmd) => crate::token::run(&settings, cmd).await,
        Command::Bench(cmd) => crate::bench::run(&settings, cmd).await,
        Command::Audit(cmd) => crate::audit::run(&settings, cmd).await,
        Command::Import(cmd) => crate::import::run(&settings, cmd).await,
        Command::Retention(cmd) => crate::retention::run(&settings, cmd).await,
        Command::Permissions => {
            crate::permissions::run();
            Ok(())
        }
    }
}
