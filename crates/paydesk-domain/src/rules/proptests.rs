//! Properties of rule evaluation: order, all/any against a reference model, loop
//! protection, and idempotence of time rules.

use super::tests::facts;
use super::*;
use crate::id::RuleId;
use crate::ticket::Priority;
use proptest::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

const TAGS: &[&str] = &["a", "b", "c", "d"];
const PRIORITIES: &[Priority] = &[
    Priority::Low,
    Priority::Normal,
    Priority::High,
    Priority::Urgent,
];

/// A condition the reference model below understands.
#[derive(Debug, Clone)]
enum Test {
    HasTag(usize, bool),
    PriorityIs(usize, bool),
    AmountAbove(i64),
}

impl Test {
    fn condition(&self) -> Condition {
        let (field, op, value) = match self {
            Test::HasTag(t, yes) => (
                "ticket.tags",
                if *yes { "contains" } else { "not_contains" },
                json!(TAGS[*t]),
            ),
            Test::PriorityIs(p, yes) => (
                "ticket.priority",
                if *yes { "is" } else { "is_not" },
                json!(PRIORITIES[*p].as_str()),
            ),
            Test::AmountAbove(n) => ("payment.largest_amount", "greater_than", json!(n)),
        };
        serde_json::from_value(json!({"field": field, "op": op, "value": value}))
            .unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn reference(&self, tags: &BTreeSet<&str>, priority: usize, amount: i64) -> bool {
        match self {
            Test::HasTag(t, yes) => tags.contains(TAGS[*t]) == *yes,
            Test::PriorityIs(p, yes) => (*p == priority) == *yes,
            Test::AmountAbove(n) => amount > *n,
        }
    }
}

fn test_strategy() -> impl Strategy<Value = Test> {
    prop_oneof![
        (0..TAGS.len(), any::<bool>()).prop_map(|(t, y)| Test::HasTag(t, y)),
        (0..PRIORITIES.len(), any::<bool>()).prop_map(|(p, y)| Test::PriorityIs(p, y)),
        (0i64..20_000).prop_map(Test::AmountAbove),
    ]
}

fn tag_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0..TAGS.len()).prop_map(|t| Action::AddTags {
            tags: vec![TAGS[t].into()]
        }),
        (0..TAGS.len()).prop_map(|t| Action::RemoveTags {
            tags: vec![TAGS[t].into()]
        }),
        (0..PRIORITIES.len()).prop_map(|p| Action::SetPriority {
            priority: PRIORITIES[p]
        }),
        Just(Action::AddNote {
            text: "noted".into()
        }),
    ]
}

/// A generated rule: position, `all` tests, `any` tests, actions.
type RawRule = (i64, Vec<Test>, Vec<Test>, Vec<Action>);

fn rule_strategy() -> impl Strategy<Value = RawRule> {
    (
        -3i64..3,
        prop::collection::vec(test_strategy(), 0..3),
        prop::collection::vec(test_strategy(), 0..3),
        prop::collection::vec(tag_action(), 1..4),
    )
}

fn build(raw: Vec<RawRule>, kind: &RuleKind) -> Vec<Rule> {
    raw.into_iter()
        .enumerate()
        .map(|(i, (position, all, any, actions))| Rule {
            id: RuleId(i64::try_from(i).unwrap_or(0) + 1),
            name: format!("rule {i}"),
            position,
            is_active: true,
            spec: RuleSpec {
                kind: kind.clone(),
                conditions: Conditions {
                    all: all.iter().map(Test::condition).collect(),
                    any: any.iter().map(Test::condition).collect(),
                },
                actions,
            },
        })
        .collect()
}

fn trigger() -> RuleKind {
    RuleKind::Trigger {
        on: BTreeSet::from([TriggerEvent::TicketUpdated]),
    }
}

fn ticket(tags: &BTreeSet<usize>, priority: usize, amount: i64) -> TicketFacts {
    let mut f = facts();
    f.ticket.tags = tags.iter().map(|t| TAGS[*t].to_owned()).collect();
    f.ticket.priority = PRIORITIES[priority];
    f.payment.largest_amount = Some(amount);
    f
}

proptest! {
    #[test]
    fn all_and_any_match_the_reference_model(
        all in prop::collection::vec(test_strategy(), 0..4),
        any in prop::collection::vec(test_strategy(), 0..4),
        tags in prop::collection::btree_set(0..TAGS.len(), 0..4),
        priority in 0..PRIORITIES.len(),
        amount in 0i64..20_000,
    ) {
        let conditions = Conditions {
            all: all.iter().map(Test::condition).collect(),
            any: any.iter().map(Test::condition).collect(),
        };
        prop_assert!(conditions.validate().is_ok());
        let names: BTreeSet<&str> = tags.iter().map(|t| TAGS[*t]).collect();
        let expected = all.iter().all(|t| t.reference(&names, priority, amount))
            && (any.is_empty() || any.iter().any(|t| t.reference(&names, priority, amount)));
        prop_assert_eq!(conditions.hold(&ticket(&tags, priority, amount), 0), expected);
    }

    #[test]
    fn rules_without_conditions_fire_in_position_then_id_order(
        positions in prop::collection::vec(-5i64..5, 1..12),
    ) {
        let rules: Vec<Rule> = build(
            positions.iter().map(|p| (*p, vec![], vec![], vec![Action::AddNote { text: "n".into() }])).collect(),
            &trigger(),
        );
        let out = evaluate_triggers(&rules, TriggerEvent::TicketUpdated, &facts(), 0);
        let got: Vec<(i64, RuleId)> = out.firings.iter()
            .map(|f| (rules[usize::try_from(f.rule_id.0 - 1).unwrap_or(0)].position, f.rule_id))
            .collect();
        let mut want = got.clone();
        want.sort();
        prop_assert_eq!(got.len(), rules.len());
        prop_assert_eq!(got, want);
    }

    #[test]
    fn evaluation_ends_and_fires_each_rule_at_most_once(
        raw in prop::collection::vec(rule_strategy(), 0..15),
        tags in prop::collection::btree_set(0..TAGS.len(), 0..4),
        priority in 0..PRIORITIES.len(),
    ) {
        let rules = build(raw, &trigger());
        let out = evaluate_triggers(&rules, TriggerEvent::TicketUpdated, &ticket(&tags, priority, 100), 0);
        let ids: BTreeSet<RuleId> = out.firings.iter().map(|f| f.rule_id).collect();
        prop_assert_eq!(ids.len(), out.firings.len());
        prop_assert!(out.firings.len() <= rules.len());
        prop_assert!(out.passes <= MAX_PASSES);
        // Every firing's rule held on the facts it saw: replaying the firings in order
        // from the start reproduces the final facts.
        let mut replay = ticket(&tags, priority, 100);
        for f in &out.firings {
            let changed = f.actions.iter().fold(false, |c, a| a.apply(&mut replay) | c);
            if changed { replay.ticket.version += 1; }
        }
        prop_assert_eq!(replay, out.facts);
    }

    #[test]
    fn a_second_time_sweep_in_a_row_fires_nothing(
        raw in prop::collection::vec(rule_strategy(), 0..12),
        tags in prop::collection::btree_set(0..TAGS.len(), 0..4),
        priority in 0..PRIORITIES.len(),
        earlier in prop::collection::btree_map(1i64..12, 0i64..4, 0..6),
    ) {
        let rules = build(raw, &RuleKind::Time);
        let mut ledger: BTreeMap<RuleId, i64> = earlier.into_iter().map(|(k, v)| (RuleId(k), v)).collect();
        let first = sweep_time_rules(&rules, &ticket(&tags, priority, 100), &ledger, 0);
        for f in &first.firings {
            ledger.insert(f.rule_id, first.facts.ticket.version);
        }
        let second = sweep_time_rules(&rules, &first.facts, &ledger, 0);
        prop_assert!(second.firings.is_empty(), "second sweep fired {:?}", second.firings);
        prop_assert_eq!(second.facts, first.facts);
    }
}
