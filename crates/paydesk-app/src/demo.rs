//! Demo data: fills an empty database with half a year of a payments desk, so a newcomer
//! can look at it as an agent, a BPO agent, a lead and an admin at once.
//!
//! What it makes: two BPO vendors and six queues with about forty agents (with routing
//! profiles, queue members, conditions and routing modes), one sign-in per role, customers of the three business lines, and tickets arriving with weekly
//! seasonality and two campaign peaks, each with a plausible history (replies, notes,
//! escalations, solves, reopenings, closes) recorded as messages and events, and the
//! transactions and payouts the tickets talk about, linked to them; one past incident with
//! its linked tickets, and a day of payment health counts; disputes on the dispute tickets;
//! a few refunds on open tickets (made, waiting for approval, rejected); and the standard
//! partner teams with escalations in several states (sent and held, in progress, answered,
//! one past its target); a dozen
//! macros (shared, for a payments team, and one agent's personal ones) with their usage.
//!
//! Guarantees:
//! - Deterministic: the same seed and end give the same rows in the same order (ids
//!   included, on a fresh database), whatever the engine. Only the password hash differs
//!   (its salt is random).
//! - Every text goes through [`paydesk_domain::redaction::redact`] before it is stored; a
//!   `redacted` event records the counts of what was masked, never the value.
//! - Refuses a database that already has tickets. Tickets go in batches of
//!   [`TICKET_BATCH`], one transaction each, so a failure leaves whole batches behind.

mod card;
mod chance;
mod country;
mod customer;
mod disputes;
mod escalations;
mod history;
mod incidents;
mod intake;
mod life;
mod locale;
mod macro_library;
mod payments;
mod people;
mod refunds;
mod reply;
mod routing;
mod rules;
mod sla;
mod sops;
mod template;
mod text;
mod volume;

use crate::App;
use crate::error::AppError;
use paydesk_domain::Timestamp;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::BusinessLine;
use paydesk_store::{PageRequest, TicketFilter};
use rand::SeedableRng;
use rand::rngs::SmallRng;

/// The payment categories of the triage taxonomy: the 77 BANKING77 intents mapped onto
/// 14 payment-support categories (`data/banking77/payment_categories.json`, copied here so
/// nothing outside the repository is read at run time).
pub const CATEGORIES: [&str; 14] = [
    "refund",
    "duplicate_charge",
    "unrecognised_or_fraud",
    "wrong_amount",
    "payment_declined",
    "pending_payment",
    "transfer_or_payout",
    "top_up",
    "fees",
    "exchange_rate",
    "card_management",
    "account_security",
    "identity_verification",
    "account_other",
];

/// The password of every demo sign-in. Demo databases are for looking around, not for use.
pub const DEMO_PASSWORD: &str = "paydesk-demo-2026";

/// Tickets per insert transaction.
pub const TICKET_BATCH: usize = 1_000;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    pub seed: u64,
    pub tickets: usize,
    /// Days of history, ending at `end`.
    pub days: i64,
    /// The demo's "now": nothing happens after it.
    pub end: Timestamp,
}

impl DemoOptions {
    /// The standard demo: seed 2026, 50,000 tickets over 180 days.
    #[must_use]
    pub fn standard(end: Timestamp) -> Self {
        Self {
            seed: 2026,
            tickets: 50_000,
            days: 180,
            end,
        }
    }

    fn check(&self) -> Result<(), AppError> {
        if !(1..=5_000_000).contains(&self.tickets) {
            return Err(AppError::invalid("tickets", "between 1 and 5,000,000"));
        }
        if !(1..=3_650).contains(&self.days) {
            return Err(AppError::invalid("days", "between 1 and 3,650"));
        }
        if self.end.0 <= (self.days + 60) * Timestamp::DAY {
            return Err(AppError::invalid("end", "must be well after 1970"));
        }
        Ok(())
    }
}

/// A sign-in made for the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub password: String,
    /// The vendor, for a BPO agent.
    pub vendor: Option<String>,
}

/// What was generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub tickets: usize,
    pub customers: usize,
    pub messages: usize,
    pub events: usize,
    /// Texts in which card data was found and masked.
    pub redacted_texts: usize,
    /// Transactions and payouts the tickets talk about (linked to them by their words).
    pub transactions: usize,
    pub payouts: usize,
    /// One per role.
    pub logins: Vec<DemoLogin>,
}

/// Category shares per business line: buyers write about refunds, double charges,
/// declines and coin top-ups; merchants about payouts, fees and chargebacks; creators
/// about earnings, withdrawals and identity and tax checks.
pub(crate) fn category_mix(line: BusinessLine) -> &'static [(&'static str, u32)] {
    match line {
        BusinessLine::Buyer => &[
            ("refund", 19),
            ("duplicate_charge", 12),
            ("payment_declined", 16),
            ("top_up", 16),
            ("unrecognised_or_fraud", 9),
            ("pending_payment", 7),
            ("wrong_amount", 5),
            ("card_management", 4),
            ("account_security", 4),
            ("exchange_rate", 3),
            ("fees", 2),
            ("account_other", 3),
        ],
        BusinessLine::Merchant => &[
            ("transfer_or_payout", 26),
            ("fees", 17),
            ("unrecognised_or_fraud", 14),
            ("refund", 10),
            ("pending_payment", 6),
            ("exchange_rate", 5),
            ("wrong_amount", 6),
            ("identity_verification", 6),
            ("payment_declined", 4),
            ("account_security", 3),
            ("account_other", 3),
        ],
        BusinessLine::Creator => &[
            ("transfer_or_payout", 28),
            ("wrong_amount", 14),
            ("identity_verification", 16),
            ("fees", 8),
            ("exchange_rate", 6),
            ("pending_payment", 6),
            ("account_security", 6),
            ("account_other", 6),
            ("card_management", 5),
            ("unrecognised_or_fraud", 5),
        ],
    }
}

/// An independent random stream per part, so changing one part leaves the others alone.
fn stream(seed: u64, part: u64) -> SmallRng {
    SmallRng::seed_from_u64(seed ^ part.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

impl App {
    /// Fills an empty database with demo data (see the module documentation); calls
    /// `progress(done, total)` after each batch of tickets.
    ///
    /// Errors: [`AppError::Invalid`] on field `database` when the database already has
    /// tickets, and on the option at fault for out-of-range options; store failures.
    pub async fn generate_demo(
        &self,
        opts: &DemoOptions,
        progress: &(dyn Fn(usize, usize) + Send + Sync),
    ) -> Result<DemoSummary, AppError> {
        opts.check()?;
        let existing = self
            .store
            .list_tickets(&TicketFilter::default(), &PageRequest::first(1))
            .await?;
        if !existing.items.is_empty() {
            return Err(AppError::invalid(
                "database",
                "it already has tickets; demo data only goes into an empty database (point paydesk at a new one)",
            ));
        }
        let start = opts.end.plus_millis(-opts.days * Timestamp::DAY);
        let setup = start.plus_millis(-30 * Timestamp::DAY);
        let desk = people::create_desk(&self.store, setup, DEMO_PASSWORD).await?;
        sla::set_up(self).await?;
        let customers = (opts.tickets * 36 / 100).max(30);
        let crowd =
            customer::create_crowd(&self.store, &mut stream(opts.seed, 1), customers, setup)
                .await?;
        // The past incident's customers open a few of the tickets themselves.
        let incident_tickets = if opts.tickets >= 100 {
            incidents::INCIDENT_TICKETS
        } else {
            0
        };
        let arrivals = volume::arrivals(
            &mut stream(opts.seed, 2),
            opts.tickets - incident_tickets,
            opts.days,
            opts.end,
        );
        let library = template::Library::new();
        let mut rng = stream(opts.seed, 3);
        let mut summary = DemoSummary {
            tickets: 0,
            customers: crowd.len(),
            messages: 0,
            events: 0,
            redacted_texts: 0,
            transactions: 0,
            payouts: 0,
            logins: desk.logins.clone(),
        };
        let mut ledger = payments::Ledger::default();
        let mut money_rng = stream(opts.seed, 4);
        progress(0, opts.tickets);
        for batch in arrivals.chunks(TICKET_BATCH) {
            let mut talked = Vec::with_capacity(batch.len());
            for arrival in batch {
                let (record, redacted, topic) =
                    intake::ticket(&mut rng, &desk, &crowd, &library, arrival, opts.end)?;
                summary.messages += record.messages.len();
                summary.events += record.events.len();
                summary.redacted_texts += redacted;
                talked.push((record, topic));
            }
            // The money first, so that each ticket links to what it names as it goes in.
            ledger.record(&self.store, &mut money_rng, &talked).await?;
            let records: Vec<_> = talked.into_iter().map(|(r, _)| r).collect();
            self.store.insert_tickets(&records).await?;
            summary.tickets += records.len();
            progress(summary.tickets, opts.tickets);
        }
        summary.transactions = ledger.made.transactions;
        summary.payouts = ledger.made.payouts;
        if incident_tickets > 0 {
            let back = (9 * Timestamp::DAY).min(opts.days * Timestamp::DAY / 2);
            let day = opts.end.plus_millis(-back);
            // 14:00 UTC that day: an afternoon in Europe.
            let start = Timestamp(day.0 - day.0.rem_euclid(Timestamp::DAY) + 14 * Timestamp::HOUR)
                .min(opts.end.plus_millis(-4 * Timestamp::HOUR));
            let (tickets, messages) =
                incidents::past_incident(self, &desk, &crowd, &mut stream(opts.seed, 9), start)
                    .await?;
            summary.tickets += tickets.len();
            summary.messages += messages;
            progress(summary.tickets, opts.tickets);
        }
        incidents::payment_traffic(&self.store, &mut stream(opts.seed, 10), opts.end).await?;
        // After the history, so the routing loop hands out only what is still open.
        routing::set_up(&self.store, &desk, opts.end).await?;
        disputes::set_up(self).await?;
        summary.messages += refunds::set_up(self, &desk).await?;
        sops::set_up(self, &desk, opts.end).await?;
        summary.messages += escalations::set_up(self, &desk).await?;
        macro_library::set_up(self, &desk, opts.end).await?;
        let lead = desk
            .logins
            .iter()
            .find(|l| l.role == paydesk_domain::role::Role::Lead)
            .map(|l| l.email.as_str());
        self.set_up_demo_rules(lead).await?;
        Ok(summary)
    }
}
