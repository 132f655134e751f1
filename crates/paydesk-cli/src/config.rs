//! Settings in layers: flag, then environment variable, then TOML file, then default.
//! The README's configuration table lists the same names.

use anyhow::Context as _;
use clap::Args;
use serde::Deserialize;
use std::path::PathBuf;

/// Flags every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// A TOML file with any of the settings below (keys as the flag names, with '_').
    #[arg(long, global = true, env = "PAYDESK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, global = true, env = "PAYDESK_BIND", value_name = "ADDR")]
    pub bind: Option<String>,
    /// Folder for the SQLite database file, paydesk.db [default: ./paydesk-data/].
    #[arg(long, global = true, env = "PAYDESK_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Use PostgreSQL at this URL (postgres://user@host:5432/db) instead of SQLite.
    #[arg(long, global = true, env = "PAYDESK_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// Most connections to PostgreSQL per instance [default: 16].
    #[arg(
        long,
        global = true,
        env = "PAYDESK_DATABASE_MAX_CONNECTIONS",
        value_name = "N"
    )]
    pub database_max_connections: Option<u32>,
    /// Log filter, e.g. info or paydesk_web=debug [default: info].
    #[arg(long, global = true, env = "PAYDESK_LOG", value_name = "FILTER")]
    pub log: Option<String>,
}

/// The file's shape: the same names as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    database_max_connections: Option<u32>,
    log: Option<String>,
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub database_max_connections: u32,
    pub log: String,
}

impl Settings {
    pub fn resolve(args: &GlobalArgs) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the config file {}", path.display()))?;
                toml::from_str::<FileSettings>(&text)
                    .with_context(|| format!("the config file {} is not valid", path.display()))?
            }
            None => FileSettings::default(),
        };
        Ok(Self {
            bind: args
                .bind
                .clone()
                .or(file.bind)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            data_dir: args
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("./paydesk-data/")),
            database_url: args
                .database_url
                .clone()
                .or(file.database_url)
                .filter(|u| !u.trim().is_empty()),
            database_max_connections: args
                .database_max_connections
                .or(file.database_max_connections)
                .unwrap_or(16)
                .max(1),
            log: args
                .log
                .clone()
                .or(file.log)
                .unwrap_or_else(|| "info".into()),
        })
    }

    /// Opens the configured store and applies migrations.
    pub async fn open_store(&self) -> anyhow::Result<paydesk_store::Store> {
        let store = match &self.database_url {
            Some(url) => {
                if !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
                    anyhow::bail!(
                        "--database-url must be a postgres:// URL; leave it unset to use SQLite in --data-dir"
                    );
                }
                paydesk_store::Store::connect_postgres(url, self.database_max_connections).await?
            }
            None => {
                std::fs::create_dir_all(&self.data_dir).with_context(|| {
                    format!("cannot create the data folder {}", self.data_dir.display())
                })?;
                paydesk_store::Store::open_sqlite(&self.data_dir.join("paydesk.db")).await?
            }
        };
        let now = paydesk_app::Clock::now(&paydesk_app::SystemClock).0;
        let applied = store.migrate(now).await?;
        for m in applied {
            tracing::info!(version = m.version, name = m.name, "applied migration");
        }
        Ok(store)
    }

    /// Where the data lives, for messages.
    #[must_use]
    pub fn describe_store(&self) -> String {
        match &self.database_url {
            Some(url) => format!("PostgreSQL at {}", paydesk_store::engine::redact_url(url)),
            None => format!("SQLite at {}", self.data_dir.join("paydesk.db").display()),
        }
    }
}
