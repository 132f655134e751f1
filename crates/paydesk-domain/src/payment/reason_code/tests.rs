#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails by panicking"
)]

use super::*;

#[test]
fn the_shipped_catalogue_reads_whole() {
    let codes = parse(CATALOGUE).unwrap();
    let lines = CATALOGUE.lines().filter(|l| !l.trim().is_empty()).count() - 1;
    assert_eq!(codes.len(), lines, "every row of the CSV is a code");
    assert_eq!(catalogue().len(), codes.len());
    for network in ["visa", "mastercard", "amex", "discover"] {
        assert!(codes.iter().any(|c| c.network == network), "{network}");
    }
}

#[test]
fn visa_groups_map_to_the_four_categories() {
    let expect = [
        ("10.4", DisputeCategory::Fraud),
        ("11.3", DisputeCategory::Authorisation),
        ("12.6.1", DisputeCategory::ProcessingError),
        ("13.1", DisputeCategory::ConsumerDispute),
    ];
    for (code, category) in expect {
        let found = lookup("Visa", code).unwrap();
        assert_eq!(found.category, category, "{code}");
        assert!(!found.is_legacy);
    }
    assert_eq!(lookup("visa", "13.1").unwrap().response_days(), 30);
}

#[test]
fn mastercard_codes_old_and_new_are_known() {
    let cardholder = lookup("MasterCard", "4853").unwrap();
    assert_eq!(cardholder.category, DisputeCategory::ConsumerDispute);
    assert_eq!(cardholder.response_days(), 45);
    let legacy = lookup("mastercard", "4855").unwrap();
    assert!(legacy.is_legacy);
    assert_eq!(legacy.category, DisputeCategory::ConsumerDispute);
    assert_eq!(
        lookup("mastercard", "4834").unwrap().category,
        DisputeCategory::ProcessingError
    );
    assert!(lookup("mastercard", "9999").is_none());
    assert!(lookup("diners", "4853").is_none());
}

#[test]
fn checklists_follow_the_category_and_the_code() {
    let not_received = lookup("visa", "13.1").unwrap().checklist();
    assert_eq!(
        not_received,
        [
            Evidence::DeliveryProof,
            Evidence::CustomerCommunication,
            Evidence::RefundPolicy
        ]
    );
    for (code, extra) in [
        ("13.6", Evidence::RefundIssued),
        ("12.6.1", Evidence::DuplicateExplanation),
        ("13.2", Evidence::CancellationRecord),
        ("10.4", Evidence::AuthenticationRecord),
    ] {
        let list = lookup("visa", code).unwrap().checklist();
        assert!(list.contains(&extra), "{code}: {list:?}");
    }
    for code in catalogue() {
        let list = code.checklist();
        assert!(!list.is_empty(), "{} {}", code.network, code.code);
        let unique: std::collections::HashSet<_> = list.iter().collect();
        assert_eq!(unique.len(), list.len(), "no item twice");
    }
}

#[test]
fn stripe_reasons_map_to_categories() {
    assert_eq!(stripe_category("fraudulent"), Some(DisputeCategory::Fraud));
    assert_eq!(
        stripe_category("product_not_received"),
        Some(DisputeCategory::ConsumerDispute)
    );
    assert_eq!(
        stripe_category("duplicate"),
        Some(DisputeCategory::ProcessingError)
    );
    assert_eq!(stripe_category("something_new"), None);
}

#[test]
fn a_broken_row_names_its_line() {
    let text = "network,code,name,category,notes\nvisa,10.4,Other Fraud,Fraud,x\nvisa,99.9,Odd,Mystery,y\n";
    let err = parse(text).unwrap_err();
    assert_eq!(err.line, 3);
    assert!(err.reason.contains("Mystery"));
}

#[test]
fn american_express_and_discover_are_covered() {
    let f29 = lookup("american_express", "F29").unwrap();
    assert_eq!(f29.category, DisputeCategory::Fraud);
    assert_eq!(f29.response_days(), 20);
    assert_eq!(
        lookup("amex", "C08").unwrap().category,
        DisputeCategory::ConsumerDispute
    );
    assert_eq!(
        lookup("amex", "R13").unwrap().category,
        DisputeCategory::ProcessingError
    );
    assert_eq!(
        lookup("Discover", "RG").unwrap().category,
        DisputeCategory::ConsumerDispute
    );
    assert_eq!(
        lookup("discover", "UA02").unwrap().category,
        DisputeCategory::Fraud
    );
    assert!(
        lookup("discover", "AP")
            .unwrap()
            .checklist()
            .contains(&Evidence::CancellationRecord)
    );
}
