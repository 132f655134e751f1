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
    /// SMTP server for outgoing replies; unset keeps replies queued.
    #[arg(long, global = true, env = "PAYDESK_SMTP_HOST", value_name = "HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port [default: 587, or 465 with --smtp-security tls, 25 with none].
    #[arg(long, global = true, env = "PAYDESK_SMTP_PORT", value_name = "PORT")]
    pub smtp_port: Option<u16>,
    /// none, starttls or tls [default: starttls].
    #[arg(
        long,
        global = true,
        env = "PAYDESK_SMTP_SECURITY",
        value_name = "MODE"
    )]
    pub smtp_security: Option<String>,
    /// SMTP user name, when the server needs AUTH.
    #[arg(
        long,
        global = true,
        env = "PAYDESK_SMTP_USERNAME",
        value_name = "USER"
    )]
    pub smtp_username: Option<String>,
    /// SMTP password (never logged).
    #[arg(
        long,
        global = true,
        env = "PAYDESK_SMTP_PASSWORD",
        value_name = "SECRET"
    )]
    pub smtp_password: Option<String>,
    /// From of outgoing mail [default: Payments Support <support@paydesk.localhost>].
    #[arg(long, global = true, env = "PAYDESK_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// Where customers reach paydesk, for status links [default: http://<bind>].
    #[arg(long, global = true, env = "PAYDESK_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Key that signs status links [default: a random key kept in the database].
    #[arg(long, global = true, env = "PAYDESK_SECRET_KEY", value_name = "SECRET")]
    pub secret_key: Option<String>,
    /// Stripe endpoint secret (whsec_...) for /webhooks/stripe.
    #[arg(
        long,
        global = true,
        env = "PAYDESK_STRIPE_WEBHOOK_SECRET",
        value_name = "SECRET"
    )]
    pub stripe_webhook_secret: Option<String>,
    /// Shared secret of the generic signed webhook /webhooks/paydesk.
    #[arg(
        long,
        global = true,
        env = "PAYDESK_WEBHOOK_SECRET",
        value_name = "SECRET"
    )]
    pub webhook_secret: Option<String>,
    /// A chat session idle this long is ended [default: 30].
    #[arg(
        long,
        global = true,
        env = "PAYDESK_CHAT_IDLE_MINUTES",
        value_name = "MIN"
    )]
    pub chat_idle_minutes: Option<i64>,
    /// Support-form submissions per client address per hour [default: 10].
    #[arg(
        long,
        global = true,
        env = "PAYDESK_FORM_SUBMISSIONS_PER_HOUR",
        value_name = "N"
    )]
    pub form_submissions_per_hour: Option<u32>,
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
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_security: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    mail_from: Option<String>,
    public_url: Option<String>,
    secret_key: Option<String>,
    stripe_webhook_secret: Option<String>,
    webhook_secret: Option<String>,
    chat_idle_minutes: Option<i64>,
    form_submissions_per_hour: Option<u32>,
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub database_max_connections: u32,
    pub log: String,
    pub intake: paydesk_app::settings::IntakeSettings,
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
        let intake = intake_settings(args, &file)?;
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
            intake,
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

/// The intake channels' settings, flag over environment over file over default.
fn intake_settings(
    args: &GlobalArgs,
    file: &FileSettings,
) -> anyhow::Result<paydesk_app::settings::IntakeSettings> {
    use paydesk_app::settings::{IntakeSettings, SmtpSecurity, SmtpSettings};
    let pick = |a: &Option<String>, f: &Option<String>| {
        a.clone()
            .or_else(|| f.clone())
            .filter(|s| !s.trim().is_empty())
    };
    let defaults = IntakeSettings::default();
    let security: SmtpSecurity = match pick(&args.smtp_security, &file.smtp_security) {
        Some(s) => s
            .parse()
            .map_err(|e: String| anyhow::anyhow!("--smtp-security: {e}"))?,
        None => SmtpSecurity::default(),
    };
    let smtp = pick(&args.smtp_host, &file.smtp_host).map(|host| SmtpSettings {
        host,
        port: args.smtp_port.or(file.smtp_port).unwrap_or(match security {
            SmtpSecurity::None => 25,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
        }),
        security,
        username: pick(&args.smtp_username, &file.smtp_username),
        password: pick(&args.smtp_password, &file.smtp_password),
    });
    let bind = args
        .bind
        .clone()
        .or_else(|| file.bind.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let chat_idle_minutes = args
        .chat_idle_minutes
        .or(file.chat_idle_minutes)
        .unwrap_or(defaults.chat_idle_minutes);
    if chat_idle_minutes < 1 {
        anyhow::bail!("--chat-idle-minutes must be at least 1");
    }
    Ok(IntakeSettings {
        smtp,
        mail_from: pick(&args.mail_from, &file.mail_from).unwrap_or(defaults.mail_from),
        public_url: pick(&args.public_url, &file.public_url)
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_string(),
        secret_key: pick(&args.secret_key, &file.secret_key),
        stripe_webhook_secret: pick(&args.stripe_webhook_secret, &file.stripe_webhook_secret),
        stripe_tolerance_secs: defaults.stripe_tolerance_secs,
        webhook_secret: pick(&args.webhook_secret, &file.webhook_secret),
        chat_idle_minutes,
        form_submissions_per_hour: args
            .form_submissions_per_hour
            .or(file.form_submissions_per_hour)
            .unwrap_or(defaults.form_submissions_per_hour),
    })
}
