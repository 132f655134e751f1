//! `paydesk user add`.

use crate::config::Settings;
use clap::{Args, Subcommand};
use paydesk_app::{App, SystemClock};
use paydesk_domain::role::Role;
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff user (the first admin: `paydesk user add --role admin ...`).
    Add(AddArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Sign-in email.
    #[arg(long)]
    pub email: String,
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// One of: agent, bpo_agent, lead, qa_analyst, finance, partner, admin, viewer.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// The vendor id of a bpo_agent.
    #[arg(long)]
    pub vendor: Option<i64>,
    /// The password (12+ characters). Prefer the environment variable, which stays out of shell history.
    #[arg(long, env = "PAYDESK_USER_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse::<Role>().map_err(|e| e.to_string())
}

pub async fn run(settings: &Settings, cmd: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add(a) = cmd;
    let store = settings.open_store().await?;
    let app = App::new(store.clone(), Arc::new(SystemClock));
    let user = app
        .add_user(
            &paydesk_app::Caller::system(),
            &a.email,
            &a.name,
            a.role,
            a.vendor.map(paydesk_domain::VendorId),
            a.password.as_deref(),
        )
        .await?;
    println!(
        "added user {} <{}> as {} (id {})",
        user.name, user.email, user.role, user.id
    );
    if a.password.is_none() {
        println!("note: no password set; this user cannot sign in until one is set");
    }
    store.close().await;
    Ok(())
}
