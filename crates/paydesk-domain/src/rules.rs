//! Trigger and time rules: conditions over a ticket, ordered actions, loop protection.
//!
//! A rule is data (a [`RuleSpec`] saved as JSON) plus its place in the desk's order. The
//! domain decides everything about it without I/O:
//!
//! - [`RuleSpec::validate`] checks a rule at save: every condition's operator fits its
//!   field and its value has the field's type; every action is complete.
//! - [`evaluate_triggers`] runs the active triggers listening to one ticket event over a
//!   [`TicketFacts`] snapshot, in order (position, then id). Each rule sees the facts as
//!   changed by the rules before it; passes repeat while something changed, up to
//!   [`MAX_PASSES`]; a rule fires at most once per originating change, so two rules that
//!   undo each other stop after one firing each.
//! - [`sweep_time_rules`] decides which time rules are due on a ticket given their last
//!   firing there: a rule fires once per ticket version, so a second sweep in a row fires
//!   nothing.

mod action;
mod condition;
mod error;
mod evaluate;
mod facts;
mod field;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use action::{Action, NotifyTarget};
pub use condition::{Condition, Conditions, Operator};
pub use error::RuleError;
pub use evaluate::{
    Evaluation, Firing, MAX_PASSES, TimeSweep, evaluate_triggers, explain, sweep_time_rules,
};
pub use facts::{
    CustomerFacts, EscalationFacts, PaymentFacts, SlaFacts, TicketFacts, TicketSnapshot, TimeFacts,
};
pub use field::{Field, FieldKind};

use crate::id::RuleId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

crate::label_enum!(
    /// A ticket event a trigger can listen to.
    TriggerEvent {
        TicketCreated = "ticket_created",
        TicketUpdated = "ticket_updated",
        CustomerReplied = "customer_replied",
        SlaAtRisk = "sla_at_risk",
        SlaBreached = "sla_breached",
        EscalationAnswered = "escalation_answered",
    }
);

/// When a rule runs: on ticket events, or on a sweep over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RuleKind {
    /// Runs when one of these events happens to a ticket.
    Trigger { on: BTreeSet<TriggerEvent> },
    /// Runs on the periodic sweep over open tickets.
    Time,
}

impl RuleKind {
    /// `trigger` or `time`.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Trigger { .. } => "trigger",
            Self::Time => "time",
        }
    }
}

/// What a lead writes: when the rule runs, what must hold, and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub kind: RuleKind,
    #[serde(default)]
    pub conditions: Conditions,
    pub actions: Vec<Action>,
}

/// Most actions one rule may take, so a rule stays readable and a firing bounded.
pub const MAX_ACTIONS: usize = 20;
/// Most conditions in each of `all` and `any`.
pub const MAX_CONDITIONS: usize = 50;

impl RuleSpec {
    /// Checks the whole rule, naming the first problem's place (`conditions.all[2].value`).
    ///
    /// # Errors
    ///
    /// [`RuleError`] with a stable code and the path of the offending part.
    pub fn validate(&self) -> Result<(), RuleError> {
        if let RuleKind::Trigger { on } = &self.kind
            && on.is_empty()
        {
            return Err(RuleError::new(
                "no_trigger_events",
                "kind.on",
                "name at least one ticket event the trigger runs on",
            ));
        }
        self.conditions.validate()?;
        if self.actions.is_empty() {
            return Err(RuleError::new(
                "no_actions",
                "actions",
                "a rule needs at least one action",
            ));
        }
        if self.actions.len() > MAX_ACTIONS {
            return Err(RuleError::new(
                "too_many_actions",
                "actions",
                format!("at most {MAX_ACTIONS} actions per rule"),
            ));
        }
        for (i, action) in self.actions.iter().enumerate() {
            action.validate(&format!("actions[{i}]"))?;
        }
        Ok(())
    }
}

/// A saved rule, as the evaluator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: RuleId,
    pub name: String,
    /// Place in the desk's order: lower runs first; ties run by id.
    pub position: i64,
    pub is_active: bool,
    pub spec: RuleSpec,
}

impl Rule {
    /// Whether this is an active trigger listening to `event`.
    #[must_use]
    pub fn listens_to(&self, event: TriggerEvent) -> bool {
        self.is_active && matches!(&self.spec.kind, RuleKind::Trigger { on } if on.contains(&event))
    }

    /// Whether this is an active time rule.
    #[must_use]
    pub fn is_active_time_rule(&self) -> bool {
        self.is_active && self.spec.kind == RuleKind::Time
    }
}

/// Checks a rule's name: trimmed, 1 to 120 characters.
///
/// # Errors
///
/// `invalid_name` when empty or too long.
pub fn validate_name(name: &str) -> Result<String, RuleError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(RuleError::new(
            "invalid_name",
            "name",
            "give the rule a name of 1 to 120 characters",
        ));
    }
    Ok(name.to_owned())
}
