use super::fact::GatewayEventKind;
use super::notice::{self, Origin};
use super::*;

fn usd(amount: i64) -> Money {
    Money::new(amount, "usd").unwrap()
}

fn dispute() -> Dispute {
    Dispute {
        id: DisputeId(1),
        gateway: "stripe".into(),
        gateway_ref: "dp_1".into(),
        transaction_id: None,
        transaction_ref: Some("ch_1".into()),
        customer_id: None,
        ticket_id: None,
        network: Some("visa".into()),
        reason: Some("fraudulent".into()),
        network_reason_code: Some("10.4".into()),
        stage: DisputeStage::Chargeback,
        status: DisputeStatus::NeedsResponse,
        money: usd(1000),
        due_at: Some(Timestamp(1_519_430_399_000)),
        funds_withdrawn_at: None,
        funds_reinstated_at: None,
        created_at: Timestamp(0),
        updated_at: Timestamp(0),
    }
}

const ORIGIN: Origin<'static> = Origin {
    gateway: "stripe",
    event_type: "charge.dispute.updated",
    event_id: "evt_1",
};

#[test]
fn money_is_minor_units_with_an_iso_code() {
    assert_eq!(usd(1000).currency, "USD");
    assert_eq!(usd(1000).display(), "USD 10.00");
    assert_eq!(usd(5).display(), "USD 0.05");
    assert_eq!(Money::new(500, "jpy").unwrap().display(), "JPY 500");
    assert_eq!(Money::new(1250, "KWD").unwrap().display(), "KWD 1.250");
    assert!(Money::new(-1, "USD").is_err());
    for bad in ["US", "USDX", "U$D", "", "12a"] {
        assert!(Money::new(1, bad).is_err(), "{bad}");
    }
}

#[test]
fn gateway_names_and_refs() {
    assert_eq!(normalize_gateway(" Stripe ").unwrap(), "stripe");
    assert!(normalize_gateway("adyen eu").is_err());
    assert!(normalize_gateway("").is_err());
    assert_eq!(check_ref("id", " dp_1 ").unwrap(), "dp_1");
    assert!(check_ref("id", "").is_err());
    assert!(check_ref("id", "a\u{0}b").is_err());
    assert!(check_ref("id", &"x".repeat(REF_MAX + 1)).is_err());
}

#[test]
fn texts_are_clipped_and_card_digits_never_kept_beyond_four() {
    assert_eq!(label_text(Some("  ")), None);
    assert_eq!(label_text(None), None);
    assert_eq!(
        free_text(Some(&"a".repeat(TEXT_MAX + 50))).map(|t| t.len()),
        Some(TEXT_MAX)
    );
    assert_eq!(card_last4(Some("4242")), Some("4242".into()));
    for bad in ["42424", "424", "42a4", "4111111111111111"] {
        assert_eq!(card_last4(Some(bad)), None, "{bad}");
    }
}

#[test]
fn changes_name_each_field_that_moved() {
    let before = PaymentObject::Dispute(dispute());
    let mut d = dispute();
    d.status = DisputeStatus::Won;
    d.funds_withdrawn_at = Some(Timestamp(5_000));
    let after = PaymentObject::Dispute(d);
    let fields: Vec<&str> = changes(&before, &after).iter().map(|c| c.field).collect();
    assert_eq!(fields, ["status", "funds_withdrawn_at"]);
    assert!(changes(&before, &before).is_empty());
}

#[test]
fn texts_for_agents() {
    let d = PaymentObject::Dispute(dispute());
    assert_eq!(
        notice::subject(&d),
        "Dispute dp_1 (USD 10.00): needs response, evidence due 2018-02-23 23:59 UTC"
    );
    let opening = notice::opening(GatewayEventKind::DisputeCreated, &d, ORIGIN);
    assert!(
        opening.starts_with("A dispute was opened: dp_1."),
        "{opening}"
    );
    for line in ["Reason: fraudulent", "Network reason code: 10.4", "evt_1"] {
        assert!(opening.contains(line), "{line} in {opening}");
    }
    let mut won = dispute();
    won.status = DisputeStatus::Won;
    let note = notice::note(
        GatewayEventKind::DisputeClosed,
        Some(&d),
        &PaymentObject::Dispute(won),
        ORIGIN,
    );
    assert!(note.starts_with("Dispute dp_1 is closed: won."), "{note}");
    assert!(
        note.contains("- status: \"needs_response\" → \"won\""),
        "{note}"
    );
    let unchanged = notice::note(GatewayEventKind::DisputeUpdated, Some(&d), &d, ORIGIN);
    assert!(unchanged.contains("Nothing paydesk keeps about it changed."));
}
