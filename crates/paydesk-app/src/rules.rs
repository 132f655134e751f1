//! Trigger and time rules: leads manage them (`rule_manage`, each change audited as
//! `config_changed` in its transaction), try them with a dry run, and paydesk runs them.
//!
//! - Triggers run from the event log (see `trigger`): every ticket event that can start
//!   one is evaluated once, past a stored cursor, so a crash between a write and its rules
//!   loses nothing (ADR 0013).
//! - Time rules run on a sweep over unresolved tickets (see `sweep`), once per ticket
//!   version, so running the sweep twice in a row does nothing the second time.
//! - A firing's actions go through the normal use cases as the rule (`Actor::Rule`), and
//!   each firing appends a `rule_fired` event naming the rule.

mod action;
mod facts;
mod sweep;
mod trigger;

pub use action::{RULE_NOTIFY_JOB, RULE_WEBHOOK_JOB, WEBHOOK_SIGNATURE_HEADER, webhook_signature};
pub use sweep::{DryRunHit, DryRunPage, SweepReport};
pub use trigger::TriggerReport;

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::id::RuleId;
use paydesk_domain::policy::Action;
use paydesk_domain::redaction::redact;
use paydesk_domain::rules::{RuleSpec, validate_name};
use paydesk_store::{FiringRecord, RuleWrite, StoredRule};
use serde_json::{Value, json};

/// A rule as a lead sends it: `spec` is the JSON of [`RuleSpec`], checked here.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInput {
    pub name: String,
    pub spec: Value,
    pub is_active: bool,
}

/// What a webhook secret reads as outside; sent back unchanged, it keeps the secret.
pub const SECRET_MASK: &str = "********";

/// Replaces every webhook action's secret in `actions` (or a whole spec) with the mask.
pub fn mask_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(secret) = map.get_mut("secret")
                && secret.is_string()
            {
                *secret = Value::String(SECRET_MASK.to_owned());
            }
            map.values_mut().for_each(mask_secrets);
        }
        Value::Array(items) => items.iter_mut().for_each(mask_secrets),
        _ => {}
    }
}

/// A spec as answered outside: webhook secrets masked.
#[must_use]
pub fn masked_spec(spec: &RuleSpec) -> Value {
    let mut value = serde_json::to_value(spec).unwrap_or(Value::Null);
    mask_secrets(&mut value);
    value
}

/// Puts back the stored secret of each webhook action whose secret came back masked
/// (the same URL in the stored rule); a masked secret with no stored one is dropped.
fn keep_secrets(spec: &mut RuleSpec, stored: &RuleSpec) {
    for action in &mut spec.actions {
        if let paydesk_domain::rules::Action::CallWebhook { url, secret } = action
            && secret.as_deref() == Some(SECRET_MASK)
        {
            *secret = stored.actions.iter().find_map(|a| match a {
                paydesk_domain::rules::Action::CallWebhook {
                    url: old,
                    secret: Some(s),
                } if old == url => Some(s.clone()),
                _ => None,
            });
        }
    }
}

/// Every string a rule holds passes the card-number redactor before it is stored.
fn redact_strings(value: &mut Value) {
    match value {
        Value::String(s) => {
            let r = redact(s);
            if r.count() > 0 {
                *s = r.text;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_strings),
        Value::Object(map) => map.values_mut().for_each(redact_strings),
        _ => {}
    }
}

/// Reads and checks a rule: unknown fields, wrong operators and bad values are refused
/// naming their place (`spec.conditions.all[0].op`).
pub(crate) fn checked(input: &RuleInput) -> Result<RuleWrite, AppError> {
    let name = validate_name(&redact(&input.name).text).map_err(AppError::Rule)?;
    let mut raw = input.spec.clone();
    redact_strings(&mut raw);
    let spec: RuleSpec = serde_path_to_error::deserialize(raw).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "spec".to_owned()
        } else {
            format!("spec.{path}")
        };
        AppError::invalid(field, e.into_inner().to_string())
    })?;
    spec.validate().map_err(|mut e| {
        e.path = format!("spec.{}", e.path);
        AppError::Rule(e)
    })?;
    Ok(RuleWrite {
        name,
        spec,
        is_active: input.is_active,
    })
}

impl App {
    /// Every rule in the order they run, with when each last fired and how often.
    /// Errors: [`AppError::Forbidden`] without `rule_manage`.
    pub async fn rules(&self, caller: &Caller) -> Result<Vec<StoredRule>, AppError> {
        caller.require(Action::RuleManage)?;
        Ok(self.store.rules().await?)
    }

    /// One rule. Errors: `Forbidden`, `NotFound`.
    pub async fn rule(&self, caller: &Caller, id: RuleId) -> Result<StoredRule, AppError> {
        caller.require(Action::RuleManage)?;
        Ok(self.store.rule(id).await?)
    }

    /// Saves a new rule at the end of the order. Errors: `Forbidden`; `invalid_field` or a
    /// rule code (`operator_not_allowed`, `invalid_value`, ...) naming the bad part.
    pub async fn create_rule(
        &self,
        caller: &Caller,
        input: &RuleInput,
    ) -> Result<StoredRule, AppError> {
        caller.require(Action::RuleManage)?;
        let write = checked(input)?;
        let created_by = match &caller.principal {
            paydesk_domain::policy::Principal::User { id, .. } => Some(*id),
            _ => None,
        };
        let name = write.name.clone();
        let stored = self
            .store
            .insert_rule(&write, created_by, self.clock.now(), |id| {
                self.config_event(
                    caller,
                    json!({"setting": "rule", "rule_id": id, "name": name, "change": "created"}),
                )
            })
            .await?;
        Ok(stored)
    }

    /// Replaces a rule; with `expected_version`, refuses one changed meanwhile.
    pub async fn update_rule(
        &self,
        caller: &Caller,
        id: RuleId,
        input: &RuleInput,
        expected_version: Option<i64>,
    ) -> Result<StoredRule, AppError> {
        caller.require(Action::RuleManage)?;
        let mut write = checked(input)?;
        keep_secrets(&mut write.spec, &self.store.rule(id).await?.rule.spec);
        let event = self.config_event(
            caller,
            json!({"setting": "rule", "rule_id": id, "name": write.name, "change": "updated"}),
        );
        match self
            .store
            .update_rule(id, &write, expected_version, self.clock.now(), &event)
            .await
        {
            Err(paydesk_store::StoreError::VersionConflict { expected, .. }) => {
                let now = self.store.rule(id).await?;
                Err(AppError::VersionConflict {
                    entity: "rule",
                    sent: expected,
                    current: now.version,
                })
            }
            other => Ok(other?),
        }
    }

    /// Turns a rule on or off.
    pub async fn set_rule_active(
        &self,
        caller: &Caller,
        id: RuleId,
        is_active: bool,
    ) -> Result<StoredRule, AppError> {
        caller.require(Action::RuleManage)?;
        let change = if is_active {
            "activated"
        } else {
            "deactivated"
        };
        let event = self.config_event(
            caller,
            json!({"setting": "rule", "rule_id": id, "change": change}),
        );
        Ok(self
            .store
            .set_rule_active(id, is_active, self.clock.now(), &event)
            .await?)
    }

    /// Deletes a rule (its past firings stay on the tickets' timelines as events).
    pub async fn delete_rule(&self, caller: &Caller, id: RuleId) -> Result<(), AppError> {
        caller.require(Action::RuleManage)?;
        let event = self.config_event(
            caller,
            json!({"setting": "rule", "rule_id": id, "change": "deleted"}),
        );
        Ok(self.store.delete_rule(id, &event).await?)
    }

    /// Puts the rules in the order of `ids`, which must name every rule once.
    pub async fn reorder_rules(&self, caller: &Caller, ids: &[RuleId]) -> Result<(), AppError> {
        caller.require(Action::RuleManage)?;
        let event = self.config_event(caller, json!({"setting": "rule_order", "order": ids}));
        if self
            .store
            .reorder_rules(ids, self.clock.now(), &event)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::invalid(
                "order",
                "list every rule's id exactly once, in the order they should run",
            ))
        }
    }

    /// Moves a rule one place up (`-1`) or down (`1`) in the order.
    pub async fn move_rule(&self, caller: &Caller, id: RuleId, by: i64) -> Result<(), AppError> {
        caller.require(Action::RuleManage)?;
        let mut ids: Vec<RuleId> = self
            .store
            .rules()
            .await?
            .iter()
            .map(|r| r.rule.id)
            .collect();
        let Some(at) = ids.iter().position(|r| *r == id) else {
            return Err(AppError::NotFound { entity: "rule" });
        };
        let to = if by < 0 {
            at.checked_sub(1)
        } else {
            Some(at + 1)
        };
        match to {
            Some(to) if to < ids.len() => {
                ids.swap(at, to);
                self.reorder_rules(caller, &ids).await
            }
            _ => Ok(()),
        }
    }

    /// A rule's firings, newest first, `limit` (at most 200) before firing id `before`.
    pub async fn rule_firings(
        &self,
        caller: &Caller,
        id: RuleId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<FiringRecord>, AppError> {
        caller.require(Action::RuleManage)?;
        self.store.rule(id).await?;
        Ok(self
            .store
            .rule_firings(id, before, limit.clamp(1, 200))
            .await?)
    }
}
