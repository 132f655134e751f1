//! Stripe's events read into [`GatewayEvent`]s. Both shapes Stripe has sent over the
//! years are read: modern charges (`payment_method_details`, `billing_details`) and legacy
//! ones (`card`, `paid`), modern payouts and the legacy `transfer` objects that
//! `payout.failed` once carried. What a value means is the domain's
//! (`paydesk_domain::payment::stripe`); this file only finds the values.

use super::payload::{flag, int, need_int, need_text, reference, text};
use paydesk_domain::payment::fact::{
    CustomerHint, DisputeFact, GatewayEvent, GatewayEventKind, PaymentFact, PayoutFact,
    TransactionFact, from_unix_seconds,
};
use paydesk_domain::payment::stripe::{
    ACCOUNT_ID_KEY, CUSTOMER_ID_KEY, ChargeState, GATEWAY, charge_status, dispute_stage,
    dispute_status, payment_method, payout_schedule,
};
use paydesk_domain::payment::{
    Money, PayoutStatus, TransactionKind, TransactionStatus, card_last4, check_ref, free_text,
    label_text,
};
use serde_json::Value;

fn money(object: &Value) -> Result<Money, String> {
    let amount = need_int(object, &["amount"]).map_err(|e| format!("data.object.{e}"))?;
    let currency = need_text(object, &["currency"]).map_err(|e| format!("data.object.{e}"))?;
    Money::new(amount, currency).map_err(|e| format!("data.object.{e}"))
}

fn object_ref(object: &Value) -> Result<String, String> {
    let id = need_text(object, &["id"]).map_err(|e| format!("data.object.{e}"))?;
    check_ref("data.object.id", id).map_err(|e| e.to_string())
}

fn lower(raw: Option<&str>) -> Option<String> {
    label_text(raw).map(|s| s.to_lowercase())
}

/// The emails and Stripe ids a charge (modern or legacy) names for its payer.
fn charge_customer(charge: &Value, hint: &mut CustomerHint) {
    if let Some(id) = reference(charge, &["customer"]) {
        hint.external_ids
            .push((CUSTOMER_ID_KEY.to_string(), id.to_string()));
    }
    for path in [
        &["billing_details", "email"][..],
        &["receipt_email"],
        &["customer", "email"],
    ] {
        if let Some(email) = text(charge, path) {
            hint.emails.push(email.to_string());
        }
    }
}

/// Reads a Stripe event of a handled `kind`. Errors name the field that could not be used.
pub fn event(envelope: &Value, kind: GatewayEventKind) -> Result<GatewayEvent, String> {
    let event_id = check_ref("id", need_text(envelope, &["id"])?).map_err(|e| e.to_string())?;
    let event_type = need_text(envelope, &["type"])?.to_string();
    let object = envelope
        .get("data")
        .and_then(|d| d.get("object"))
        .filter(|o| o.is_object())
        .ok_or_else(|| "data.object is missing or not an object".to_string())?;
    let mut customer = CustomerHint::default();
    let fact = match kind {
        GatewayEventKind::DisputeCreated
        | GatewayEventKind::DisputeUpdated
        | GatewayEventKind::DisputeClosed
        | GatewayEventKind::DisputeFundsWithdrawn
        | GatewayEventKind::DisputeFundsReinstated => {
            PaymentFact::Dispute(dispute(object, &mut customer)?)
        }
        GatewayEventKind::TransactionFailed | GatewayEventKind::TransactionRefunded => {
            charge_customer(object, &mut customer);
            PaymentFact::Transaction(charge(object, kind)?)
        }
        GatewayEventKind::PayoutFailed => {
            if let Some(account) = text(envelope, &["account"]) {
                customer
                    .external_ids
                    .push((ACCOUNT_ID_KEY.to_string(), account.to_string()));
            }
            PaymentFact::Payout(payout(object)?)
        }
    };
    Ok(GatewayEvent {
        gateway: GATEWAY.to_string(),
        event_id,
        event_type,
        kind,
        fact,
        customer,
        occurred_at: int(envelope, &["created"]).and_then(from_unix_seconds),
    })
}

fn dispute(object: &Value, customer: &mut CustomerHint) -> Result<DisputeFact, String> {
    let gateway_status = need_text(object, &["status"])
        .map_err(|e| format!("data.object.{e}"))?
        .to_string();
    let status = dispute_status(&gateway_status);
    let card = |name: &str| text(object, &["payment_method_details", "card", name]);
    if let Some(email) = text(object, &["evidence", "customer_email_address"]) {
        customer.emails.push(email.to_string());
    }
    if let Some(charge) = object.get("charge").filter(|c| c.is_object()) {
        charge_customer(charge, customer);
    }
    let transaction_ref = reference(object, &["charge"])
        .map(|r| check_ref("data.object.charge", r))
        .transpose()
        .map_err(|e| e.to_string())?;
    Ok(DisputeFact {
        gateway_ref: object_ref(object)?,
        transaction_ref,
        network: lower(card("network").or_else(|| card("brand"))),
        reason: label_text(text(object, &["reason"])),
        network_reason_code: label_text(
            card("network_reason_code").or_else(|| text(object, &["network_reason_code"])),
        ),
        stage: dispute_stage(card("case_type"), status),
        status,
        gateway_status,
        money: money(object)?,
        due_at: int(object, &["evidence_details", "due_by"]).and_then(from_unix_seconds),
    })
}

fn charge(object: &Value, kind: GatewayEventKind) -> Result<TransactionFact, String> {
    let money = money(object)?;
    let amount_refunded = int(object, &["amount_refunded"]).unwrap_or(0).max(0);
    let status = match kind {
        GatewayEventKind::TransactionFailed => TransactionStatus::Failed,
        _ => charge_status(ChargeState {
            status: text(object, &["status"]),
            paid: flag(object, &["paid"]),
            captured: flag(object, &["captured"]),
            refunded: flag(object, &["refunded"]).unwrap_or(false),
            amount: money.amount,
            amount_refunded,
        }),
    };
    let card = |name: &str| {
        text(object, &["payment_method_details", "card", name])
            .or_else(|| text(object, &["card", name]))
    };
    let (method, wallet) = payment_method(
        text(object, &["payment_method_details", "type"]),
        text(
            object,
            &["payment_method_details", "card", "wallet", "type"],
        ),
        object.get("card").is_some_and(Value::is_object),
    );
    Ok(TransactionFact {
        gateway_ref: object_ref(object)?,
        kind: TransactionKind::Charge,
        status,
        money,
        amount_refunded,
        order_id: label_text(
            text(object, &["metadata", "order_id"])
                .or_else(|| text(object, &["metadata", "order"])),
        ),
        failure_code: label_text(text(object, &["failure_code"])),
        failure_message: free_text(text(object, &["failure_message"])),
        // Legacy cards call the brand `type` (`Visa`).
        card_brand: lower(card("brand").or_else(|| card("type"))),
        card_last4: card_last4(card("last4")),
        method,
        wallet,
    })
}

fn payout(object: &Value) -> Result<PayoutFact, String> {
    Ok(PayoutFact {
        gateway_ref: object_ref(object)?,
        money: money(object)?,
        // The event says it failed, whatever status the object carried when rendered.
        status: PayoutStatus::Failed,
        failure_code: label_text(text(object, &["failure_code"])),
        failure_message: free_text(text(object, &["failure_message"])),
        // Legacy transfers give the day as `date`.
        arrival_at: int(object, &["arrival_date"])
            .or_else(|| int(object, &["date"]))
            .and_then(from_unix_seconds),
        schedule: payout_schedule(
            text(object, &["schedule", "interval"])
                .or_else(|| text(object, &["metadata", "schedule"])),
            flag(object, &["automatic"]),
        ),
    })
}
