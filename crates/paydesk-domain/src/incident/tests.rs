use super::rules::VALUES_MAX;
use super::*;
use proptest::prelude::*;

const T0: i64 = 1_790_000_000_000;
const MIN: i64 = Timestamp::MINUTE;

fn window() -> Window {
    Window {
        start: Timestamp(T0),
        end: Timestamp(T0 + 60 * MIN),
    }
}

fn adyen_decline(at: i64) -> TransactionFacts {
    TransactionFacts {
        gateway: "adyen".into(),
        failure_code: Some("do_not_honor".into()),
        card_brand: Some("visa".into()),
        method: None,
        created_at: Timestamp(at),
    }
}

fn ticket(at: i64, transactions: Vec<TransactionFacts>) -> TicketFacts {
    TicketFacts {
        business_line: BusinessLine::Buyer,
        category: Some("payment_declined".into()),
        created_at: Timestamp(at),
        transactions,
    }
}

fn adyen_rule() -> MatchRules {
    MatchRules {
        gateways: vec!["adyen".into()],
        failure_codes: vec!["do_not_honor".into()],
        ..MatchRules::default()
    }
    .validated()
    .unwrap()
}

#[test]
fn a_ticket_with_a_matching_transaction_in_the_window_matches() {
    let t = ticket(T0 + 10 * MIN, vec![adyen_decline(T0 + 5 * MIN)]);
    assert!(adyen_rule().matches(window(), &t));
}

#[test]
fn another_gateway_code_or_time_does_not_match() {
    let rule = adyen_rule();
    let other_gateway = TransactionFacts {
        gateway: "stripe".into(),
        ..adyen_decline(T0 + 5 * MIN)
    };
    let other_code = TransactionFacts {
        failure_code: Some("insufficient_funds".into()),
        ..adyen_decline(T0 + 5 * MIN)
    };
    let before = adyen_decline(T0 - MIN);
    for t in [other_gateway, other_code, before] {
        assert!(
            !rule.matches(window(), &ticket(T0 + 10 * MIN, vec![t.clone()])),
            "{t:?}"
        );
    }
    assert!(!rule.matches(window(), &ticket(T0 + 10 * MIN, vec![])));
    let late = ticket(T0 + 61 * MIN, vec![adyen_decline(T0 + 5 * MIN)]);
    assert!(!rule.matches(window(), &late), "created after the window");
}

#[test]
fn one_transaction_must_meet_every_payment_condition() {
    // The code is on a stripe transaction, the gateway on another: no single one meets both.
    let split = vec![
        TransactionFacts {
            gateway: "stripe".into(),
            ..adyen_decline(T0 + MIN)
        },
        TransactionFacts {
            failure_code: None,
            ..adyen_decline(T0 + MIN)
        },
    ];
    assert!(!adyen_rule().matches(window(), &ticket(T0 + 2 * MIN, split)));
}

#[test]
fn ticket_conditions_alone_need_no_transaction() {
    let rule = MatchRules {
        categories: vec!["Payment_Declined".into()],
        business_lines: vec![BusinessLine::Buyer],
        ..MatchRules::default()
    }
    .validated()
    .unwrap();
    assert_eq!(rule.categories, vec!["payment_declined"]);
    assert!(rule.matches(window(), &ticket(T0, vec![])));
    let merchant = TicketFacts {
        business_line: BusinessLine::Merchant,
        ..ticket(T0, vec![])
    };
    assert!(!rule.matches(window(), &merchant));
    let uncategorised = TicketFacts {
        category: None,
        ..ticket(T0, vec![])
    };
    assert!(!rule.matches(window(), &uncategorised));
}

#[test]
fn a_card_brand_makes_a_card_payment() {
    let rule = MatchRules {
        methods: vec![PaymentMethod::Card],
        ..MatchRules::default()
    };
    assert!(rule.matches(window(), &ticket(T0, vec![adyen_decline(T0)])));
    let unknown = TransactionFacts {
        card_brand: None,
        ..adyen_decline(T0)
    };
    assert!(!rule.matches(window(), &ticket(T0, vec![unknown.clone()])));
    let wallet = TransactionFacts {
        method: Some(PaymentMethod::Wallet),
        ..unknown
    };
    let wallets = MatchRules {
        methods: vec![PaymentMethod::Wallet],
        ..MatchRules::default()
    };
    assert!(wallets.matches(window(), &ticket(T0, vec![wallet])));
}

#[test]
fn rules_need_a_condition_and_clean_values() {
    let empty = MatchRules::default().validated().unwrap_err();
    assert_eq!(empty.code(), "invalid_field");
    assert!(!MatchRules::default().matches(window(), &ticket(T0, vec![])));
    let bad = MatchRules {
        gateways: vec!["Not A Gateway!".into()],
        ..MatchRules::default()
    }
    .validated()
    .unwrap_err();
    assert!(matches!(
        bad,
        DomainError::Invalid {
            field: "rules.gateways",
            ..
        }
    ));
    let many = MatchRules {
        failure_codes: (0..=VALUES_MAX).map(|i| format!("c{i}")).collect(),
        ..MatchRules::default()
    };
    assert!(many.validated().is_err());
    let rules: Result<MatchRules, _> = serde_json::from_str(r#"{"gateway": ["adyen"]}"#);
    assert!(
        rules.is_err(),
        "an unknown condition is refused, not ignored"
    );
}

#[test]
fn scopes_check_their_labels_and_times() {
    let scope = Scope {
        gateway: Some(" Adyen ".into()),
        method: Some(PaymentMethod::Card),
        region: Some("EU".into()),
        business_line: None,
        started_at: Timestamp(T0),
        ended_at: None,
    }
    .validated()
    .unwrap();
    assert_eq!(scope.gateway.as_deref(), Some("adyen"));
    assert_eq!(scope.region.as_deref(), Some("eu"));
    assert_eq!(scope.window(Timestamp(T0 + MIN)).end, Timestamp(T0 + MIN));
    let backwards = Scope {
        ended_at: Some(Timestamp(T0 - 1)),
        ..scope.clone()
    };
    assert!(backwards.validated().is_err());
    let bad_region = Scope {
        region: Some("eu west".into()),
        ..scope
    };
    assert!(bad_region.validated().is_err());
}

#[test]
fn statuses_move_only_where_they_may() {
    use IncidentStatus as S;
    assert!(S::Investigating.check_change(S::Monitoring).is_ok());
    assert!(S::Monitoring.check_change(S::Identified).is_ok());
    for (from, to) in [
        (S::Proposed, S::Investigating),
        (S::Investigating, S::Resolved),
        (S::Resolved, S::Investigating),
        (S::Dismissed, S::Monitoring),
        (S::Investigating, S::Proposed),
    ] {
        assert!(from.check_change(to).is_err(), "{from} -> {to}");
    }
    assert!(S::Proposed.is_open() && !S::Proposed.is_active());
    assert!(!S::Resolved.is_open() && !S::Dismissed.is_open());
    assert!(Severity::ALL.iter().all(|s| !s.meaning().is_empty()));
}

#[test]
fn titles_and_texts_are_checked() {
    assert_eq!(title("  Adyen\n declines ").unwrap(), "Adyen declines");
    assert!(title(" ").is_err());
    assert!(title(&"x".repeat(TITLE_MAX + 1)).is_err());
    assert_eq!(text("body", "  ").unwrap(), None);
    assert!(text("body", "a\0b").is_err());
}

fn gateway_name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["adyen", "stripe", "checkout", "paypal", "braintree"])
        .prop_map(str::to_string)
}

fn transaction() -> impl Strategy<Value = TransactionFacts> {
    (
        gateway_name(),
        prop::option::of(prop::sample::select(vec![
            "do_not_honor",
            "card_declined",
            "05",
        ])),
        prop::option::of(prop::sample::select(vec!["visa", "mastercard"])),
        -120_i64..180,
    )
        .prop_map(|(gateway, code, brand, minute)| TransactionFacts {
            gateway,
            failure_code: code.map(str::to_string),
            card_brand: brand.map(str::to_string),
            method: None,
            created_at: Timestamp(T0 + minute * MIN),
        })
}

fn facts() -> impl Strategy<Value = TicketFacts> {
    (
        -120_i64..180,
        prop::collection::vec(transaction(), 0..6),
        prop::sample::select(BusinessLine::ALL.to_vec()),
    )
        .prop_map(|(minute, transactions, line)| TicketFacts {
            business_line: line,
            category: Some("payment_declined".into()),
            created_at: Timestamp(T0 + minute * MIN),
            transactions,
        })
}

fn rules() -> impl Strategy<Value = MatchRules> {
    (
        prop::collection::vec(gateway_name(), 1..3),
        prop::collection::vec(
            prop::sample::select(vec!["do_not_honor", "card_declined"]),
            0..2,
        ),
        prop::bool::ANY,
    )
        .prop_map(|(gateways, codes, cards)| MatchRules {
            gateways,
            failure_codes: codes.into_iter().map(str::to_string).collect(),
            methods: if cards {
                vec![PaymentMethod::Card]
            } else {
                vec![]
            },
            ..MatchRules::default()
        })
}

proptest! {
    #[test]
    fn a_ticket_outside_the_window_never_matches(rules in rules(), facts in facts()) {
        let w = window();
        if !w.contains(facts.created_at) {
            prop_assert!(!rules.matches(w, &facts));
        }
    }

    #[test]
    fn a_ticket_of_another_gateway_never_matches(rules in rules(), facts in facts()) {
        let others_only = facts.transactions.iter().all(|t| !rules.gateways.contains(&t.gateway));
        if others_only {
            prop_assert!(!rules.matches(window(), &facts));
        }
    }

    #[test]
    fn transactions_outside_the_window_never_count(rules in rules(), facts in facts()) {
        let w = window();
        let inside = TicketFacts {
            transactions: facts.transactions.iter().filter(|t| w.contains(t.created_at)).cloned().collect(),
            ..facts.clone()
        };
        prop_assert_eq!(rules.matches(w, &facts), rules.matches(w, &inside));
    }

    #[test]
    fn a_match_has_a_transaction_meeting_every_condition(rules in rules(), facts in facts()) {
        if rules.matches(window(), &facts) {
            let witness = facts.transactions.iter().find(|t| rules.matches_transaction(window(), t));
            prop_assert!(witness.is_some_and(|t| rules.gateways.contains(&t.gateway)
                && (rules.failure_codes.is_empty() || t.failure_code.as_ref().is_some_and(|c| rules.failure_codes.contains(c)))));
        }
    }
}
