//! Incidents as stored: the incident itself, its timeline, and the changes that move it.
//!
//! Every change writes its timeline entries and, for each, an `incident_changed` event in
//! the same transaction (events last, as the audit chain wants). Links to tickets live in
//! [`crate::incident_link`], updates and their delivery in [`crate::incident_update`].

use crate::error::StoreError;
use crate::event::{self, actor_columns, actor_from};
use crate::incident_update::{self, NewUpdate, StoredUpdate};
use crate::page::{Page, decode_cursor, encode_cursor};
use crate::sql::{Row, Tx, Value as SqlValue, placeholders};
use crate::{Store, args};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::incident::{
    IncidentAction, IncidentId, IncidentOrigin, IncidentStatus, MatchRules, Scope, Severity,
};
use paydesk_domain::{Actor, Timestamp};
use serde_json::{Value, json};

/// An incident as stored, with how many tickets are linked to it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredIncident {
    pub id: IncidentId,
    pub title: String,
    pub severity: Severity,
    pub status: IncidentStatus,
    pub origin: IncidentOrigin,
    pub scope: Scope,
    pub rules: Option<MatchRules>,
    pub public_summary: Option<String>,
    /// Grows with every change; a change naming an older one is refused.
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When it was resolved or dismissed.
    pub closed_at: Option<Timestamp>,
    /// Tickets linked now.
    pub linked_tickets: i64,
}

/// An incident to insert.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIncident {
    pub title: String,
    pub severity: Severity,
    pub status: IncidentStatus,
    pub origin: IncidentOrigin,
    pub scope: Scope,
    pub rules: Option<MatchRules>,
    pub public_summary: Option<String>,
    /// For proposals: `<gateway>:<method>`; a second open proposal with the same key is
    /// refused with [`StoreError::Duplicate`].
    pub health_key: Option<String>,
    pub at: Timestamp,
}

/// A timeline entry to write with a change; its `incident_changed` event is made from it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    pub action: IncidentAction,
    pub actor: Actor,
    pub at: Timestamp,
    /// What the action changed (JSON; instants as RFC 3339 text).
    pub detail: Value,
    pub ip: Option<String>,
}

/// One entry of an incident's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentEntry {
    pub id: i64,
    pub at: Timestamp,
    pub action: IncidentAction,
    pub actor: Actor,
    pub detail: Value,
}

pub(crate) const COLUMNS: &str = "i.id, i.title, i.severity, i.status, i.origin, i.gateway, i.method, i.region, \
     i.business_line, i.started_at, i.ended_at, i.rules, i.public_summary, i.version, i.created_at, \
     i.updated_at, i.closed_at, \
     (SELECT CAST(COUNT(*) AS BIGINT) FROM incident_tickets it WHERE it.incident_id = i.id AND it.is_linked = 1) AS linked";

pub(crate) fn incident_from_row(r: &Row) -> Result<StoredIncident, StoreError> {
    let rules = r
        .opt_text("rules")?
        .map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("rules: {e}")))?;
    let label = |col: &str| -> Result<Option<String>, StoreError> { r.opt_text(col) };
    Ok(StoredIncident {
        id: IncidentId(r.i64("id")?),
        title: r.text("title")?,
        severity: r.label("severity")?,
        status: r.label("status")?,
        origin: r.label("origin")?,
        scope: Scope {
            gateway: label("gateway")?,
            method: label("method")?
                .map(|m| m.parse())
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("method: {e}")))?,
            region: label("region")?,
            business_line: label("business_line")?
                .map(|m| m.parse())
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("business_line: {e}")))?,
            started_at: Timestamp(r.i64("started_at")?),
            ended_at: r.opt_i64("ended_at")?.map(Timestamp),
        },
        rules,
        public_summary: r.opt_text("public_summary")?,
        version: r.i64("version")?,
        created_at: Timestamp(r.i64("created_at")?),
        updated_at: Timestamp(r.i64("updated_at")?),
        closed_at: r.opt_i64("closed_at")?.map(Timestamp),
        linked_tickets: r.i64("linked")?,
    })
}

fn rules_json(rules: Option<&MatchRules>) -> Result<Option<String>, StoreError> {
    rules
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("rules: {e}")))
}

/// The scope's columns in table order: gateway, method, region, business_line,
/// started_at, ended_at.
fn scope_values(s: &Scope) -> Vec<SqlValue> {
    args![
        s.gateway.as_deref(),
        s.method.map(|m| m.as_str()),
        s.region.as_deref(),
        s.business_line.map(|l| l.as_str()),
        s.started_at.0,
        s.ended_at.map(|t| t.0)
    ]
    .to_vec()
}

/// One incident read inside `tx`. Errors: [`StoreError::NotFound`].
pub(crate) async fn load(tx: &mut Tx, id: IncidentId) -> Result<StoredIncident, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM incidents i WHERE i.id = $1");
    let row = tx
        .row(&sql, &args![id.0])
        .await?
        .ok_or(StoreError::NotFound { entity: "incident" })?;
    incident_from_row(&row)
}

/// Writes `entry` on `incident`'s timeline inside `tx` and returns its `incident_changed`
/// event (`{incident_id, action, status, severity, ...detail}`), to append last.
pub(crate) async fn entry_in(
    tx: &mut Tx,
    incident: &StoredIncident,
    entry: &NewEntry,
) -> Result<NewEvent, StoreError> {
    let (kind, actor_id, label) = actor_columns(&entry.actor);
    tx.exec(
        "INSERT INTO incident_entries (incident_id, at, action, actor_kind, actor_id, actor_label, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &args![
            incident.id.0,
            entry.at.0,
            entry.action.as_str(),
            kind,
            actor_id,
            label,
            entry.detail.to_string()
        ],
    )
    .await?;
    let mut data = json!({
        "incident_id": incident.id.0,
        "action": entry.action,
        "status": incident.status,
        "severity": incident.severity,
    });
    if let (Some(d), Some(extra)) = (data.as_object_mut(), entry.detail.as_object()) {
        for (k, v) in extra {
            d.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    Ok(NewEvent {
        ticket_id: None,
        customer_id: None,
        actor: entry.actor.clone(),
        at: entry.at,
        kind: EventKind::IncidentChanged,
        data,
        ip: entry.ip.clone(),
    })
}

/// Writes the entries (and events) and commits.
pub(crate) async fn finish(
    mut tx: Tx,
    incident: &StoredIncident,
    entries: &[NewEntry],
    mut events: Vec<NewEvent>,
) -> Result<(), StoreError> {
    for entry in entries {
        events.push(entry_in(&mut tx, incident, entry).await?);
    }
    event::append_all(&mut tx, &events, None).await?;
    tx.commit().await
}

/// What a change to an incident writes besides the incident: a posted update (the
/// resolution message, say) is inserted in the same transaction.
#[derive(Debug, Clone, Default)]
pub struct IncidentWrite<'a> {
    pub entries: &'a [NewEntry],
    pub update: Option<&'a NewUpdate>,
}

impl Store {
    /// Inserts an incident with its first timeline entry (declared or proposed) and event.
    /// Errors: [`StoreError::Duplicate`] when an open proposal has the same health key.
    pub async fn insert_incident(
        &self,
        new: &NewIncident,
        entry: &NewEntry,
    ) -> Result<StoredIncident, StoreError> {
        let mut tx = self.write().await?;
        let mut values = scope_values(&new.scope);
        values.extend(args![
            &new.title,
            new.severity.as_str(),
            new.status.as_str(),
            new.origin.as_str(),
            rules_json(new.rules.as_ref())?,
            new.public_summary.as_deref(),
            new.health_key.as_deref(),
            new.at.0
        ]);
        let id = tx
            .insert_id(
                "INSERT INTO incidents (gateway, method, region, business_line, started_at, ended_at, title, severity, \
                 status, origin, rules, public_summary, health_key, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14) RETURNING id",
                &values,
            )
            .await?;
        let stored = load(&mut tx, IncidentId(id)).await?;
        finish(tx, &stored, std::slice::from_ref(entry), Vec::new()).await?;
        Ok(stored)
    }

    /// One incident. Errors: [`StoreError::NotFound`].
    pub async fn incident(&self, id: IncidentId) -> Result<StoredIncident, StoreError> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// Incidents newest first, of the given statuses (all when empty), a page at a time.
    /// Errors: [`StoreError::BadCursor`].
    pub async fn incidents(
        &self,
        statuses: &[IncidentStatus],
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<StoredIncident>, StoreError> {
        let before = match cursor {
            Some(c) => decode_cursor(c, 1)
                .and_then(|v| v.first().copied())
                .ok_or(StoreError::BadCursor)?,
            None => i64::MAX,
        };
        let limit_i = i64::try_from(limit).unwrap_or(50);
        let mut values = args![before, limit_i + 1].to_vec();
        let status_filter = if statuses.is_empty() {
            String::new()
        } else {
            values.extend(statuses.iter().map(|s| s.as_str().into()));
            format!(" AND i.status IN ({})", placeholders(3, statuses.len()))
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM incidents i WHERE i.id < $1{status_filter} ORDER BY i.id DESC LIMIT $2"
        );
        let mut tx = self.read().await?;
        let mut items = tx
            .rows(&sql, &values)
            .await?
            .iter()
            .map(incident_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|i| encode_cursor(&[i.id.0]))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// Saves `next` if the incident is still at `expected_version`, with its timeline
    /// entries, their events and an update to post, in one transaction; returns the
    /// incident as stored and the update. Leaving `status` for resolved or dismissed clears
    /// the health key (another proposal may then come).
    ///
    /// Errors: [`StoreError::VersionConflict`], [`StoreError::NotFound`].
    pub async fn change_incident(
        &self,
        next: &StoredIncident,
        expected_version: i64,
        write: &IncidentWrite<'_>,
    ) -> Result<(StoredIncident, Option<StoredUpdate>), StoreError> {
        let mut tx = self.write().await?;
        let mut values = scope_values(&next.scope);
        values.extend(args![
            &next.title,
            next.severity.as_str(),
            next.status.as_str(),
            rules_json(next.rules.as_ref())?,
            next.public_summary.as_deref(),
            next.updated_at.0,
            next.closed_at.map(|t| t.0),
            next.id.0,
            expected_version
        ]);
        let touched = tx
            .exec(
                "UPDATE incidents SET gateway = $1, method = $2, region = $3, business_line = $4, started_at = $5, \
                 ended_at = $6, title = $7, severity = $8, status = $9, rules = $10, public_summary = $11, \
                 version = version + 1, updated_at = $12, closed_at = $13, \
                 health_key = CASE WHEN $9 IN ('resolved', 'dismissed') THEN NULL ELSE health_key END \
                 WHERE id = $14 AND version = $15",
                &values,
            )
            .await?;
        if touched == 0 {
            load(&mut tx, next.id).await?;
            return Err(StoreError::VersionConflict {
                entity: "incident",
                expected: expected_version,
            });
        }
        let stored = load(&mut tx, next.id).await?;
        let update = match write.update {
            Some(u) => Some(incident_update::insert_in(&mut tx, &stored, u).await?),
            None => None,
        };
        let mut entries = write.entries.to_vec();
        if let Some(u) = &update {
            for entry in &mut entries {
                if let Some(d) = entry.detail.as_object_mut() {
                    d.insert("update_id".into(), json!(u.id));
                    d.insert("tickets".into(), json!(u.total));
                }
            }
        }
        finish(tx, &stored, &entries, Vec::new()).await?;
        Ok((stored, update))
    }

    /// An incident's timeline, oldest first.
    pub async fn incident_entries(&self, id: IncidentId) -> Result<Vec<IncidentEntry>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT id, at, action, actor_kind, actor_id, actor_label, detail FROM incident_entries \
             WHERE incident_id = $1 ORDER BY id",
            &args![id.0],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(IncidentEntry {
                id: r.i64("id")?,
                at: Timestamp(r.i64("at")?),
                action: r.label("action")?,
                actor: actor_from(
                    &r.text("actor_kind")?,
                    r.opt_i64("actor_id")?,
                    r.opt_text("actor_label")?,
                )?,
                detail: r.json("detail")?,
            })
        })
        .collect()
    }

    /// Incidents being worked (investigating, identified, monitoring) that have matching
    /// rules, oldest first: those the matching loop runs.
    pub async fn incidents_with_rules(&self) -> Result<Vec<StoredIncident>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM incidents i WHERE i.status IN ('investigating', 'identified', 'monitoring') \
             AND i.rules IS NOT NULL ORDER BY i.id"
        );
        tx.rows(&sql, &[])
            .await?
            .iter()
            .map(incident_from_row)
            .collect()
    }

    /// Whether a proposal for `gateway` and `method` should wait: an open incident already
    /// covers them (the same gateway and that method or none), or a proposal for them was
    /// dismissed at or after `dismissed_since`.
    pub async fn proposal_blocked(
        &self,
        gateway: &str,
        method: &str,
        dismissed_since: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row(
                "SELECT id FROM incidents WHERE gateway = $1 AND (method = $2 OR method IS NULL) \
                 AND (status NOT IN ('resolved', 'dismissed') OR (status = 'dismissed' AND closed_at >= $3)) LIMIT 1",
                &args![gateway, method, dismissed_since.0],
            )
            .await?;
        Ok(row.is_some())
    }
}
