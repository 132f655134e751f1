//! Trigger and time rules: the saved rules, in the desk's order, and their configuration
//! changes, each with its `config_changed` event in the same transaction.

use crate::error::StoreError;
use crate::sql::{Row, Tx};
use crate::{Store, args, event};
use paydesk_domain::event::NewEvent;
use paydesk_domain::id::RuleId;
use paydesk_domain::rules::{Rule, RuleSpec};
use paydesk_domain::{Timestamp, UserId};

/// A rule as stored, with who made it and its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRule {
    pub rule: Rule,
    pub created_by: Option<UserId>,
    /// Grows by one with every change; an update naming an older one is refused.
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When it last fired, on any ticket.
    pub last_fired_at: Option<Timestamp>,
    pub firing_count: i64,
}

/// A rule to save: name and spec already checked by the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleWrite {
    pub name: String,
    pub spec: RuleSpec,
    pub is_active: bool,
}

const COLUMNS: &str = "r.id, r.name, r.spec, r.position, r.is_active, r.created_by, r.version, \
    r.created_at, r.updated_at, \
    (SELECT MAX(f.fired_at) FROM rule_firings f WHERE f.rule_id = r.id) AS last_fired_at, \
    (SELECT COUNT(*) FROM rule_firings f WHERE f.rule_id = r.id) AS firing_count";

fn stored_from(row: &Row) -> Result<StoredRule, StoreError> {
    Ok(StoredRule {
        rule: Rule {
            id: RuleId(row.i64("id")?),
            name: row.text("name")?,
            position: row.i64("position")?,
            is_active: row.i64("is_active")? != 0,
            spec: row.json("spec")?,
        },
        created_by: row.opt_i64("created_by")?.map(UserId),
        version: row.i64("version")?,
        created_at: Timestamp(row.i64("created_at")?),
        updated_at: Timestamp(row.i64("updated_at")?),
        last_fired_at: row.opt_i64("last_fired_at")?.map(Timestamp),
        firing_count: row.i64("firing_count")?,
    })
}

fn spec_json(spec: &RuleSpec) -> Result<String, StoreError> {
    serde_json::to_string(spec).map_err(|e| StoreError::Corrupt(format!("rule spec: {e}")))
}

async fn load(tx: &mut Tx, id: RuleId) -> Result<StoredRule, StoreError> {
    let row = tx
        .row(
            &format!("SELECT {COLUMNS} FROM rules r WHERE r.id = $1"),
            &args![id.0],
        )
        .await?
        .ok_or(StoreError::NotFound { entity: "rule" })?;
    stored_from(&row)
}

/// Refuses a change naming another version than the stored one.
fn check_version(current: &StoredRule, expected: Option<i64>) -> Result<(), StoreError> {
    match expected {
        Some(v) if v != current.version => Err(StoreError::VersionConflict {
            entity: "rule",
            expected: v,
        }),
        _ => Ok(()),
    }
}

impl Store {
    /// Saves a new rule at the end of the order (highest position + 1) and appends
    /// `audit(id)`. One transaction.
    pub async fn insert_rule(
        &self,
        write: &RuleWrite,
        created_by: Option<UserId>,
        at: Timestamp,
        audit: impl FnOnce(RuleId) -> NewEvent,
    ) -> Result<StoredRule, StoreError> {
        let mut tx = self.write().await?;
        let next = tx
            .row("SELECT COALESCE(MAX(position), 0) + 1 AS p FROM rules", &[])
            .await?
            .map_or(Ok(1), |r| r.i64("p"))?;
        let id = tx
            .insert_id(
                "INSERT INTO rules (name, kind, spec, position, is_active, created_by, version, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
                &args![
                    write.name.as_str(),
                    write.spec.kind.as_str(),
                    spec_json(&write.spec)?,
                    next,
                    i64::from(write.is_active),
                    created_by.map(UserId::get),
                    at.0
                ],
            )
            .await?;
        let stored = load(&mut tx, RuleId(id)).await?;
        let audit = audit(RuleId(id));
        event::append(&mut tx, &audit, audit.ip.as_deref()).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Replaces a rule's name, spec and active state. With `expected_version`, a rule
    /// changed meanwhile is refused with [`StoreError::VersionConflict`]. Errors:
    /// [`StoreError::NotFound`].
    pub async fn update_rule(
        &self,
        id: RuleId,
        write: &RuleWrite,
        expected_version: Option<i64>,
        at: Timestamp,
        audit: &NewEvent,
    ) -> Result<StoredRule, StoreError> {
        let mut tx = self.write().await?;
        let current = load(&mut tx, id).await?;
        check_version(&current, expected_version)?;
        tx.exec(
            "UPDATE rules SET name = $1, kind = $2, spec = $3, is_active = $4, \
             version = version + 1, updated_at = $5 WHERE id = $6",
            &args![
                write.name.as_str(),
                write.spec.kind.as_str(),
                spec_json(&write.spec)?,
                i64::from(write.is_active),
                at.0,
                id.0
            ],
        )
        .await?;
        let stored = load(&mut tx, id).await?;
        event::append(&mut tx, audit, audit.ip.as_deref()).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Turns a rule on or off. Errors: [`StoreError::NotFound`].
    pub async fn set_rule_active(
        &self,
        id: RuleId,
        is_active: bool,
        at: Timestamp,
        audit: &NewEvent,
    ) -> Result<StoredRule, StoreError> {
        let mut tx = self.write().await?;
        let n = tx
            .exec(
                "UPDATE rules SET is_active = $1, version = version + 1, updated_at = $2 WHERE id = $3",
                &args![i64::from(is_active), at.0, id.0],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "rule" });
        }
        let stored = load(&mut tx, id).await?;
        event::append(&mut tx, audit, audit.ip.as_deref()).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Deletes a rule and its firing ledger (the events of its firings stay in the log).
    /// Errors: [`StoreError::NotFound`].
    pub async fn delete_rule(&self, id: RuleId, audit: &NewEvent) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        tx.exec("DELETE FROM rule_firings WHERE rule_id = $1", &args![id.0])
            .await?;
        let n = tx
            .exec("DELETE FROM rules WHERE id = $1", &args![id.0])
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "rule" });
        }
        event::append(&mut tx, audit, audit.ip.as_deref()).await?;
        tx.commit().await
    }

    /// Puts the rules in the order of `ids` (positions 1, 2, ...). `ids` must name every
    /// rule exactly once; otherwise nothing changes and `Ok(false)` is returned.
    pub async fn reorder_rules(
        &self,
        ids: &[RuleId],
        at: Timestamp,
        audit: &NewEvent,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let mut known: Vec<i64> = tx
            .rows("SELECT id FROM rules", &[])
            .await?
            .iter()
            .map(|r| r.i64("id"))
            .collect::<Result<_, _>>()?;
        let mut asked: Vec<i64> = ids.iter().map(|r| r.0).collect();
        known.sort_unstable();
        asked.sort_unstable();
        if known != asked {
            return Ok(false);
        }
        for (position, id) in (1i64..).zip(ids) {
            tx.exec(
                "UPDATE rules SET position = $1, updated_at = $2 WHERE id = $3 AND position <> $1",
                &args![position, at.0, id.0],
            )
            .await?;
        }
        event::append(&mut tx, audit, audit.ip.as_deref()).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every rule in the desk's order (position, then id), with its firing summary.
    pub async fn rules(&self) -> Result<Vec<StoredRule>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                &format!("SELECT {COLUMNS} FROM rules r ORDER BY r.position, r.id"),
                &[],
            )
            .await?;
        rows.iter().map(stored_from).collect()
    }

    /// The active rules, in order, as the evaluator takes them.
    pub async fn active_rules(&self) -> Result<Vec<Rule>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                "SELECT id, name, spec, position, is_active FROM rules WHERE is_active = 1 \
                 ORDER BY position, id",
                &[],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Rule {
                    id: RuleId(row.i64("id")?),
                    name: row.text("name")?,
                    position: row.i64("position")?,
                    is_active: true,
                    spec: row.json("spec")?,
                })
            })
            .collect()
    }

    /// One rule. Errors: [`StoreError::NotFound`].
    pub async fn rule(&self, id: RuleId) -> Result<StoredRule, StoreError> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }
}
