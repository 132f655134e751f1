//! The evaluator: which rules fire, in which order, with which actions.

use super::facts::TicketFacts;
use super::{Action, Rule, TriggerEvent};
use crate::id::RuleId;
use std::collections::{BTreeMap, BTreeSet};

/// Most passes over the triggers for one change. Each rule fires at most once per change
/// anyway, so this only bounds the work of rules that never fire.
pub const MAX_PASSES: u32 = 10;

/// One rule firing: the rule and the actions it takes, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    pub rule_id: RuleId,
    pub rule_name: String,
    pub actions: Vec<Action>,
    /// Whether the actions changed a ticket field (so the ticket gets a new version).
    pub changed_ticket: bool,
}

/// The outcome of evaluating the triggers for one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The firings in the order they happened.
    pub firings: Vec<Firing>,
    /// The facts after every firing's actions.
    pub facts: TicketFacts,
    /// How many passes ran (at least 1 when a rule listens).
    pub passes: u32,
}

fn ordered<'r>(rules: impl Iterator<Item = &'r Rule>) -> Vec<&'r Rule> {
    let mut list: Vec<&Rule> = rules.collect();
    list.sort_by_key(|r| (r.position, r.id));
    list
}

fn fire(rule: &Rule, facts: &mut TicketFacts) -> Firing {
    let mut changed = false;
    for action in &rule.spec.actions {
        changed |= action.apply(facts);
    }
    if changed {
        facts.ticket.version += 1;
    }
    Firing {
        rule_id: rule.id,
        rule_name: rule.name.clone(),
        actions: rule.spec.actions.clone(),
        changed_ticket: changed,
    }
}

/// Runs passes over `rules` (already in order) until a pass changes nothing or
/// `max_passes` ran. A rule fires at most once; `is_skipped` can hold a rule back for the
/// facts as they stand. Returns the firings and the number of passes.
fn run_passes(
    rules: &[&Rule],
    facts: &mut TicketFacts,
    now_millis: i64,
    max_passes: usize,
    is_skipped: impl Fn(&Rule, &TicketFacts) -> bool,
) -> (Vec<Firing>, u32) {
    let mut fired: BTreeSet<RuleId> = BTreeSet::new();
    let mut firings = Vec::new();
    let mut passes = 0u32;
    for _ in 0..max_passes {
        if rules.is_empty() {
            break;
        }
        passes += 1;
        let mut changed = false;
        for rule in rules {
            if fired.contains(&rule.id)
                || is_skipped(rule, facts)
                || !rule.spec.conditions.hold(facts, now_millis)
            {
                continue;
            }
            fired.insert(rule.id);
            let firing = fire(rule, facts);
            changed |= firing.changed_ticket;
            firings.push(firing);
        }
        if !changed {
            break;
        }
    }
    (firings, passes)
}

/// Evaluates the active triggers listening to `event` on `facts` at `now_millis`.
///
/// Rules run by position, then id. A rule whose conditions hold fires and its actions
/// change the facts the next rules see. While a pass fired a rule that changed the ticket,
/// another pass runs over the rules that have not fired yet (a change made by a later rule
/// can make an earlier one's conditions hold), up to [`MAX_PASSES`]. No rule fires twice
/// for one change: that is the loop protection, and it makes evaluation end after at most
/// one firing per rule.
#[must_use]
pub fn evaluate_triggers(
    rules: &[Rule],
    event: TriggerEvent,
    facts: &TicketFacts,
    now_millis: i64,
) -> Evaluation {
    let listening = ordered(rules.iter().filter(|r| r.listens_to(event)));
    let mut facts = facts.clone();
    let max = usize::try_from(MAX_PASSES).unwrap_or(usize::MAX);
    let (firings, passes) = run_passes(&listening, &mut facts, now_millis, max, |_, _| false);
    Evaluation {
        firings,
        facts,
        passes,
    }
}

/// Which time rules fire on one ticket in one sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeSweep {
    pub firings: Vec<Firing>,
    pub facts: TicketFacts,
}

/// Decides the time rules due on one ticket and what they do, in order.
///
/// `last_fired` maps each rule to the ticket version recorded after its last firing on
/// this ticket. A rule is due when its conditions hold and it has not fired on the ticket
/// at the ticket's current version. Passes repeat until one changes nothing (at most one
/// more than the number of rules, since each rule fires at most once per sweep), so after a
/// sweep every rule that did not fire fails its conditions on the final facts. The caller
/// records, for every firing, the ticket's version after the sweep: a second sweep in a
/// row then fires nothing.
#[must_use]
pub fn sweep_time_rules(
    rules: &[Rule],
    facts: &TicketFacts,
    last_fired: &BTreeMap<RuleId, i64>,
    now_millis: i64,
) -> TimeSweep {
    let time_rules = ordered(rules.iter().filter(|r| r.is_active_time_rule()));
    let mut facts = facts.clone();
    let (firings, _) = run_passes(
        &time_rules,
        &mut facts,
        now_millis,
        time_rules.len() + 1,
        |rule, facts| last_fired.get(&rule.id) == Some(&facts.ticket.version),
    );
    TimeSweep { firings, facts }
}

/// For a dry run: whether `rule`'s conditions hold on `facts`, and which conditions held
/// (as `field op` texts), so a lead sees why a ticket would be touched.
#[must_use]
pub fn explain(rule: &Rule, facts: &TicketFacts, now_millis: i64) -> Option<Vec<String>> {
    let conditions = &rule.spec.conditions;
    if !conditions.hold(facts, now_millis) {
        return None;
    }
    let describe = |c: &super::Condition| {
        if c.value.is_null() {
            format!("{} {}", c.field, c.op)
        } else {
            format!("{} {} {}", c.field, c.op, c.value)
        }
    };
    let mut why: Vec<String> = conditions.all.iter().map(describe).collect();
    why.extend(
        conditions
            .any
            .iter()
            .filter(|c| c.holds(facts, now_millis))
            .map(describe),
    );
    if why.is_empty() {
        why.push("no conditions: applies to every ticket".to_owned());
    }
    Some(why)
}
