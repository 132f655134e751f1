//! Conditions: a field, an operator and a value, checked at save and tested on facts.

use super::MAX_CONDITIONS;
use super::error::RuleError;
use super::facts::TicketFacts;
use super::field::{FactValue, Field, FieldKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

crate::label_enum!(
    /// How a condition compares its field with its value.
    Operator {
        Is = "is",
        IsNot = "is_not",
        In = "in",
        NotIn = "not_in",
        Contains = "contains",
        NotContains = "not_contains",
        GreaterThan = "greater_than",
        LessThan = "less_than",
        Present = "present",
        Absent = "absent",
    }
);

/// One test over the facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: Field,
    pub op: Operator,
    /// A string, number, boolean or list of strings as the field and operator need;
    /// omitted for `present` / `absent`.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub value: Value,
}

/// All of `all` must hold, and at least one of `any` when `any` is not empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    #[serde(default)]
    pub all: Vec<Condition>,
    #[serde(default)]
    pub any: Vec<Condition>,
}

impl Conditions {
    /// Checks every condition, naming the first bad one.
    ///
    /// # Errors
    ///
    /// `too_many_conditions`, `operator_not_allowed`, `invalid_value`.
    pub fn validate(&self) -> Result<(), RuleError> {
        for (group, list) in [("all", &self.all), ("any", &self.any)] {
            if list.len() > MAX_CONDITIONS {
                return Err(RuleError::new(
                    "too_many_conditions",
                    format!("conditions.{group}"),
                    format!("at most {MAX_CONDITIONS} conditions per group"),
                ));
            }
            for (i, c) in list.iter().enumerate() {
                c.validate(&format!("conditions.{group}[{i}]"))?;
            }
        }
        Ok(())
    }

    /// Whether the conditions hold on `facts` at `now_millis`.
    #[must_use]
    pub fn hold(&self, facts: &TicketFacts, now_millis: i64) -> bool {
        self.all.iter().all(|c| c.holds(facts, now_millis))
            && (self.any.is_empty() || self.any.iter().any(|c| c.holds(facts, now_millis)))
    }
}

fn operators(kind: FieldKind) -> &'static [Operator] {
    use Operator as O;
    match kind {
        FieldKind::Label(_) => &[O::Is, O::IsNot, O::In, O::NotIn, O::Present, O::Absent],
        FieldKind::Text => &[
            O::Is,
            O::IsNot,
            O::In,
            O::NotIn,
            O::Contains,
            O::NotContains,
            O::Present,
            O::Absent,
        ],
        FieldKind::List => &[O::Contains, O::NotContains, O::Present, O::Absent],
        FieldKind::Number => &[
            O::Is,
            O::IsNot,
            O::In,
            O::NotIn,
            O::GreaterThan,
            O::LessThan,
            O::Present,
            O::Absent,
        ],
        FieldKind::Flag => &[O::Is, O::IsNot],
    }
}

impl Condition {
    /// Checks that the operator fits the field and the value fits both.
    ///
    /// # Errors
    ///
    /// `operator_not_allowed` (with the operators the field takes) or `invalid_value`.
    pub fn validate(&self, path: &str) -> Result<(), RuleError> {
        let kind = self.field.kind();
        let allowed = operators(kind);
        if !allowed.contains(&self.op) {
            let names: Vec<&str> = allowed.iter().map(|o| o.as_str()).collect();
            return Err(RuleError::new(
                "operator_not_allowed",
                format!("{path}.op"),
                format!(
                    "{} does not take '{}'; use one of: {}",
                    self.field,
                    self.op,
                    names.join(", ")
                ),
            ));
        }
        let bad = |what: String| {
            Err(RuleError::new(
                "invalid_value",
                format!("{path}.value"),
                what,
            ))
        };
        match self.op {
            Operator::Present | Operator::Absent => {
                if !self.value.is_null() {
                    return bad(format!("'{}' takes no value; leave it out", self.op));
                }
                Ok(())
            }
            Operator::In | Operator::NotIn => {
                let Some(items) = self.value.as_array().filter(|a| !a.is_empty()) else {
                    return bad(format!("'{}' needs a non-empty list", self.op));
                };
                for item in items {
                    if let Err(e) = scalar_fits(kind, item) {
                        return bad(e);
                    }
                }
                Ok(())
            }
            Operator::GreaterThan | Operator::LessThan => match self.value.as_i64() {
                Some(_) => Ok(()),
                None => bad(format!("{} needs a whole number", self.field)),
            },
            Operator::Contains | Operator::NotContains => match self.value.as_str() {
                Some(s) if !s.trim().is_empty() && s.chars().count() <= 200 => Ok(()),
                _ => bad("needs a text of 1 to 200 characters".to_owned()),
            },
            Operator::Is | Operator::IsNot => scalar_fits(kind, &self.value).or_else(bad),
        }
    }

    /// Whether this condition holds on `facts`. A missing value never `is` anything, and
    /// always `is_not` / `not_in` / `not_contains`.
    #[must_use]
    pub fn holds(&self, facts: &TicketFacts, now_millis: i64) -> bool {
        let fact = self.field.read(facts, now_millis);
        match self.op {
            Operator::Present => is_present(&fact),
            Operator::Absent => !is_present(&fact),
            Operator::Is => equals(&fact, &self.value),
            Operator::IsNot => !equals(&fact, &self.value),
            Operator::In => self.list().iter().any(|v| equals(&fact, v)),
            Operator::NotIn => !self.list().iter().any(|v| equals(&fact, v)),
            Operator::Contains => contains(&fact, &self.value),
            Operator::NotContains => !contains(&fact, &self.value),
            Operator::GreaterThan => compare(&fact, &self.value, |a, b| a > b),
            Operator::LessThan => compare(&fact, &self.value, |a, b| a < b),
        }
    }

    fn list(&self) -> &[Value] {
        self.value.as_array().map_or(&[], Vec::as_slice)
    }
}

fn scalar_fits(kind: FieldKind, value: &Value) -> Result<(), String> {
    match kind {
        FieldKind::Label(labels) => match value.as_str() {
            Some(s) if labels.contains(&s) => Ok(()),
            _ => Err(format!("expected one of: {}", labels.join(", "))),
        },
        FieldKind::Text | FieldKind::List => match value.as_str() {
            Some(s) if s.chars().count() <= 200 => Ok(()),
            _ => Err("expected a text of at most 200 characters".to_owned()),
        },
        FieldKind::Number => value
            .as_i64()
            .map(|_| ())
            .ok_or_else(|| "expected a whole number".to_owned()),
        FieldKind::Flag => value
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| "expected true or false".to_owned()),
    }
}

fn is_present(fact: &FactValue) -> bool {
    match fact {
        FactValue::Text(t) => t.as_deref().is_some_and(|s| !s.is_empty()),
        FactValue::List(l) => !l.is_empty(),
        FactValue::Number(n) => n.is_some(),
        FactValue::Flag(_) => true,
    }
}

fn equals(fact: &FactValue, value: &Value) -> bool {
    match fact {
        FactValue::Text(t) => match (t, value.as_str()) {
            (Some(t), Some(v)) => t.eq_ignore_ascii_case(v),
            _ => false,
        },
        FactValue::List(_) => false,
        FactValue::Number(n) => n.is_some() && *n == value.as_i64(),
        FactValue::Flag(b) => value.as_bool() == Some(*b),
    }
}

fn contains(fact: &FactValue, value: &Value) -> bool {
    let Some(needle) = value.as_str() else {
        return false;
    };
    match fact {
        FactValue::Text(Some(t)) => t.to_lowercase().contains(&needle.to_lowercase()),
        FactValue::List(items) => items.iter().any(|i| i.eq_ignore_ascii_case(needle)),
        _ => false,
    }
}

fn compare(fact: &FactValue, value: &Value, op: fn(i64, i64) -> bool) -> bool {
    match (fact, value.as_i64()) {
        (FactValue::Number(Some(n)), Some(v)) => op(*n, v),
        _ => false,
    }
}
