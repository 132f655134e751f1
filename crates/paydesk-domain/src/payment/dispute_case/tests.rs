use super::*;
use crate::payment::packet::{self, ConversationEntry, EvidenceEntry, PacketContents};
use crate::payment::{DisputeId, DisputeStage, Money};
use crate::time::Timestamp;

fn dispute(network: Option<&str>, code: Option<&str>, reason: Option<&str>) -> Dispute {
    Dispute {
        id: DisputeId(1),
        gateway: "stripe".into(),
        gateway_ref: "dp_1".into(),
        transaction_id: None,
        transaction_ref: Some("ch_1".into()),
        customer_id: None,
        ticket_id: None,
        network: network.map(str::to_string),
        reason: reason.map(str::to_string),
        network_reason_code: code.map(str::to_string),
        stage: DisputeStage::Chargeback,
        status: DisputeStatus::NeedsResponse,
        money: Money {
            amount: 12_000,
            currency: "USD".into(),
        },
        due_at: Some(Timestamp(1_790_000_000_000)),
        funds_withdrawn_at: None,
        funds_reinstated_at: None,
        created_at: Timestamp(1_780_000_000_000),
        updated_at: Timestamp(1_780_000_000_000),
    }
}

#[test]
fn a_known_network_code_is_explained_from_the_catalogue() {
    let r = explain(&dispute(Some("visa"), Some("10.4"), Some("fraudulent")));
    assert_eq!(r.source, ReasonSource::NetworkCode);
    assert_eq!(r.category, Some(DisputeCategory::Fraud));
    assert!(r.explanation.starts_with("Visa 10.4"), "{}", r.explanation);
    assert!(r.explanation.contains("did not make"), "{}", r.explanation);
    let list = checklist(&r);
    assert!(list.contains(&Evidence::AuthenticationRecord));
}

#[test]
fn an_unknown_code_falls_back_to_the_gateway_reason_then_to_a_default() {
    let r = explain(&dispute(
        Some("visa"),
        Some("99.9"),
        Some("product_not_received"),
    ));
    assert_eq!(r.source, ReasonSource::GatewayReason);
    assert_eq!(r.category, Some(DisputeCategory::ConsumerDispute));
    assert!(r.explanation.contains("99.9"), "{}", r.explanation);
    let none = explain(&dispute(Some("paypal"), None, Some("odd")));
    assert_eq!(none.source, ReasonSource::Unknown);
    assert_eq!(
        checklist(&none),
        vec![
            Evidence::CustomerCommunication,
            Evidence::TransactionReceipt
        ]
    );
}

#[test]
fn networks_normalise_and_unknown_ones_are_refused() {
    assert_eq!(
        normalize_network("American Express").ok().as_deref(),
        Some("amex")
    );
    assert_eq!(
        normalize_network(" MasterCard ").ok().as_deref(),
        Some("mastercard")
    );
    assert_eq!(normalize_network("PayPal").ok().as_deref(), Some("paypal"));
    assert!(normalize_network("barter").is_err());
}

#[test]
fn coverage_counts_the_conversation_as_customer_communication() {
    let list = [Evidence::DeliveryProof, Evidence::CustomerCommunication];
    let lines = coverage(&list, &[Evidence::DeliveryProof], false);
    assert_eq!(
        lines.iter().map(|l| l.covered).collect::<Vec<_>>(),
        [true, false]
    );
    let lines = coverage(&list, &[], true);
    assert_eq!(
        lines.iter().map(|l| l.covered).collect::<Vec<_>>(),
        [false, true]
    );
}

#[test]
fn moves_follow_the_status() {
    let d = dispute(Some("visa"), Some("13.1"), None);
    assert_eq!(
        apply(&d, Move::Submit),
        Ok((DisputeStatus::UnderReview, None))
    );
    let (status, out) = apply(&d, Move::Accept).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(status, DisputeStatus::Accepted);
    assert_eq!(out.map(|o| o.amount_lost), Some(12_000));
    let inquiry = Dispute {
        status: DisputeStatus::WarningNeedsResponse,
        ..d.clone()
    };
    assert_eq!(
        apply(&inquiry, Move::Submit),
        Ok((DisputeStatus::WarningUnderReview, None))
    );
    let reviewed = Dispute {
        status: DisputeStatus::UnderReview,
        ..d.clone()
    };
    assert!(matches!(
        apply(&reviewed, Move::Submit),
        Err(MoveError::WrongStatus { .. })
    ));
    let won = outcome(&reviewed, true, None, None);
    assert_eq!((won.amount_won, won.amount_lost), (12_000, 0));
    assert_eq!(
        apply(&reviewed, Move::Outcome(won)).map(|(s, _)| s),
        Ok(DisputeStatus::Won)
    );
    let decided = Dispute {
        status: DisputeStatus::Won,
        ..d
    };
    assert!(apply(&decided, Move::Outcome(won)).is_err());
}

#[test]
fn outcome_amounts_stay_within_the_disputed_amount() {
    let d = Dispute {
        status: DisputeStatus::UnderReview,
        ..dispute(None, None, None)
    };
    let lost = outcome(&d, false, None, None);
    assert_eq!((lost.amount_won, lost.amount_lost), (0, 12_000));
    let partial = outcome(&d, false, None, Some(5_000));
    assert_eq!((partial.amount_won, partial.amount_lost), (7_000, 5_000));
    let too_much = Outcome {
        won: true,
        amount_won: 12_000,
        amount_lost: 1,
    };
    assert_eq!(
        apply(&d, Move::Outcome(too_much)),
        Err(MoveError::Amounts { amount: 12_000 })
    );
}

#[test]
fn the_index_lists_the_reason_checklist_evidence_and_conversation() {
    let d = dispute(Some("mastercard"), Some("4853"), None);
    let reason = explain(&d);
    let list = checklist(&reason);
    let evidence = vec![EvidenceEntry {
        kind: Evidence::DeliveryProof,
        title: "Tracking 1Z999".into(),
        text: Some("Delivered to the front door.".into()),
        file: Some(packet::evidence_path(
            1,
            Evidence::DeliveryProof,
            "pod scan.pdf",
        )),
        added_at: Timestamp(1_781_000_000_000),
        added_by: "Dana Reyes".into(),
    }];
    let gathered: Vec<Evidence> = evidence.iter().map(|e| e.kind).collect();
    let lines = coverage(&list, &gathered, true);
    let conversation = vec![ConversationEntry {
        at: Timestamp(1_780_500_000_000),
        author: "Customer",
        body: "It never arrived.".into(),
        attachments: vec![packet::attachment_path(1, "photo.jpg")],
    }];
    let index = packet::index(&PacketContents {
        dispute: &d,
        reason: &reason,
        checklist: &lines,
        transaction: None,
        ticket: Some("PD-000042".into()),
        evidence: &evidence,
        conversation: &conversation,
        generated_at: Timestamp(1_782_000_000_000),
    });
    assert!(index.contains("Mastercard 4853"), "{index}");
    assert!(index.contains("[x] Carrier tracking"), "{index}");
    assert!(index.contains("see #1"), "{index}");
    assert!(
        index.contains("evidence/01-delivery_proof-pod_scan.pdf"),
        "{index}"
    );
    assert!(index.contains("PD-000042"), "{index}");
    assert!(index.contains("120.00 USD"), "{index}");
    let text = packet::conversation(&conversation);
    assert!(text.contains("It never arrived."));
    assert!(text.contains("conversation/001-photo.jpg"));
}

#[test]
fn packet_names_are_safe() {
    assert_eq!(packet::safe_name("../../etc/passwd"), "_.._etc_passwd");
    assert_eq!(packet::safe_name(""), "file");
    assert_eq!(packet::safe_name("..."), "file");
    assert_eq!(packet::safe_name("a b.pdf"), "a_b.pdf");
}
