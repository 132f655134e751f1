//! `paydesk bench email`: how many raw emails per second the intake takes in, through the
//! service (`App::receive_email`, several concurrent senders) and through the HTTP
//! endpoint an MTA calls, on a fresh database per phase. The mix: 60% new tickets, 30%
//! replies threading by In-Reply-To, 10% auto-replies; a fifth carry an attachment, one in
//! fifty a card number to redact. Afterwards every message must be accounted for (a thread
//! record or a kept mail), or the measurement is void.

use super::database::{FreshDb, Place};
use super::http::{self, Target};
use super::report::{self, Measurement};
use anyhow::Context as _;
use base64::Engine as _;
use paydesk_app::inbound::InboundOptions;
use paydesk_app::{App, Caller, SystemClock};
use paydesk_store::Engine;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const MAIL: Target = Target {
    path: "/api/v1/intake/email",
    content_type: "message/rfc822",
    scope: paydesk_domain::policy::Scope::Intake,
    ok_counts: true,
};

/// One run's settings.
pub struct EmailBench {
    pub messages: usize,
    pub clients: usize,
    pub place: Place,
    pub seed: u64,
}

fn words(rng: &mut u64, n: usize) -> String {
    const WORDS: &[&str] = &[
        "payment",
        "refund",
        "charged",
        "twice",
        "order",
        "card",
        "declined",
        "payout",
        "account",
        "please",
        "help",
        "bank",
        "transfer",
        "pending",
        "days",
        "still",
        "waiting",
        "invoice",
        "subscription",
        "cancel",
        "merchant",
        "the",
        "my",
        "was",
    ];
    (0..n)
        .map(|_| {
            *rng ^= *rng << 13;
            *rng ^= *rng >> 7;
            *rng ^= *rng << 17;
            WORDS[usize::try_from(*rng % WORDS.len() as u64).unwrap_or(0)]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The messages of one run: the same for every phase.
fn mails(n: usize, seed: u64) -> Vec<String> {
    let mut rng = seed | 1;
    let attachment = base64::engine::general_purpose::STANDARD.encode(vec![0x25u8; 2048]);
    (0..n)
        .map(|i| {
            let from = format!("customer{}@example.com", (i * 7) % 2000);
            let mut text = words(&mut rng, 90);
            if i % 50 == 7 {
                text.push_str(" my card is 4111 1111 1111 1111");
            }
            let head = match i % 10 {
                6..=8 if i >= 10 => {
                    let parent = (i - 6) / 10 * 10;
                    format!("Subject: Re: order {parent}\r\nIn-Reply-To: <b{parent}@bench>\r\n")
                }
                9 => "Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n".to_string(),
                _ => format!("Subject: order {i} {}\r\n", words(&mut rng, 4)),
            };
            let body = if i % 5 == 1 {
                format!(
                    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
                     Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--b\r\n\
                     Content-Type: application/pdf; name=receipt.pdf\r\n\
                     Content-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--b--\r\n"
                )
            } else {
                format!("Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n")
            };
            format!(
                "From: {from}\r\nTo: support@paydesk.example\r\nMessage-ID: <b{i}@bench>\r\n\
                 Date: Mon, 16 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n{head}{body}"
            )
        })
        .collect()
}

impl EmailBench {
    pub async fn run(&self, engines: Vec<Engine>) -> anyhow::Result<()> {
        let mails = mails(self.messages, self.seed);
        let bytes = mails.iter().map(String::len).sum::<usize>() / mails.len().max(1);
        println!(
            "bench email: {} messages per phase ({bytes} bytes on average), {} concurrent senders, {} build",
            self.messages,
            self.clients,
            if cfg!(debug_assertions) {
                "DEBUG (figures are not meaningful; use --release)"
            } else {
                "release"
            }
        );
        let mut rows = Vec::new();
        for engine in engines {
            let service = self.phase(engine, "service", &mails).await?;
            let http = self.phase(engine, "http", &mails).await?;
            rows.push((engine, service, http));
        }
        println!();
        println!("summary (messages/s)     service       http  http/service");
        for (engine, service, http) in rows {
            println!(
                "  {:<18} {:>10} {:>10} {:>13.2}",
                engine.name(),
                report::thousands(service.rate()),
                report::thousands(http.rate()),
                http.rate() / service.rate()
            );
        }
        Ok(())
    }

    async fn phase(
        &self,
        engine: Engine,
        name: &str,
        mails: &[String],
    ) -> anyhow::Result<Measurement> {
        let db = FreshDb::create(engine, &self.place).await?;
        let bar = report::bar(engine, name, mails.len());
        let app = App::new(db.store.clone(), Arc::new(SystemClock));
        let outcome = async {
            let m = if name == "http" {
                http::run(app, MAIL, mails.to_vec(), self.clients, &bar).await?
            } else {
                self.service(app, mails, &bar).await?
            };
            let landed = landed(&db).await?;
            if landed != mails.len() {
                anyhow::bail!(
                    "{} {name}: {landed} of {} messages accounted for; the measurement is void",
                    engine.name(),
                    mails.len()
                );
            }
            anyhow::Ok(m)
        }
        .await;
        bar.finish_and_clear();
        let removed = db.remove().await;
        let m = outcome?;
        removed?;
        println!(
            "{:>8} {name:<8} {} messages/s ({} in {:.2} s; every message accounted for)",
            engine.name(),
            report::thousands(m.rate()),
            m.tickets,
            m.elapsed.as_secs_f64()
        );
        Ok(m)
    }

    async fn service(
        &self,
        app: App,
        mails: &[String],
        bar: &indicatif::ProgressBar,
    ) -> anyhow::Result<Measurement> {
        let mails: Arc<Vec<String>> = Arc::new(mails.to_vec());
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..self.clients.max(1) {
            let (app, mails, next, bar) = (app.clone(), mails.clone(), next.clone(), bar.clone());
            tasks.spawn(async move {
                let caller = Caller::system();
                let options = InboundOptions::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(raw) = mails.get(i) else {
                        return anyhow::Ok(());
                    };
                    app.receive_email(&caller, raw.as_bytes(), &options)
                        .await
                        .with_context(|| format!("message {i}"))?;
                    bar.inc(1);
                }
            });
        }
        while let Some(joined) = tasks.join_next().await {
            joined.context("a sender task failed")??;
        }
        Ok(Measurement {
            tickets: mails.len(),
            elapsed: started.elapsed(),
            latency: None,
        })
    }
}

/// Messages the database accounts for: thread records of received mail plus kept mail.
async fn landed(db: &FreshDb) -> anyhow::Result<usize> {
    let mut tx = db.store.read().await?;
    let row = tx
        .row(
            "SELECT (SELECT COUNT(*) FROM mail_threads WHERE direction = 'in') \
             + (SELECT COUNT(*) FROM inbound_mail) AS n",
            &[],
        )
        .await?
        .context("no count")?;
    Ok(usize::try_from(row.i64("n")?)?)
}
