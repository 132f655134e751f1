//! Incident use cases: declare, change, accept or dismiss a proposal, resolve, read.
//!
//! Leads (`incident_manage`) change incidents; anyone who may read payments
//! (`payment_read`) reads them. Every change records a timeline entry and an
//! `incident_changed` event in its own transaction. Declaring, accepting, and changing
//! the rules of an incident being worked run its matching rules at once (see
//! [`matching`]); public updates reach the linked tickets through a job (see [`updates`]).

pub mod matching;
pub mod updates;

use crate::error::AppError;
use crate::tickets::refuse_unstorable;
use crate::{App, Caller};
use paydesk_domain::incident::{
    self, IncidentAction, IncidentId, IncidentOrigin, IncidentStatus, MatchRules, Scope, Severity,
};
use paydesk_domain::policy::Action;
use paydesk_domain::redaction::redact;
use paydesk_domain::{TicketId, Timestamp};
use paydesk_store::{
    IncidentEntry, IncidentTicket, IncidentWrite, NewEntry, NewIncident, NewUpdate, Page,
    StoreError, StoredIncident, StoredUpdate, TicketIncident,
};
use serde_json::{Value, json};

/// An incident as a lead declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclareInput {
    pub title: String,
    pub severity: Severity,
    /// `started_at` None: now.
    pub scope: ScopeInput,
    pub rules: Option<MatchRules>,
    pub public_summary: Option<String>,
}

/// A scope as sent; a missing start is now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScopeInput {
    pub gateway: Option<String>,
    pub method: Option<incident::PaymentMethod>,
    pub region: Option<String>,
    pub business_line: Option<paydesk_domain::ticket::BusinessLine>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
}

/// What a change may set; `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentPatch {
    pub title: Option<String>,
    pub severity: Option<Severity>,
    pub status: Option<IncidentStatus>,
    pub public_summary: Option<Option<String>>,
    pub rules: Option<Option<MatchRules>>,
    pub scope: Option<ScopeInput>,
    /// If given, the incident must still be at this version.
    pub expected_version: Option<i64>,
}

/// An incident with its updates and timeline, as its page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentView {
    pub incident: StoredIncident,
    pub updates: Vec<StoredUpdate>,
    pub timeline: Vec<IncidentEntry>,
}

/// Checks the labels of `rules` for card data (a card number typed as a code is refused,
/// not stored) and normalises them.
fn checked_rules(rules: MatchRules) -> Result<MatchRules, AppError> {
    for (field, values) in [
        ("rules.failure_codes", &rules.failure_codes),
        ("rules.gateways", &rules.gateways),
        ("rules.card_brands", &rules.card_brands),
        ("rules.categories", &rules.categories),
    ] {
        for v in values {
            refuse_unstorable(field, v)?;
        }
    }
    Ok(rules.validated()?)
}

/// The scope with its start (default `now`) and labels checked.
fn checked_scope(input: ScopeInput, now: Timestamp) -> Result<Scope, AppError> {
    for (field, v) in [
        ("scope.gateway", &input.gateway),
        ("scope.region", &input.region),
    ] {
        refuse_unstorable(field, v.as_deref().unwrap_or(""))?;
    }
    Ok(Scope {
        gateway: input.gateway,
        method: input.method,
        region: input.region,
        business_line: input.business_line,
        started_at: input.started_at.unwrap_or(now),
        ended_at: input.ended_at,
    }
    .validated()?)
}

/// A title or summary with card data masked.
fn masked_title(raw: &str) -> Result<String, AppError> {
    Ok(redact(&incident::title(raw)?).text)
}

fn masked_text(field: &'static str, raw: Option<&str>) -> Result<Option<String>, AppError> {
    Ok(match raw {
        Some(t) => incident::text(field, t)?.map(|t| redact(&t).text),
        None => None,
    })
}

/// The conflict answered when an incident is not in a status that allows an action.
fn state_error(status: IncidentStatus, hint: &'static str) -> AppError {
    AppError::IncidentState {
        status: status.as_str(),
        hint,
    }
}

impl App {
    /// A timeline entry by `caller`, now.
    pub(crate) fn incident_entry(
        &self,
        caller: &Caller,
        action: IncidentAction,
        detail: Value,
    ) -> NewEntry {
        NewEntry {
            action,
            actor: caller.actor(),
            at: self.now(),
            detail,
            ip: caller.ip.clone(),
        }
    }

    /// Declares an incident (investigating) and, when it has rules, links every matching
    /// unresolved ticket at once. Returns it with the number of tickets linked.
    /// Errors: [`AppError::Invalid`] naming the field; [`AppError::Forbidden`].
    pub async fn declare_incident(
        &self,
        caller: &Caller,
        input: DeclareInput,
    ) -> Result<(StoredIncident, usize), AppError> {
        caller.require(Action::IncidentManage)?;
        let now = self.now();
        let new = NewIncident {
            title: masked_title(&input.title)?,
            severity: input.severity,
            status: IncidentStatus::Investigating,
            origin: IncidentOrigin::Declared,
            scope: checked_scope(input.scope, now)?,
            rules: input.rules.map(checked_rules).transpose()?,
            public_summary: masked_text("public_summary", input.public_summary.as_deref())?,
            health_key: None,
            at: now,
        };
        let entry = self.incident_entry(
            caller,
            IncidentAction::Declared,
            json!({ "title_set": true, "has_rules": new.rules.is_some() }),
        );
        let stored = self.store.insert_incident(&new, &entry).await?;
        let linked = self.run_rules(caller, &stored).await?;
        Ok((self.store.incident(stored.id).await?, linked))
    }

    /// One incident with its updates (and their delivery progress) and timeline.
    /// Errors: [`AppError::NotFound`], [`AppError::Forbidden`].
    pub async fn incident(
        &self,
        caller: &Caller,
        id: IncidentId,
    ) -> Result<IncidentView, AppError> {
        caller.require(Action::PaymentRead)?;
        Ok(IncidentView {
            incident: self.store.incident(id).await?,
            updates: self.store.incident_updates(id).await?,
            timeline: self.store.incident_entries(id).await?,
        })
    }

    /// Incidents newest first, of the given statuses (all when empty).
    pub async fn incidents(
        &self,
        caller: &Caller,
        statuses: &[IncidentStatus],
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<StoredIncident>, AppError> {
        caller.require(Action::PaymentRead)?;
        Ok(self
            .store
            .incidents(statuses, limit.clamp(1, 200), cursor)
            .await?)
    }

    /// The tickets linked to an incident that the caller may see.
    pub async fn incident_tickets(
        &self,
        caller: &Caller,
        id: IncidentId,
    ) -> Result<Vec<IncidentTicket>, AppError> {
        caller.require(Action::PaymentRead)?;
        self.store.incident(id).await?;
        let mut visible = Vec::new();
        for t in self.store.incident_tickets(id).await? {
            if self.queue_in_scope(caller, t.queue_id).await? {
                visible.push(t);
            }
        }
        Ok(visible)
    }

    /// The incidents a ticket is linked to, newest first. Errors: [`AppError::NotFound`]
    /// when the caller may not see the ticket.
    pub async fn ticket_incidents(
        &self,
        caller: &Caller,
        ticket: TicketId,
    ) -> Result<Vec<TicketIncident>, AppError> {
        caller.require(Action::PaymentRead)?;
        self.visible_ticket(caller, ticket).await?;
        Ok(self.store.ticket_incidents(ticket).await?)
    }

    /// Changes an incident's title, severity, status (among investigating, identified and
    /// monitoring), public summary, rules or scope, recording one entry per kind of change.
    /// New rules or scope on an incident being worked run at once.
    ///
    /// Errors: [`AppError::IncidentState`] when it is over; [`AppError::VersionConflict`];
    /// [`AppError::Invalid`] naming the field (a status only its own action sets, say).
    pub async fn change_incident(
        &self,
        caller: &Caller,
        id: IncidentId,
        patch: IncidentPatch,
    ) -> Result<StoredIncident, AppError> {
        caller.require(Action::IncidentManage)?;
        let now = self.now();
        let current = self.store.incident(id).await?;
        if !current.status.is_open() {
            return Err(state_error(current.status, "it no longer changes"));
        }
        let mut next = current.clone();
        let mut entries = Vec::new();
        let mut edited = Vec::new();
        if let Some(status) = patch.status
            && status != current.status
        {
            current.status.check_change(status)?;
            next.status = status;
            entries.push(self.incident_entry(
                caller,
                IncidentAction::StatusChanged,
                json!({ "from": current.status, "to": status }),
            ));
        }
        if let Some(severity) = patch.severity
            && severity != current.severity
        {
            next.severity = severity;
            entries.push(self.incident_entry(
                caller,
                IncidentAction::SeverityChanged,
                json!({ "from": current.severity, "to": severity }),
            ));
        }
        if let Some(title) = &patch.title {
            next.title = masked_title(title)?;
        }
        if let Some(summary) = &patch.public_summary {
            next.public_summary = masked_text("public_summary", summary.as_deref())?;
        }
        if let Some(rules) = patch.rules {
            next.rules = rules.map(checked_rules).transpose()?;
        }
        if let Some(scope) = patch.scope {
            next.scope = checked_scope(
                ScopeInput {
                    started_at: scope.started_at.or(Some(current.scope.started_at)),
                    ..scope
                },
                now,
            )?;
        }
        for (field, changed) in [
            ("title", next.title != current.title),
            (
                "public_summary",
                next.public_summary != current.public_summary,
            ),
            ("rules", next.rules != current.rules),
            ("scope", next.scope != current.scope),
        ] {
            if changed {
                edited.push(field);
            }
        }
        if !edited.is_empty() {
            entries.push(self.incident_entry(
                caller,
                IncidentAction::Edited,
                json!({ "fields": edited }),
            ));
        }
        if entries.is_empty() {
            return Ok(current);
        }
        next.updated_at = now;
        let write = IncidentWrite {
            entries: &entries,
            update: None,
        };
        let (stored, _) = self
            .saved_incident(
                &next,
                patch.expected_version.unwrap_or(current.version),
                &write,
            )
            .await?;
        if stored.status.is_active() && (edited.contains(&"rules") || edited.contains(&"scope")) {
            self.run_rules(caller, &stored).await?;
        }
        Ok(self.store.incident(id).await?)
    }

    /// Accepts a proposed incident: it becomes investigating and its rules link the
    /// matching tickets. Returns it with the number linked. Errors:
    /// [`AppError::IncidentState`] when it is not a proposal.
    pub async fn accept_incident(
        &self,
        caller: &Caller,
        id: IncidentId,
    ) -> Result<(StoredIncident, usize), AppError> {
        caller.require(Action::IncidentManage)?;
        let current = self.proposal(id).await?;
        let mut next = current.clone();
        next.status = IncidentStatus::Investigating;
        next.updated_at = self.now();
        let entries = [self.incident_entry(caller, IncidentAction::Accepted, json!({}))];
        let write = IncidentWrite {
            entries: &entries,
            update: None,
        };
        let (stored, _) = self.saved_incident(&next, current.version, &write).await?;
        let linked = self.run_rules(caller, &stored).await?;
        Ok((self.store.incident(id).await?, linked))
    }

    /// Dismisses a proposed incident, with an optional reason for the timeline. No new
    /// proposal for the same gateway and method comes for an hour.
    pub async fn dismiss_incident(
        &self,
        caller: &Caller,
        id: IncidentId,
        reason: Option<&str>,
    ) -> Result<StoredIncident, AppError> {
        caller.require(Action::IncidentManage)?;
        let current = self.proposal(id).await?;
        let now = self.now();
        let mut next = current.clone();
        next.status = IncidentStatus::Dismissed;
        next.updated_at = now;
        next.closed_at = Some(now);
        let reason = masked_text("reason", reason)?;
        let entries = [self.incident_entry(
            caller,
            IncidentAction::Dismissed,
            json!({ "reason": reason }),
        )];
        let write = IncidentWrite {
            entries: &entries,
            update: None,
        };
        Ok(self.saved_incident(&next, current.version, &write).await?.0)
    }

    /// The incident, if a lead took it up: declared, or accepted (so neither a proposal
    /// nor dismissed). Errors: [`AppError::IncidentState`] with `hint`.
    pub(crate) async fn taken_up(
        &self,
        id: IncidentId,
        hint: &'static str,
    ) -> Result<StoredIncident, AppError> {
        let incident = self.store.incident(id).await?;
        if matches!(
            incident.status,
            IncidentStatus::Proposed | IncidentStatus::Dismissed
        ) {
            return Err(state_error(incident.status, hint));
        }
        Ok(incident)
    }

    async fn proposal(&self, id: IncidentId) -> Result<StoredIncident, AppError> {
        let current = self.store.incident(id).await?;
        if current.status != IncidentStatus::Proposed {
            return Err(state_error(
                current.status,
                "only a proposed incident is accepted or dismissed",
            ));
        }
        Ok(current)
    }

    /// Resolves an incident being worked: status resolved, its end set (now, unless it
    /// has one; never before its start). With `solve_tickets`, `message` goes to every linked unresolved ticket as
    /// a public reply that also solves it (delivered by a job, once per ticket); without,
    /// a message is kept on the timeline only.
    ///
    /// Errors: [`AppError::IncidentState`] unless investigating, identified or monitoring;
    /// [`AppError::Invalid`] on `message` when solving tickets without one.
    pub async fn resolve_incident(
        &self,
        caller: &Caller,
        id: IncidentId,
        message: Option<&str>,
        solve_tickets: bool,
    ) -> Result<(StoredIncident, Option<StoredUpdate>), AppError> {
        caller.require(Action::IncidentManage)?;
        let current = self.store.incident(id).await?;
        if !current.status.is_active() {
            return Err(state_error(
                current.status,
                "only an incident being worked (investigating, identified, monitoring) is resolved",
            ));
        }
        let now = self.now();
        let message = masked_text("message", message)?;
        if solve_tickets && message.is_none() {
            return Err(AppError::invalid(
                "message",
                "the linked tickets are solved with a reply: write the message they get",
            ));
        }
        let mut next = current.clone();
        next.status = IncidentStatus::Resolved;
        // An incident declared ahead of its start (planned work) and resolved early ends
        // at its start, never before it.
        next.scope.ended_at = Some(
            current
                .scope
                .ended_at
                .unwrap_or(now)
                .max(current.scope.started_at),
        );
        next.updated_at = now;
        next.closed_at = Some(now);
        let update = message.map(|body| NewUpdate {
            kind: "resolution",
            body,
            is_public: solve_tickets,
            solve_tickets,
            actor: caller.actor(),
            idempotency: None,
            at: now,
        });
        let ended = next.scope.ended_at.unwrap_or(now);
        let entries = [self.incident_entry(
            caller,
            IncidentAction::Resolved,
            json!({ "ended_at": ended.rfc3339(), "solve_tickets": solve_tickets }),
        )];
        let write = IncidentWrite {
            entries: &entries,
            update: update.as_ref(),
        };
        let saved = self.saved_incident(&next, current.version, &write).await?;
        if saved.1.as_ref().is_some_and(|u| u.status == "delivering") {
            self.jobs_waiting.notify_one();
        }
        Ok(saved)
    }

    async fn saved_incident(
        &self,
        next: &StoredIncident,
        expected_version: i64,
        write: &IncidentWrite<'_>,
    ) -> Result<(StoredIncident, Option<StoredUpdate>), AppError> {
        match self
            .store
            .change_incident(next, expected_version, write)
            .await
        {
            Err(StoreError::VersionConflict { .. }) => {
                let now = self.store.incident(next.id).await?;
                Err(AppError::VersionConflict {
                    entity: "incident",
                    sent: expected_version,
                    current: now.version,
                })
            }
            other => Ok(other?),
        }
    }
}
