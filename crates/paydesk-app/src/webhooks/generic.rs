//! paydesk's own webhook format, for gateways other than Stripe:
//!
//! ```json
//! { "id": "evt_1", "type": "dispute.created", "gateway": "adyen", "created": 1790000000,
//!   "data": { "id": "dsp_1", "transaction": "psp_9", "amount": 2500, "currency": "EUR",
//!             "status": "needs_response", "stage": "chargeback", "network": "mastercard",
//!             "reason": "goods_not_received", "network_reason_code": "4855",
//!             "due_at": 1790600000,
//!             "customer": { "id": "shopper-42", "email": "ana@example.com" } } }
//! ```
//!
//! Types: `dispute.created|updated|closed|funds_withdrawn|funds_reinstated`,
//! `transaction.failed|refunded`, `payout.failed`. Statuses, stages and kinds are
//! paydesk's own labels; times are Unix seconds; amounts are minor units. Transactions may
//! say `payment_method` (`card`, `wallet`, `bank_transfer`, `other`) and `wallet`; payouts
//! their `schedule` (`daily`, `weekly`, `monthly`, `manual`). A customer `id`
//! is matched against the customer's platform id named `<gateway>_customer_id`.

use super::payload::{int, need_int, need_text, text};
use paydesk_domain::payment::fact::{
    CustomerHint, DisputeFact, GatewayEvent, GatewayEventKind, PaymentFact, PayoutFact,
    TransactionFact, from_unix_seconds,
};
use paydesk_domain::payment::{
    DisputeStage, DisputeStatus, Money, PayoutStatus, TransactionKind, TransactionStatus,
    card_last4, check_ref, free_text, label_text, normalize_gateway,
};
use serde_json::Value;
use std::str::FromStr;

/// What a type of this format means, or `None` for one paydesk does not handle.
#[must_use]
pub fn event_kind(event_type: &str) -> Option<GatewayEventKind> {
    Some(match event_type {
        "dispute.created" => GatewayEventKind::DisputeCreated,
        "dispute.updated" => GatewayEventKind::DisputeUpdated,
        "dispute.closed" => GatewayEventKind::DisputeClosed,
        "dispute.funds_withdrawn" => GatewayEventKind::DisputeFundsWithdrawn,
        "dispute.funds_reinstated" => GatewayEventKind::DisputeFundsReinstated,
        "transaction.failed" => GatewayEventKind::TransactionFailed,
        "transaction.refunded" => GatewayEventKind::TransactionRefunded,
        "payout.failed" => GatewayEventKind::PayoutFailed,
        _ => return None,
    })
}

/// The event's gateway, checked.
pub fn gateway(envelope: &Value) -> Result<String, String> {
    normalize_gateway(need_text(envelope, &["gateway"])?).map_err(|e| e.to_string())
}

fn data_text<'a>(data: &'a Value, name: &str) -> Result<&'a str, String> {
    need_text(data, &[name]).map_err(|e| format!("data.{e}"))
}

/// A label of paydesk's (`needs_response`), or `default` when the field is absent.
fn label<T: FromStr<Err = paydesk_domain::DomainError>>(
    data: &Value,
    name: &str,
    default: Option<T>,
) -> Result<T, String> {
    match (text(data, &[name]), default) {
        (Some(raw), _) => raw.parse().map_err(|e| format!("data.{name}: {e}")),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(format!("data.{name} is missing or not text")),
    }
}

/// An optional label: absent is none, present must be one of the values.
fn opt_label<T: FromStr<Err = paydesk_domain::DomainError>>(
    data: &Value,
    name: &str,
) -> Result<Option<T>, String> {
    text(data, &[name])
        .map(|raw| raw.parse().map_err(|e| format!("data.{name}: {e}")))
        .transpose()
}

fn money(data: &Value) -> Result<Money, String> {
    let amount = need_int(data, &["amount"]).map_err(|e| format!("data.{e}"))?;
    Money::new(amount, data_text(data, "currency")?).map_err(|e| format!("data.{e}"))
}

fn time(data: &Value, name: &str) -> Option<paydesk_domain::Timestamp> {
    int(data, &[name]).and_then(from_unix_seconds)
}

/// Reads an event of a handled `kind` from the gateway `gateway`.
pub fn event(
    envelope: &Value,
    gateway: &str,
    kind: GatewayEventKind,
) -> Result<GatewayEvent, String> {
    let event_id = check_ref("id", need_text(envelope, &["id"])?).map_err(|e| e.to_string())?;
    let data = envelope
        .get("data")
        .filter(|d| d.is_object())
        .ok_or_else(|| "data is missing or not an object".to_string())?;
    let gateway_ref = check_ref("data.id", data_text(data, "id")?).map_err(|e| e.to_string())?;
    let mut customer = CustomerHint::default();
    if let Some(id) = text(data, &["customer", "id"]) {
        customer
            .external_ids
            .push((format!("{gateway}_customer_id"), id.to_string()));
    }
    if let Some(email) = text(data, &["customer", "email"]) {
        customer.emails.push(email.to_string());
    }
    let fact = match kind {
        GatewayEventKind::TransactionFailed | GatewayEventKind::TransactionRefunded => {
            let status = if kind == GatewayEventKind::TransactionFailed {
                TransactionStatus::Failed
            } else {
                TransactionStatus::Refunded
            };
            PaymentFact::Transaction(TransactionFact {
                gateway_ref,
                kind: label(data, "kind", Some(TransactionKind::Charge))?,
                status: label(data, "status", Some(status))?,
                money: money(data)?,
                amount_refunded: int(data, &["amount_refunded"]).unwrap_or(0).max(0),
                order_id: label_text(text(data, &["order_id"])),
                failure_code: label_text(text(data, &["failure_code"])),
                failure_message: free_text(text(data, &["failure_message"])),
                card_brand: label_text(text(data, &["card_brand"])).map(|b| b.to_lowercase()),
                card_last4: card_last4(text(data, &["card_last4"])),
                method: opt_label(data, "payment_method")?,
                wallet: label_text(text(data, &["wallet"])).map(|w| w.to_lowercase()),
            })
        }
        GatewayEventKind::PayoutFailed => PaymentFact::Payout(PayoutFact {
            gateway_ref,
            money: money(data)?,
            status: label(data, "status", Some(PayoutStatus::Failed))?,
            failure_code: label_text(text(data, &["failure_code"])),
            failure_message: free_text(text(data, &["failure_message"])),
            arrival_at: time(data, "arrival_at"),
            schedule: opt_label(data, "schedule")?,
        }),
        _ => {
            let status: DisputeStatus = label(data, "status", None)?;
            let transaction_ref = text(data, &["transaction"])
                .map(|r| check_ref("data.transaction", r))
                .transpose()
                .map_err(|e| e.to_string())?;
            PaymentFact::Dispute(DisputeFact {
                gateway_ref,
                transaction_ref,
                network: label_text(text(data, &["network"])).map(|n| n.to_lowercase()),
                reason: label_text(text(data, &["reason"])),
                network_reason_code: label_text(text(data, &["network_reason_code"])),
                stage: label(data, "stage", Some(DisputeStage::implied_by(status)))?,
                status: Some(status),
                gateway_status: status.as_str().to_string(),
                money: money(data)?,
                due_at: time(data, "due_at"),
            })
        }
    };
    Ok(GatewayEvent {
        gateway: gateway.to_string(),
        event_id,
        event_type: need_text(envelope, &["type"])?.to_string(),
        kind,
        fact,
        customer,
        occurred_at: int(envelope, &["created"]).and_then(from_unix_seconds),
    })
}
