//! What the worker tests share: a real SMTP server on loopback (aiosmtpd, installed by
//! `scripts/ensure-smtp-server`), and an app with a manual clock, a staff member, a
//! customer and a ticket to reply on.

#![allow(
    dead_code,
    reason = "each test binary uses its own part of these helpers"
)]

use paydesk_app::settings::{IntakeSettings, SmtpSecurity, SmtpSettings};
use paydesk_app::tickets::{NewReply, NewTicketInput};
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::customer::{NewCustomer, Tier};
use paydesk_domain::event::EventKind;
use paydesk_domain::message::{Message, Visibility};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel};
use paydesk_domain::{TicketId, Timestamp};
use paydesk_store::{PageRequest, Store};
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// The instant every test starts at.
pub const T0: i64 = 1_790_000_000_000;

/// The From of the tests' mail.
pub const MAIL_FROM: &str = "Payments Support <support@desk.example>";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python of the venv that holds aiosmtpd, installed (once) if missing.
fn python() -> PathBuf {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    READY
        .get_or_init(|| {
            let status = Command::new(workspace().join("scripts/ensure-smtp-server"))
                .status()
                .expect("scripts/ensure-smtp-server runs");
            assert!(
                status.success(),
                "scripts/ensure-smtp-server failed: the SMTP server for these tests cannot be installed"
            );
            let venv = std::env::var_os("PAYDESK_SMTP_VENV")
                .map_or_else(|| workspace().join("target/smtp-venv"), PathBuf::from);
            venv.join("bin/python")
        })
        .clone()
}

/// One message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub raw: Vec<u8>,
    pub mail: paydesk_mail::InboundMail,
    /// `mail_from`, `rcpt_tos`, `login` (the AUTH user, or null).
    pub envelope: serde_json::Value,
}

impl Received {
    /// A header's raw value (unfolded), by name.
    pub fn header(&self, name: &str) -> Option<String> {
        let text = String::from_utf8_lossy(&self.raw);
        let head = text
            .split("\r\n\r\n")
            .next()
            .unwrap_or("")
            .replace("\r\n ", " ");
        head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// A real SMTP server (aiosmtpd) on 127.0.0.1, stopped when dropped.
pub struct SmtpServer {
    pub port: u16,
    child: Child,
    stdin: Option<ChildStdin>,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts a server that takes mail from anyone.
    pub fn start() -> Self {
        Self::launch(None)
    }

    /// Starts a server that refuses mail until the client logs in as `user`/`password`.
    pub fn with_login(user: &str, password: &str) -> Self {
        Self::launch(Some((user, password)))
    }

    fn launch(login: Option<(&str, &str)>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(python());
        cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py"))
            .arg("--out")
            .arg(dir.path());
        if let Some((user, password)) = login {
            cmd.args(["--user", user, "--password", password]);
        }
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("the SMTP test server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| {
                let log =
                    std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
                panic!("the SMTP test server did not start: {line:?}\n{log}")
            });
        let stdin = child.stdin.take();
        Self {
            port,
            child,
            stdin,
            dir,
        }
    }

    /// paydesk's SMTP settings for this server.
    pub fn settings(&self, login: Option<(&str, &str)>) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".into(),
            port: self.port,
            security: SmtpSecurity::None,
            username: login.map(|(u, _)| u.to_string()),
            password: login.map(|(_, p)| p.to_string()),
        }
    }

    /// Every message accepted so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|n| {
                let raw = std::fs::read(self.dir.path().join(n)).unwrap();
                let meta = std::fs::read(self.dir.path().join(n.replace(".eml", ".json"))).unwrap();
                Received {
                    mail: paydesk_mail::parse(&raw).unwrap(),
                    raw,
                    envelope: serde_json::from_slice(&meta).unwrap(),
                }
            })
            .collect()
    }

    /// Waits (at most `within`) until `n` messages have arrived; returns them.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let end = Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n || Instant::now() > end {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port with no server behind it (connections are refused).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// SMTP settings pointing at `port` with no login.
pub fn plain_smtp(port: u16) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        username: None,
        password: None,
    }
}

/// The services over `store` on `clock`, sending mail with `smtp` (none: mail stays queued).
pub fn app_on(store: &Store, clock: &Arc<ManualClock>, smtp: Option<SmtpSettings>) -> App {
    App::new(store.clone(), clock.clone()).with_intake(IntakeSettings {
        smtp,
        mail_from: MAIL_FROM.into(),
        ..IntakeSettings::default()
    })
}

/// A manual clock at [`T0`].
pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::at(Timestamp(T0)))
}

/// A new agent (a staff member) as a caller.
pub async fn agent(app: &App, email: &str) -> Caller {
    let user = app
        .add_user(&Caller::system(), email, "Agent", Role::Agent, None, None)
        .await
        .unwrap();
    Caller::new(
        Principal::User {
            id: user.id,
            role: Role::Agent,
            vendor_id: None,
        },
        None,
    )
}

/// A ticket from a customer with `emails` (the first is the one mail goes to).
pub async fn ticket(app: &App, emails: &[&str], subject: &str) -> TicketId {
    let customer = app
        .create_customer(
            &Caller::system(),
            NewCustomer {
                business_line: BusinessLine::Buyer,
                name: "Ana Cruz".into(),
                emails: emails.iter().map(|e| (*e).to_string()).collect(),
                phone: None,
                country: None,
                locale: None,
                tier: Tier::Standard,
                external_ids: Default::default(),
            },
        )
        .await
        .unwrap();
    let mut input = NewTicketInput::new(
        subject,
        "I was charged twice",
        BusinessLine::Buyer,
        Channel::Email,
    );
    input.customer_id = Some(customer.id);
    app.create_ticket(&Caller::system(), input, None)
        .await
        .unwrap()
        .ticket
        .id
}

/// A staff member's reply of `visibility`, with no version check.
pub fn new_reply(visibility: Visibility, body: &str) -> NewReply {
    NewReply {
        visibility,
        from_customer: false,
        body: body.into(),
        attachments: vec![],
        expected_version: None,
    }
}

/// A public reply by `caller`.
pub async fn reply(app: &App, caller: &Caller, id: TicketId, body: &str) -> Message {
    app.add_message(caller, id, new_reply(Visibility::Public, body))
        .await
        .unwrap()
        .1
}

/// An app on a manual clock with an agent and a ticket ("Refund") from ana@example.com.
pub struct Desk {
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub staff: Caller,
    pub id: TicketId,
}

/// A [`Desk`] over `store`, sending mail with `smtp`.
pub async fn desk(store: &Store, smtp: Option<SmtpSettings>) -> Desk {
    let clock = clock();
    let app = app_on(store, &clock, smtp);
    let staff = agent(&app, "agent@desk.example").await;
    let id = ticket(&app, &["ana@example.com"], "Refund").await;
    Desk {
        app,
        clock,
        staff,
        id,
    }
}

/// Two apps (two instances) over `stores`, sending to `server`, on one clock.
pub fn two_instances(stores: [&Store; 2], server: &SmtpServer) -> [App; 2] {
    let clock = clock();
    stores.map(|store| app_on(store, &clock, Some(server.settings(None))))
}

/// The kinds of a ticket's events, oldest first.
pub async fn event_kinds(app: &App, id: TicketId) -> Vec<EventKind> {
    let page = PageRequest {
        limit: 200,
        cursor: None,
    };
    app.timeline(&Caller::system(), id, &page)
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.kind)
        .collect()
}

/// Records `mail_id` as a customer's inbound email on the ticket (as intake would).
pub async fn record_inbound(store: &Store, id: TicketId, mail_id: &str, at: i64) {
    let mut tx = store.write().await.unwrap();
    tx.exec(
        "INSERT INTO mail_threads (mail_id, ticket_id, message_id, direction, created_at) VALUES ($1, $2, NULL, 'in', $3)",
        &paydesk_store::args![mail_id, id.0, at],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// The ticket's Message-IDs recorded as `direction`.
pub async fn thread_ids(
    store: &Store,
    id: TicketId,
    direction: &str,
) -> Vec<(String, Option<i64>)> {
    let mut tx = store.read().await.unwrap();
    tx.rows(
        "SELECT mail_id, message_id FROM mail_threads WHERE ticket_id = $1 AND direction = $2 ORDER BY created_at, mail_id",
        &paydesk_store::args![id.0, direction],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| (r.text("mail_id").unwrap(), r.opt_i64("message_id").unwrap()))
    .collect()
}
