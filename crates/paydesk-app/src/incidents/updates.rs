//! Incident updates: a timeline entry and, when public, one reply to every linked
//! unresolved ticket, through the same reply path as any staff reply (so the customer
//! gets the email), exactly once per ticket.
//!
//! Posting takes an idempotency key: the same key and request give back the update made
//! the first time, never a second one. The replies go out from a job
//! ([`paydesk_store::INCIDENT_UPDATE_JOB`]), a ticket at a time, so the request returns
//! at once however many tickets are linked; the update reports its progress (sent,
//! skipped, total). Each ticket's reply commits with its delivery record, so a job run
//! twice, or two runs at once, reply once.

use crate::error::AppError;
use crate::jobs::JobError;
use crate::tickets::{NewReply, checked_idempotency_key, sha256_hex};
use crate::{App, Caller};
use paydesk_domain::TicketId;
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::incident::{self, IncidentAction, IncidentId};
use paydesk_domain::message::Visibility;
use paydesk_domain::policy::Action;
use paydesk_domain::redaction::redact;
use paydesk_domain::ticket::Status;
use paydesk_store::{DeliveryReply, Job, NewEntry, NewUpdate, StoreError, StoredUpdate};
use serde_json::json;

/// Tickets read per delivery batch.
const DELIVERY_BATCH: i64 = 100;

/// Tries at one ticket whose version moves under the delivery (someone is working it).
const DELIVERY_TRIES: usize = 5;

/// An update as posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateInput {
    pub body: String,
    /// Reply to every linked unresolved ticket; otherwise only the timeline has it.
    pub is_public: bool,
    /// Solve each ticket with the reply (public updates only).
    pub solve_tickets: bool,
}

impl App {
    /// Posts an update on an incident. Returns it and whether this call made it (false
    /// when `idempotency_key` replayed an earlier post). A public update's replies are
    /// delivered by a job; its `status` is `delivering` until every ticket has its reply.
    ///
    /// Errors: [`AppError::Invalid`] on `body`, `solve_tickets` or `Idempotency-Key`;
    /// [`AppError::IdempotencyKeyReused`] for a key used with another request;
    /// [`AppError::IncidentState`] on a proposed or dismissed incident.
    pub async fn post_incident_update(
        &self,
        caller: &Caller,
        id: IncidentId,
        input: UpdateInput,
        idempotency_key: &str,
    ) -> Result<(StoredUpdate, bool), AppError> {
        caller.require(Action::IncidentManage)?;
        let key = checked_idempotency_key(idempotency_key)?;
        let body = incident::text("body", &input.body)?
            .ok_or_else(|| AppError::invalid("body", "must not be empty"))?;
        if input.solve_tickets && !input.is_public {
            return Err(AppError::invalid(
                "solve_tickets",
                "only a public update solves tickets (it is their last reply)",
            ));
        }
        self.taken_up(
            id,
            "updates are posted on incidents that were declared or accepted",
        )
        .await?;
        let request_hash = sha256_hex(&format!("{input:?}"));
        let update = NewUpdate {
            kind: "update",
            body: redact(&body).text,
            is_public: input.is_public,
            solve_tickets: input.solve_tickets,
            actor: caller.actor(),
            idempotency: Some((sha256_hex(key), request_hash.clone())),
            at: self.now(),
        };
        let entry = self.incident_entry(
            caller,
            IncidentAction::UpdatePosted,
            json!({ "public": input.is_public, "solve_tickets": input.solve_tickets }),
        );
        let (stored, is_new) = self.store.post_incident_update(id, &update, &entry).await?;
        if !is_new && stored.request_hash.as_deref() != Some(request_hash.as_str()) {
            return Err(AppError::IdempotencyKeyReused);
        }
        if is_new && stored.status == "delivering" {
            self.jobs_waiting.notify_one();
        }
        Ok((stored, is_new))
    }

    /// Runs an `incident_update` job: delivers its update to every ticket still waiting,
    /// batch after batch, then marks it done. Safe to run again after a crash or beside
    /// another run: no ticket gets the reply twice.
    pub async fn run_incident_update_job(&self, job: &Job) -> Result<StoredUpdate, JobError> {
        let update_id = job
            .payload
            .get("update_id")
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| JobError::permanent("the job names no update"))?;
        self.deliver_incident_update(update_id)
            .await
            .map_err(|e| match e {
                AppError::NotFound { .. } => JobError::permanent(e),
                other => JobError::transient(other),
            })
    }

    /// Delivers update `update_id` to every ticket still waiting for it (see
    /// [`App::run_incident_update_job`]); returns the update with its progress.
    pub async fn deliver_incident_update(&self, update_id: i64) -> Result<StoredUpdate, AppError> {
        let update = self.store.incident_update(update_id).await?;
        let mut solved_any = false;
        loop {
            let batch = self
                .store
                .pending_deliveries(update_id, DELIVERY_BATCH)
                .await?;
            for (ticket, is_linked) in &batch {
                solved_any |=
                    self.deliver_to(&update, *ticket, *is_linked).await? && update.solve_tickets;
            }
            if i64::try_from(batch.len()).unwrap_or(0) < DELIVERY_BATCH {
                break;
            }
        }
        let entry = NewEntry {
            action: IncidentAction::UpdateDelivered,
            actor: update.actor.clone(),
            at: self.now(),
            detail: json!({}),
            ip: None,
        };
        self.store
            .complete_incident_update(update_id, &entry)
            .await?;
        if solved_any {
            self.want_routing();
        }
        Ok(self.store.incident_update(update_id).await?)
    }

    /// Replies to one ticket (or records it skipped: solved, closed or unlinked since the
    /// update was posted). Returns whether this call replied.
    async fn deliver_to(
        &self,
        update: &StoredUpdate,
        ticket: TicketId,
        is_linked: bool,
    ) -> Result<bool, AppError> {
        let mut version = 0;
        for _ in 0..DELIVERY_TRIES {
            let now = self.now();
            let current = self.store.ticket(ticket).await?;
            version = current.version;
            if !is_linked || !current.status.is_unresolved() {
                self.store
                    .deliver_incident_update(update.id, ticket, None, now)
                    .await?;
                return Ok(false);
            }
            let reply = NewReply {
                visibility: Visibility::Public,
                from_customer: false,
                body: update.body.clone(),
                attachments: vec![],
                expected_version: None,
            };
            let mut change = self.reply_change(&update.actor, &current, &reply)?;
            for e in &mut change.events {
                if e.kind == EventKind::MessageAdded
                    && let Some(d) = e.data.as_object_mut()
                {
                    d.insert("incident_id".into(), json!(update.incident_id.0));
                    d.insert("incident_update_id".into(), json!(update.id));
                }
            }
            // A ticket whose required checklist is not complete gets the reply and stays
            // open for its agent (see crate::sops::guard).
            if update.solve_tickets && !self.checklist_state(&current).await?.blocks_solve() {
                let solved = change.next.move_to(Status::Solved, now)?;
                change.events.extend(NewEvent::from_changes(
                    ticket,
                    &change.actor,
                    now,
                    &[solved],
                ));
            }
            let mail = Self::reply_is_mailed(change.is_public_staff_reply, &change.actor)
                .then(|| self.reply_mail(&change.next, &change.actor, now));
            let delivery = DeliveryReply {
                ticket: &change.next,
                expected_version: current.version,
                events: &change.events,
                message: &change.message,
                mail: mail.as_ref(),
            };
            match self
                .store
                .deliver_incident_update(update.id, ticket, Some(&delivery), now)
                .await
            {
                Err(StoreError::VersionConflict { .. }) => {}
                Ok(replied) => {
                    if replied && mail.is_some() {
                        self.jobs_waiting.notify_one();
                    }
                    return Ok(replied);
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Store(StoreError::VersionConflict {
            entity: "ticket",
            expected: version,
        }))
    }
}
