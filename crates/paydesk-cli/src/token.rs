//! `paydesk token create | list | revoke`: API tokens for systems, managed by an operator at
//! the command line (acting as the system).

use crate::config::Settings;
use clap::{Args, Subcommand};
use paydesk_app::{App, Caller, SystemClock};
use paydesk_domain::Timestamp;
use paydesk_domain::policy::Scope;
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token. It is printed once and cannot be shown again.
    Create(CreateArgs),
    /// List tokens (never their secrets).
    List,
    /// Revoke a token at once.
    Revoke {
        /// The token's id (from `paydesk token list`).
        id: i64,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// What uses the token, e.g. "mail gateway".
    #[arg(long)]
    pub name: String,
    /// Comma-separated: tickets:read, tickets:write, customers:read, customers:write,
    /// intake, webhooks, reports:read.
    #[arg(long, value_delimiter = ',', value_parser = parse_scope, required = true)]
    pub scopes: Vec<Scope>,
    /// Days until it expires; without it, it lasts until revoked.
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..=3650))]
    pub expires_days: Option<i64>,
}

fn parse_scope(s: &str) -> Result<Scope, String> {
    s.trim().parse::<Scope>().map_err(|e| e.to_string())
}

fn date(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "-".into(), paydesk_web::time::format)
}

pub async fn run(settings: &Settings, cmd: TokenCommand) -> anyhow::Result<()> {
    let store = settings.open_store().await?;
    let app = App::new(store.clone(), Arc::new(SystemClock));
    let system = Caller::system();
    let result = match cmd {
        TokenCommand::Create(a) => {
            let expires_at = a
                .expires_days
                .map(|d| app.now().plus_millis(d * Timestamp::DAY));
            app.create_token(&system, &a.name, &a.scopes, expires_at)
                .await
                .map(|made| {
                    let r = &made.record;
                    println!("{}", made.token);
                    eprintln!(
                        "made token {} \"{}\" ({}) with scopes {}, expires {}",
                        r.id,
                        r.name,
                        r.prefix,
                        scopes(&r.scopes),
                        date(r.expires_at)
                    );
                    eprintln!(
                        "warning: copy the token now; it is not stored and will not be shown again"
                    );
                })
        }
        TokenCommand::List => app.tokens(&system).await.map(|tokens| {
            println!("id\tprefix\tname\tscopes\texpires\trevoked\tlast used");
            for t in tokens {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.prefix,
                    t.name,
                    scopes(&t.scopes),
                    date(t.expires_at),
                    date(t.revoked_at),
                    date(t.last_used_at)
                );
            }
        }),
        TokenCommand::Revoke { id } => app.revoke_token(&system, id).await.map(|t| {
            println!(
                "revoked token {} \"{}\" ({}) at {}",
                t.id,
                t.name,
                t.prefix,
                date(t.revoked_at)
            );
        }),
    };
    store.close().await;
    Ok(result?)
}

fn scopes(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
