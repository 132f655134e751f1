//! Payment objects and the tickets about them, changed in one transaction.
//!
//! A gateway event touches several things at once: its delivery record, a payment object
//! (and sometimes the disputes waiting for it), a ticket to open or notes on tickets, the
//! links between them, and one event per change. [`PaymentWork`] is that transaction: the
//! service decides, this type reads and writes, and [`PaymentWork::commit`] appends every
//! event (last, as the audit chain wants) and commits. Dropped without a commit, nothing
//! happened.

use crate::error::StoreError;
use crate::sql::{Engine, Tx};
use crate::ticket::TicketRecord;
use crate::webhook_event::{self, NewWebhookEvent};
use crate::{Store, args, event, message, payment_link, payment_object, sla_clock, ticket};
use paydesk_domain::Actor;
use paydesk_domain::event::NewEvent;
use paydesk_domain::message::NewMessage;
use paydesk_domain::payment::follow_up::{LinkedTicket, QueueKey};
use paydesk_domain::payment::{Dispute, PaymentObjectKind, Payout, Transaction, TransactionId};
use paydesk_domain::ticket::{BusinessLine, Ticket};
use paydesk_domain::{CustomerId, QueueId, TicketId, Timestamp};
use std::collections::BTreeMap;

/// Open changes to payment objects and their tickets, with the events that record them.
pub struct PaymentWork {
    pub(crate) tx: Tx,
    pub(crate) events: Vec<NewEvent>,
}

/// `position of needle in haystack > 0`, in each engine's words (exact, case-sensitive).
fn contains(engine: Engine, haystack: &str, needle: &str) -> String {
    match engine {
        Engine::Sqlite => format!("instr({haystack}, {needle}) > 0"),
        Engine::Postgres => format!("strpos({haystack}, {needle}) > 0"),
    }
}

/// Statuses of tickets still being worked.
const UNRESOLVED: &str = "('new', 'open', 'pending', 'on_hold')";

impl Store {
    /// Starts changing payment objects and their tickets (see [`PaymentWork`]).
    pub async fn payment_work(&self) -> Result<PaymentWork, StoreError> {
        Ok(PaymentWork {
            tx: self.write().await?,
            events: Vec::new(),
        })
    }

    /// The payment objects a ticket is linked to, oldest link first.
    pub async fn ticket_payment_links(
        &self,
        ticket: TicketId,
    ) -> Result<Vec<(PaymentObjectKind, i64)>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT kind, object_id FROM ticket_payment_links WHERE ticket_id = $1 ORDER BY created_at, kind, object_id",
            &args![ticket.0],
        )
        .await?
        .iter()
        .map(|r| Ok((r.label("kind")?, r.i64("object_id")?)))
        .collect()
    }
}

impl PaymentWork {
    /// Records the delivery; `None` when its event was recorded before (then nothing else
    /// should happen: drop this work).
    pub async fn record_delivery(
        &mut self,
        delivery: &NewWebhookEvent,
    ) -> Result<Option<i64>, StoreError> {
        webhook_event::insert(&mut self.tx, delivery).await
    }

    /// Notes on a recorded delivery the ticket it opened or noted.
    pub async fn set_delivery_ticket(
        &mut self,
        delivery: i64,
        ticket: TicketId,
    ) -> Result<(), StoreError> {
        webhook_event::set_ticket(&mut self.tx, delivery, ticket).await
    }

    /// The transaction a gateway knows by `gateway_ref`.
    pub async fn transaction_by_ref(
        &mut self,
        gateway: &str,
        gateway_ref: &str,
    ) -> Result<Option<Transaction>, StoreError> {
        payment_object::transaction_by_ref(&mut self.tx, gateway, gateway_ref).await
    }

    /// The dispute a gateway knows by `gateway_ref`.
    pub async fn dispute_by_ref(
        &mut self,
        gateway: &str,
        gateway_ref: &str,
    ) -> Result<Option<Dispute>, StoreError> {
        payment_object::dispute_by_ref(&mut self.tx, gateway, gateway_ref).await
    }

    /// The payout a gateway knows by `gateway_ref`.
    pub async fn payout_by_ref(
        &mut self,
        gateway: &str,
        gateway_ref: &str,
    ) -> Result<Option<Payout>, StoreError> {
        payment_object::payout_by_ref(&mut self.tx, gateway, gateway_ref).await
    }

    /// Disputes that name the transaction `transaction_ref` but are not tied to it yet.
    pub async fn disputes_awaiting(
        &mut self,
        gateway: &str,
        transaction_ref: &str,
    ) -> Result<Vec<Dispute>, StoreError> {
        payment_object::disputes_awaiting(&mut self.tx, gateway, transaction_ref).await
    }

    /// The ids of the disputes tied to a transaction.
    pub async fn disputes_of(
        &mut self,
        transaction: TransactionId,
    ) -> Result<Vec<i64>, StoreError> {
        self.tx
            .rows(
                "SELECT id FROM disputes WHERE transaction_id = $1 ORDER BY id",
                &args![transaction.0],
            )
            .await?
            .iter()
            .map(|r| r.i64("id"))
            .collect()
    }

    /// Saves a transaction (id 0: a new one). Errors: [`StoreError::Duplicate`] when a
    /// concurrent delivery created the same one first (retry the work).
    pub async fn save_transaction(&mut self, t: &Transaction) -> Result<Transaction, StoreError> {
        payment_object::save_transaction(&mut self.tx, t).await
    }

    /// Saves a dispute (id 0: a new one), and moves the dispute deadline clock of the
    /// ticket working it. Errors as [`PaymentWork::save_transaction`].
    pub async fn save_dispute(&mut self, d: &Dispute) -> Result<Dispute, StoreError> {
        let saved = payment_object::save_dispute(&mut self.tx, d).await?;
        if let Some(ticket) = saved.ticket_id {
            let events =
                sla_clock::restep(&mut self.tx, ticket, &Actor::System, d.updated_at).await?;
            self.events.extend(events);
        }
        Ok(saved)
    }

    /// Saves a payout (id 0: a new one). Errors as [`PaymentWork::save_transaction`].
    pub async fn save_payout(&mut self, p: &Payout) -> Result<Payout, StoreError> {
        payment_object::save_payout(&mut self.tx, p).await
    }

    /// The tickets linked to a payment object, by id.
    pub async fn linked_tickets(
        &mut self,
        kind: PaymentObjectKind,
        object_id: i64,
    ) -> Result<Vec<LinkedTicket>, StoreError> {
        self.tx
            .rows(
                "SELECT t.id, t.status FROM ticket_payment_links l JOIN tickets t ON t.id = l.ticket_id \
                 WHERE l.kind = $1 AND l.object_id = $2 ORDER BY t.id",
                &args![kind.as_str(), object_id],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(LinkedTicket {
                    id: TicketId(r.i64("id")?),
                    status: r.label("status")?,
                })
            })
            .collect()
    }

    /// A customer's unresolved tickets whose subject or messages mention `text` (a gateway
    /// reference, matched exactly), at most 20, by id.
    pub async fn tickets_mentioning(
        &mut self,
        customer: CustomerId,
        text: &str,
    ) -> Result<Vec<LinkedTicket>, StoreError> {
        let engine = self.tx.engine();
        let sql = format!(
            "SELECT t.id, t.status FROM tickets t WHERE t.customer_id = $1 AND t.status IN {UNRESOLVED} \
             AND ({} OR EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND {})) \
             ORDER BY t.id LIMIT 20",
            contains(engine, "t.subject", "$2"),
            contains(engine, "m.body", "$2"),
        );
        self.tx
            .rows(&sql, &args![customer.0, text])
            .await?
            .iter()
            .map(|r| {
                Ok(LinkedTicket {
                    id: TicketId(r.i64("id")?),
                    status: r.label("status")?,
                })
            })
            .collect()
    }

    /// Links the customer's unresolved tickets that name a payment object that just arrived
    /// (each of `names`: its gateway reference, its order id) and records a
    /// `payment_linked` event (reason `mention`) per new link. Returns the tickets linked now.
    pub async fn link_mentioning(
        &mut self,
        customer: CustomerId,
        kind: PaymentObjectKind,
        object_id: i64,
        names: &[&str],
        actor: &Actor,
        at: Timestamp,
    ) -> Result<Vec<TicketId>, StoreError> {
        let mut links = Vec::new();
        for name in names {
            for t in self.tickets_mentioning(customer, name).await? {
                links.push((t.id, kind, object_id, at));
            }
        }
        links.sort_unstable();
        links.dedup();
        let inserted = payment_link::insert_links(&mut self.tx, &links).await?;
        let mut linked = Vec::with_capacity(inserted.len());
        for (ticket, kind, id) in inserted {
            self.events.push(payment_link::linked_event(
                ticket,
                kind,
                id,
                true,
                payment_link::REASON_MENTION,
                actor,
                at,
            ));
            linked.push(ticket);
        }
        Ok(linked)
    }

    /// Links a ticket to a payment object (once: linking again changes nothing).
    pub async fn link(
        &mut self,
        ticket: TicketId,
        kind: PaymentObjectKind,
        object_id: i64,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.tx
            .exec(
                "INSERT INTO ticket_payment_links (ticket_id, kind, object_id, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (ticket_id, kind, object_id) DO NOTHING",
                &args![ticket.0, kind.as_str(), object_id, at.0],
            )
            .await?;
        Ok(())
    }

    /// The id of the queue with `queue.key`, made (with `queue.name`) when there is none.
    pub async fn queue_id(
        &mut self,
        queue: QueueKey,
        at: Timestamp,
    ) -> Result<QueueId, StoreError> {
        self.tx
            .exec(
                "INSERT INTO queues (key, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
                &args![queue.key, queue.name, at.0],
            )
            .await?;
        let row = self
            .tx
            .row("SELECT id FROM queues WHERE key = $1", &args![queue.key])
            .await?
            .ok_or(StoreError::NotFound { entity: "queue" })?;
        Ok(QueueId(row.i64("id")?))
    }

    /// The customer whose platform id `key` is `value` (the lowest id if several are).
    pub async fn customer_by_external_id(
        &mut self,
        key: &str,
        value: &str,
    ) -> Result<Option<(CustomerId, BusinessLine)>, StoreError> {
        // External ids are one JSON object per customer: narrow by the quoted value, then
        // check the name exactly.
        let needle =
            serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let sql = format!(
            "SELECT id, business_line, external_ids FROM customers WHERE {} ORDER BY id LIMIT 50",
            contains(self.tx.engine(), "external_ids", "$1")
        );
        for row in self.tx.rows(&sql, &args![needle]).await? {
            let ids: BTreeMap<String, String> = row.json("external_ids")?;
            if ids.get(key).is_some_and(|v| v == value) {
                return Ok(Some((
                    CustomerId(row.i64("id")?),
                    row.label("business_line")?,
                )));
            }
        }
        Ok(None)
    }

    /// The customer with this (normalised) email (the lowest id if several have it).
    pub async fn customer_by_email(
        &mut self,
        email: &str,
    ) -> Result<Option<(CustomerId, BusinessLine)>, StoreError> {
        let row = self
            .tx
            .row(
                "SELECT c.id, c.business_line FROM customer_emails e JOIN customers c ON c.id = e.customer_id \
                 WHERE e.email = $1 ORDER BY c.id LIMIT 1",
                &args![email],
            )
            .await?;
        row.map(|r| Ok((CustomerId(r.i64("id")?), r.label("business_line")?)))
            .transpose()
    }

    /// A customer's business line. Errors: [`StoreError::NotFound`].
    pub async fn customer_line(&mut self, id: CustomerId) -> Result<BusinessLine, StoreError> {
        let row = self
            .tx
            .row(
                "SELECT business_line FROM customers WHERE id = $1",
                &args![id.0],
            )
            .await?
            .ok_or(StoreError::NotFound { entity: "customer" })?;
        row.label("business_line")
    }

    /// Opens a ticket. Its events are kept for [`PaymentWork::commit`], with the new
    /// ticket's id filled in.
    pub async fn open_ticket(&mut self, record: TicketRecord) -> Result<Ticket, StoreError> {
        let TicketRecord {
            ticket,
            messages,
            events,
        } = record;
        let bare = TicketRecord {
            ticket,
            messages,
            events: Vec::new(),
        };
        let stored = ticket::insert_with_key(&mut self.tx, &bare, None).await?;
        self.events.extend(events.into_iter().map(|mut e| {
            e.ticket_id.get_or_insert(stored.id);
            e
        }));
        Ok(stored)
    }

    /// Adds an internal note (or any message) to a ticket that is not closed, moving its
    /// version on; `events` are kept for [`PaymentWork::commit`].
    ///
    /// Errors: [`StoreError::VersionConflict`] when the ticket was closed meanwhile (retry
    /// the work); [`StoreError::NotFound`].
    pub async fn add_message(
        &mut self,
        ticket: TicketId,
        message: &NewMessage,
        events: Vec<NewEvent>,
    ) -> Result<(), StoreError> {
        let touched = self
            .tx
            .exec(
                "UPDATE tickets SET version = version + 1, updated_at = $1 WHERE id = $2 AND status <> 'closed'",
                &args![message.at.0, ticket.0],
            )
            .await?;
        if touched == 0 {
            let exists = self
                .tx
                .row(
                    "SELECT version FROM tickets WHERE id = $1",
                    &args![ticket.0],
                )
                .await?;
            return Err(match exists {
                Some(row) => StoreError::VersionConflict {
                    entity: "ticket",
                    expected: row.i64("version")?,
                },
                None => StoreError::NotFound { entity: "ticket" },
            });
        }
        message::insert(&mut self.tx, ticket, message).await?;
        self.events.extend(events);
        Ok(())
    }

    /// Keeps `event` for [`PaymentWork::commit`].
    pub fn record(&mut self, event: NewEvent) {
        self.events.push(event);
    }

    /// Appends every kept event, in order, then commits.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        event::append_all(&mut self.tx, &self.events, None).await?;
        self.tx.commit().await
    }
}
