//! The demo desk's incidents and payment health: one past incident, worked from start to
//! end, and a day of authorisation counts so the health view has something to show.
//!
//! The incident: card payments through Adyen were refused for an issuer processor's
//! cards ("issuer_unavailable") one afternoon. Buyers wrote in; a lead declared the
//! incident with a rule on the gateway and the code, which linked their tickets (those
//! arriving later were linked by the minute loop); the lead raised the severity, noted
//! the cause, told the linked customers, watched the fix and resolved it, solving the
//! tickets with a last reply. Every step goes through the use cases on a clock set to its
//! moment, so the timeline, the tickets' histories and the emails (recorded as sent, as
//! the sender would have) are as paydesk writes them.

use super::customer::Crowd;
use super::people::{Desk, QueueKind};
use crate::error::AppError;
use crate::incidents::updates::UpdateInput;
use crate::incidents::{DeclareInput, IncidentPatch, ScopeInput};
use crate::tickets::NewTicketInput;
use crate::{App, Caller, ManualClock};
use paydesk_domain::incident::IncidentId;
use paydesk_domain::incident::{IncidentStatus, MatchRules, PaymentMethod, Severity};
use paydesk_domain::payment::{
    Money, Transaction, TransactionId, TransactionKind, TransactionStatus,
};
use paydesk_domain::payment_health::{AttemptResult, Tally};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel};
use paydesk_domain::{Actor, TicketId, Timestamp};
use paydesk_store::{MAIL_JOB, MinuteKey, Settlement, Store};
use rand::Rng;
use rand::rngs::SmallRng;
use std::sync::Arc;

/// Tickets the incident's customers open (taken from the demo's ticket count).
pub(super) const INCIDENT_TICKETS: usize = 6;

const MIN: i64 = Timestamp::MINUTE;

/// When each incident ticket comes in, in minutes after the failures start.
const ARRIVALS: [i64; INCIDENT_TICKETS] = [8, 12, 19, 26, 41, 55];

const TEXTS: [(&str, &str); INCIDENT_TICKETS] = [
    (
        "Card declined when buying coins",
        "I tried to buy 500 coins three times and my Visa was declined each time. My bank says they see nothing.",
    ),
    (
        "Payment failed: issuer unavailable",
        "The app says 'issuer unavailable'. Is something wrong on your side? I need the coins for a live tonight.",
    ),
    (
        "Can't pay for my subscription",
        "My Mastercard keeps getting declined for the monthly subscription. It worked last month.",
    ),
    (
        "Was I charged? Payment declined",
        "The payment was declined but I got a notification from my bank app. Was I charged or not?",
    ),
    (
        "Gift purchase not going through",
        "Trying to send a gift, the card payment fails every time with an error. Please help.",
    ),
    (
        "Declined again and again",
        "Fourth try now, card declined. Other shops take my card fine.",
    ),
];

/// The lead who works the incident, as a caller.
async fn lead(store: &Store, desk: &Desk) -> Result<Caller, AppError> {
    let login = desk
        .logins
        .iter()
        .find(|l| l.role == Role::Lead)
        .ok_or(AppError::NotFound { entity: "lead" })?;
    let user = store
        .user_by_email(&login.email)
        .await?
        .ok_or(AppError::NotFound { entity: "lead" })?;
    Ok(Caller::new(
        Principal::User {
            id: user.id,
            role: user.role,
            vendor_id: None,
        },
        None,
    ))
}

/// The `n`-th card charge Adyen refused, for `customer` at `at`.
async fn refused_charge(
    store: &Store,
    n: usize,
    customer: paydesk_domain::CustomerId,
    at: Timestamp,
) -> Result<(), AppError> {
    let mut work = store.payment_work().await?;
    work.save_transaction(&Transaction {
        id: TransactionId(0),
        gateway: "adyen".into(),
        gateway_ref: format!("psp_demo_incident_{n}"),
        kind: TransactionKind::Charge,
        status: TransactionStatus::Failed,
        money: Money {
            amount: [499, 999, 1_499][n % 3],
            currency: "USD".into(),
        },
        amount_refunded: 0,
        customer_id: Some(customer),
        order_id: Some(format!("ord_demo_{n}")),
        failure_code: Some("issuer_unavailable".into()),
        failure_message: Some("Issuer or switch inoperative".into()),
        card_brand: Some(
            if n.is_multiple_of(2) {
                "visa"
            } else {
                "mastercard"
            }
            .into(),
        ),
        card_last4: None,
        method: Some(paydesk_domain::payment::PaymentMethod::Card),
        wallet: None,
        created_at: at,
        updated_at: at,
    })
    .await?;
    work.commit().await?;
    Ok(())
}

/// Records every queued email as sent at the clock's time, as the sender would have.
async fn send_mail(app: &App) -> Result<(), AppError> {
    while let Some(job) = app.claim_job("demo", &[MAIL_JOB], MIN).await? {
        app.settle_mail(&job, "demo", &Settlement::Done).await?;
    }
    Ok(())
}

/// Plays the past incident; returns its tickets and how many messages they hold.
pub(super) async fn past_incident(
    app: &App,
    desk: &Desk,
    crowd: &Crowd,
    rng: &mut SmallRng,
    start: Timestamp,
) -> Result<(Vec<TicketId>, usize), AppError> {
    let store = app.store();
    let clock = Arc::new(ManualClock::at(start));
    let past = App::new(store.clone(), clock.clone()).with_intake(app.intake().clone());
    let at = |minutes: i64| start.plus_millis(minutes * MIN);
    let lena = lead(store, desk).await?;
    let queue = desk.queue(QueueKind::BuyerPayments).map(|q| q.id);

    let mut tickets = Vec::new();
    let mut incident = None;
    for (n, (minutes, (subject, body))) in ARRIVALS.iter().zip(TEXTS).enumerate() {
        let Some(buyer) = crowd.pick(rng, BusinessLine::Buyer) else {
            continue;
        };
        refused_charge(store, n, buyer.id, at(minutes - 2)).await?;
        clock.set(at(*minutes));
        let input = NewTicketInput {
            customer_id: Some(buyer.id),
            queue_id: queue,
            category: Some("payment_declined".into()),
            ..NewTicketInput::new(subject, body, BusinessLine::Buyer, Channel::Web)
        };
        let record = past.ticket_record(&Actor::Customer { id: buyer.id }, input)?;
        tickets.extend(store.insert_tickets(&[record]).await?);
        let step = match minutes {
            12 => Step::Declare,
            19 => Step::Identify,
            26 => Step::Note,
            41 => Step::Tell,
            _ => Step::Nothing,
        };
        clock.set(at(minutes + 1));
        play(&past, &lena, step, &mut incident).await?;
    }
    clock.set(at(70));
    play(&past, &lena, Step::Monitor, &mut incident).await?;
    clock.set(at(150));
    play(&past, &lena, Step::Resolve, &mut incident).await?;
    let mut messages = 0;
    for t in &tickets {
        messages += store.messages(*t).await?.len();
    }
    Ok((tickets, messages))
}

/// One moment of the incident, after a ticket came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Nothing,
    Declare,
    Identify,
    Note,
    Tell,
    Monitor,
    Resolve,
}

/// Does `step` as the lead would (on `incident`, once declared), then what the minute
/// loop does (run the rules) and what the workers do (deliver updates, send their emails).
async fn play(
    app: &App,
    lena: &Caller,
    step: Step,
    incident: &mut Option<IncidentId>,
) -> Result<(), AppError> {
    let id = *incident;
    let update = |body: &str, is_public: bool| UpdateInput {
        body: body.into(),
        is_public,
        solve_tickets: false,
    };
    let mut delivering = None;
    match (step, id) {
        (Step::Declare, None) => {
            let started = app.now().plus_millis(-14 * MIN);
            let (declared, _) = app.declare_incident(lena, declaration(started)).await?;
            *incident = Some(declared.id);
        }
        (Step::Identify, Some(id)) => {
            let patch = IncidentPatch {
                severity: Some(Severity::Sev2),
                status: Some(IncidentStatus::Identified),
                ..IncidentPatch::default()
            };
            app.change_incident(lena, id, patch).await?;
        }
        (Step::Note, Some(id)) => {
            let note = "Adyen confirms one issuer processor (Visa and Mastercard debit cards of several EU banks) answers 'issuer unavailable'. Retrying does not help yet.";
            app.post_incident_update(lena, id, update(note, false), "demo-note-1")
                .await?;
        }
        (Step::Tell, Some(id)) => {
            let text = "We know that some card payments are declined with 'issuer unavailable'. The problem is with a card processor, not your card, and no money was taken. We will write again as soon as it works.";
            let (u, _) = app
                .post_incident_update(lena, id, update(text, true), "demo-update-1")
                .await?;
            delivering = Some(u.id);
        }
        (Step::Monitor, Some(id)) => {
            let patch = IncidentPatch {
                status: Some(IncidentStatus::Monitoring),
                ..IncidentPatch::default()
            };
            app.change_incident(lena, id, patch).await?;
        }
        (Step::Resolve, Some(id)) => {
            let text = "Card payments work again: the processor fixed the fault. Please try once more; declined attempts were not charged. We are closing this request, and you can reply at any time.";
            let (_, u) = app.resolve_incident(lena, id, Some(text), true).await?;
            delivering = u.map(|u| u.id);
        }
        _ => {}
    }
    app.match_open_incidents().await?;
    if let Some(update) = delivering {
        app.deliver_incident_update(update).await?;
        send_mail(app).await?;
    }
    Ok(())
}

fn declaration(started: Timestamp) -> DeclareInput {
    DeclareInput {
        title: "Adyen card payments declined: issuer unavailable".into(),
        severity: Severity::Sev3,
        scope: ScopeInput {
            gateway: Some("adyen".into()),
            method: Some(PaymentMethod::Card),
            region: Some("eu".into()),
            business_line: Some(BusinessLine::Buyer),
            started_at: Some(started),
            ended_at: None,
        },
        rules: Some(MatchRules {
            gateways: vec!["adyen".into()],
            failure_codes: vec!["issuer_unavailable".into()],
            ..MatchRules::default()
        }),
        public_summary: Some(
            "Some card payments through one of our payment providers are declined. No money is taken for declined payments.".into(),
        ),
    }
}

/// A gateway and method's usual traffic: attempts a minute, share that succeeds, usual
/// latency, and the decline codes its issuers give.
struct Series {
    gateway: &'static str,
    method: PaymentMethod,
    per_minute: f64,
    success: f64,
    latency_ms: f64,
    codes: &'static [&'static str],
}

const SERIES: [Series; 4] = [
    Series {
        gateway: "stripe",
        method: PaymentMethod::Card,
        per_minute: 30.0,
        success: 0.91,
        latency_ms: 280.0,
        codes: &[
            "do_not_honor",
            "insufficient_funds",
            "card_declined",
            "expired_card",
        ],
    },
    Series {
        gateway: "adyen",
        method: PaymentMethod::Card,
        per_minute: 18.0,
        success: 0.89,
        latency_ms: 320.0,
        codes: &["refused", "not_enough_balance", "do_not_honor"],
    },
    Series {
        gateway: "paypal",
        method: PaymentMethod::Wallet,
        per_minute: 8.0,
        success: 0.86,
        latency_ms: 650.0,
        codes: &["instrument_declined", "payer_action_required"],
    },
    Series {
        gateway: "adyen",
        method: PaymentMethod::BankTransfer,
        per_minute: 2.0,
        success: 0.97,
        latency_ms: 900.0,
        codes: &["account_closed"],
    },
];

/// A day of authorisation counts up to `end`: busier in the evening (UTC), with PayPal's
/// wallet below its objective over the last quarter hour (degraded, not a sharp drop).
pub(super) async fn payment_traffic(
    store: &Store,
    rng: &mut SmallRng,
    end: Timestamp,
) -> Result<(), AppError> {
    let last = Timestamp(end.0 - end.0.rem_euclid(MIN));
    let mut minutes = Vec::new();
    let mut codes = Vec::new();
    // Counts PayPal's attempts over its degraded quarter hour, so exactly every fourth
    // one is declined.
    let mut degraded_seen = 0_u64;
    for s in &SERIES {
        for back in 0..24 * 60_i64 {
            let minute = last.plus_millis(-back * MIN);
            #[expect(clippy::cast_precision_loss, reason = "minutes of a day")]
            let hour = (minute.0.rem_euclid(Timestamp::DAY) / Timestamp::HOUR) as f64;
            let busy = 0.7 + 0.6 * ((hour - 6.0) / 24.0 * std::f64::consts::TAU).sin().abs();
            // PayPal's last quarter hour: exactly three in four succeed, below the 80%
            // objective but not far enough below its usual 86% to be a sharp drop.
            let degraded = s.gateway == "paypal" && back < 15;
            let key = MinuteKey {
                gateway: s.gateway.into(),
                method: s.method.as_str().into(),
                minute,
            };
            let mut tally = Tally::default();
            let mut code_counts = vec![0_i64; s.codes.len()];
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a few dozen a minute"
            )]
            let attempts = (s.per_minute * busy * rng.random_range(0.7..1.3)).round() as usize;
            for _ in 0..attempts {
                let roll: f64 = rng.random();
                let result = if degraded {
                    degraded_seen += 1;
                    if degraded_seen.is_multiple_of(4) {
                        AttemptResult::Decline
                    } else {
                        AttemptResult::Success
                    }
                } else if roll < s.success {
                    AttemptResult::Success
                } else if roll < s.success + (1.0 - s.success) * 0.9 {
                    AttemptResult::Decline
                } else {
                    AttemptResult::Failure
                };
                if result == AttemptResult::Decline {
                    code_counts[rng.random_range(0..s.codes.len())] += 1;
                }
                let slow = if rng.random_bool(0.03) { 4.0 } else { 1.0 };
                #[expect(clippy::cast_possible_truncation, reason = "milliseconds")]
                let latency = (s.latency_ms * rng.random_range(0.5..1.6) * slow) as i64;
                tally.record(result, latency);
            }
            for (code, n) in s.codes.iter().zip(code_counts) {
                if n > 0 {
                    codes.push((key.clone(), (*code).to_string(), n));
                }
            }
            if tally.attempts > 0 {
                minutes.push((key, tally));
            }
        }
    }
    store.add_payment_attempts(&minutes, &codes).await?;
    Ok(())
}
