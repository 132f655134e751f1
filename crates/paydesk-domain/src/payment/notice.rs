//! The texts agents read about a gateway event: the subject and first note of a ticket it
//! opens, and the internal note it adds to a ticket already about the object. Built from
//! the stored objects, whose texts were redacted on the way in.

use super::fact::GatewayEventKind;
use super::{Dispute, PaymentObject, Payout, Transaction, changes};
use crate::time::Timestamp;

/// Where an event came from, for the last line of every text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin<'a> {
    pub gateway: &'a str,
    pub event_type: &'a str,
    pub event_id: &'a str,
}

fn words(label: &str) -> String {
    label.replace('_', " ")
}

/// A UTC instant as `2018-02-23 23:59 UTC`.
#[must_use]
pub fn utc_minute(t: Timestamp) -> String {
    let secs = t.0.div_euclid(1_000);
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days, for the proleptic Gregorian calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3_600,
        rest % 3_600 / 60
    )
}

/// A ticket subject for `object` (at most 250 characters).
#[must_use]
pub fn subject(object: &PaymentObject) -> String {
    let text = match object {
        PaymentObject::Dispute(d) => {
            let mut s = format!(
                "{} {} ({}): {}",
                if d.stage == super::DisputeStage::Inquiry {
                    "Inquiry"
                } else {
                    "Dispute"
                },
                d.gateway_ref,
                d.money.display(),
                words(d.status.as_str())
            );
            if let (true, Some(due)) = (d.status.needs_response(), d.due_at) {
                s.push_str(&format!(", evidence due {}", utc_minute(due)));
            }
            s
        }
        PaymentObject::Payout(p) => format!(
            "Payout {} ({}) {}",
            p.gateway_ref,
            p.money.display(),
            words(p.status.as_str())
        ),
        PaymentObject::Transaction(t) => format!(
            "Payment {} ({}) {}",
            t.gateway_ref,
            t.money.display(),
            words(t.status.as_str())
        ),
    };
    text.chars().take(250).collect()
}

/// One line on what happened.
#[must_use]
pub fn headline(kind: GatewayEventKind, object: &PaymentObject) -> String {
    let money = object.money().display();
    let reference = object.gateway_ref();
    match (kind, object) {
        (GatewayEventKind::DisputeCreated, _) => format!("A dispute was opened: {reference}."),
        (GatewayEventKind::DisputeUpdated, _) => format!("Dispute {reference} was updated."),
        (GatewayEventKind::DisputeClosed, PaymentObject::Dispute(d)) => format!(
            "Dispute {reference} is closed: {}.",
            words(d.status.as_str())
        ),
        (GatewayEventKind::DisputeClosed, _) => format!("Dispute {reference} is closed."),
        (GatewayEventKind::DisputeFundsWithdrawn, _) => {
            format!("{money} was withdrawn from the balance for dispute {reference}.")
        }
        (GatewayEventKind::DisputeFundsReinstated, _) => {
            format!("{money} was reinstated to the balance for dispute {reference}.")
        }
        (GatewayEventKind::TransactionFailed, _) => format!("Payment {reference} failed."),
        (GatewayEventKind::TransactionRefunded, PaymentObject::Transaction(t)) => format!(
            "Payment {reference} was refunded: {} of {money}.",
            super::Money {
                amount: t.amount_refunded,
                currency: t.money.currency.clone(),
            }
            .display()
        ),
        (GatewayEventKind::TransactionRefunded, _) => format!("Payment {reference} was refunded."),
        (GatewayEventKind::PayoutFailed, _) => format!("Payout {reference} of {money} failed."),
    }
}

fn opt(label: &str, value: Option<&str>, out: &mut Vec<String>) {
    if let Some(v) = value {
        out.push(format!("{label}: {v}"));
    }
}

fn details(object: &PaymentObject) -> Vec<String> {
    let mut out = vec![format!("Amount: {}", object.money().display())];
    match object {
        PaymentObject::Dispute(d) => dispute_details(d, &mut out),
        PaymentObject::Transaction(t) => transaction_details(t, &mut out),
        PaymentObject::Payout(p) => payout_details(p, &mut out),
    }
    out
}

fn dispute_details(d: &Dispute, out: &mut Vec<String>) {
    out.push(format!("Status: {}", words(d.status.as_str())));
    out.push(format!("Stage: {}", words(d.stage.as_str())));
    opt("Reason", d.reason.as_deref(), out);
    opt("Network", d.network.as_deref(), out);
    opt("Network reason code", d.network_reason_code.as_deref(), out);
    opt("Disputed payment", d.transaction_ref.as_deref(), out);
    if let Some(due) = d.due_at {
        out.push(format!("Evidence due: {}", utc_minute(due)));
    }
    if let Some(t) = d.funds_withdrawn_at {
        out.push(format!("Funds withdrawn: {}", utc_minute(t)));
    }
    if let Some(t) = d.funds_reinstated_at {
        out.push(format!("Funds reinstated: {}", utc_minute(t)));
    }
}

fn transaction_details(t: &Transaction, out: &mut Vec<String>) {
    out.push(format!("Kind: {}", words(t.kind.as_str())));
    out.push(format!("Status: {}", words(t.status.as_str())));
    if t.amount_refunded > 0 {
        out.push(format!(
            "Refunded: {}",
            super::Money {
                amount: t.amount_refunded,
                currency: t.money.currency.clone(),
            }
            .display()
        ));
    }
    opt("Order", t.order_id.as_deref(), out);
    opt("Failure code", t.failure_code.as_deref(), out);
    opt("Failure message", t.failure_message.as_deref(), out);
    if let Some(brand) = &t.card_brand {
        let last4 = t.card_last4.as_deref().unwrap_or("????");
        out.push(format!("Card: {brand} ending {last4}"));
    }
}

fn payout_details(p: &Payout, out: &mut Vec<String>) {
    out.push(format!("Status: {}", words(p.status.as_str())));
    opt("Failure code", p.failure_code.as_deref(), out);
    opt("Failure message", p.failure_message.as_deref(), out);
    if let Some(t) = p.arrival_at {
        out.push(format!("Expected arrival: {}", utc_minute(t)));
    }
}

fn origin_line(origin: Origin<'_>) -> String {
    format!(
        "Reported by {} in {} ({}).",
        origin.gateway, origin.event_type, origin.event_id
    )
}

/// The first (internal) note of a ticket the event opens: what happened, everything known
/// about the object, where it came from.
#[must_use]
pub fn opening(kind: GatewayEventKind, object: &PaymentObject, origin: Origin<'_>) -> String {
    format!(
        "{}\n\n{}\n\n{}",
        headline(kind, object),
        details(object).join("\n"),
        origin_line(origin)
    )
}

/// The internal note on a ticket already about the object: what happened and what changed
/// (`before` is `None` when paydesk had not seen the object yet).
#[must_use]
pub fn note(
    kind: GatewayEventKind,
    before: Option<&PaymentObject>,
    after: &PaymentObject,
    origin: Origin<'_>,
) -> String {
    let changed = match before {
        Some(b) => {
            let lines: Vec<String> = changes(b, after)
                .iter()
                .map(|c| format!("- {}: {} → {}", c.field, c.from, c.to))
                .collect();
            if lines.is_empty() {
                "Nothing paydesk keeps about it changed.".to_string()
            } else {
                format!("Changed:\n{}", lines.join("\n"))
            }
        }
        None => details(after).join("\n"),
    };
    format!(
        "{}\n\n{changed}\n\n{}",
        headline(kind, after),
        origin_line(origin)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_minutes() {
        assert_eq!(utc_minute(Timestamp(0)), "1970-01-01 00:00 UTC");
        assert_eq!(
            utc_minute(Timestamp(1_519_430_399_000)),
            "2018-02-23 23:59 UTC"
        );
        assert_eq!(
            utc_minute(Timestamp(951_782_400_000)),
            "2000-02-29 00:00 UTC"
        );
        assert_eq!(utc_minute(Timestamp(-60_000)), "1969-12-31 23:59 UTC");
    }
}
