//! One gateway event applied inside one [`PaymentWork`]: the customer matched, the payment
//! object merged and saved, the tickets followed up (opened or noted, and linked), one
//! event per change to a payment object, and the delivery noted with its ticket. The
//! decisions are the domain's (`merge`, `follow_up`, `notice`); this is the order of
//! things.

use super::payload::Masked;
use crate::App;
use crate::error::AppError;
use crate::tickets::NewTicketInput;
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::{Author, NewMessage, Visibility};
use paydesk_domain::payment::fact::{CustomerHint, GatewayEvent, PaymentFact};
use paydesk_domain::payment::follow_up::{FollowUp, LinkedTicket, NewCase, follow_up};
use paydesk_domain::payment::merge::{self, Report};
use paydesk_domain::payment::notice::{self, Origin};
use paydesk_domain::payment::{Dispute, PaymentObject, PaymentObjectKind};
use paydesk_domain::ticket::{BusinessLine, Channel};
use paydesk_domain::{Actor, CustomerId, TicketId, Timestamp};
use paydesk_store::PaymentWork;
use serde_json::json;

/// Who delivered the event and when, for every event recorded.
pub(super) struct Context {
    pub actor: Actor,
    pub ip: Option<String>,
    pub now: Timestamp,
    pub delivery: i64,
    pub masked: Masked,
}

impl Context {
    /// An event of this delivery (its actor, time and address).
    pub fn event(
        &self,
        ticket: Option<TicketId>,
        kind: EventKind,
        data: serde_json::Value,
    ) -> NewEvent {
        NewEvent::ticket(ticket, &self.actor, self.now, kind, data).from_ip(self.ip.as_deref())
    }

    /// The record that card data was masked in the payload, when some was.
    pub fn redaction(&self, ticket: Option<TicketId>) -> Option<NewEvent> {
        self.masked.any().then(|| {
            self.event(
                ticket,
                EventKind::Redacted,
                json!({
                    "field": "webhook_payload",
                    "card_numbers": self.masked.card_numbers,
                    "security_codes": self.masked.security_codes,
                }),
            )
        })
    }
}

/// A payment object before and after the event, and the tickets already about it.
struct Saved {
    before: Option<PaymentObject>,
    after: PaymentObject,
    linked: Vec<LinkedTicket>,
}

fn origin(event: &GatewayEvent) -> Origin<'_> {
    Origin {
        gateway: &event.gateway,
        event_type: &event.event_type,
        event_id: &event.event_id,
    }
}

/// The event recording a change to `after` (none when nothing changed).
fn object_event(
    ctx: &Context,
    event: &GatewayEvent,
    before: Option<&PaymentObject>,
    after: &PaymentObject,
    ticket: Option<TicketId>,
) -> Option<NewEvent> {
    let origin = json!({ "webhook_event": event.event_id, "event_type": event.event_type });
    crate::payments::recorded_event(&ctx.actor, ctx.now, before, after, ticket, origin)
        .map(|e| e.from_ip(ctx.ip.as_deref()))
}

/// The customer's tickets that name a payment object (by its gateway reference), linked
/// to it now if they were not (`payment_linked`, reason `mention`), so the event notes
/// them rather than opening a ticket of its own.
async fn link_mentions(
    work: &mut PaymentWork,
    customer: CustomerId,
    (kind, id): (PaymentObjectKind, i64),
    names: &[&str],
    ctx: &Context,
) -> Result<Vec<LinkedTicket>, AppError> {
    let mentioning = work.tickets_mentioning(customer, names[0]).await?;
    work.link_mentioning(customer, kind, id, names, &ctx.actor, ctx.now)
        .await?;
    Ok(mentioning)
}

/// Links tickets to a payment object, de-duplicated, in id order.
fn merged(mut a: Vec<LinkedTicket>, b: Vec<LinkedTicket>) -> Vec<LinkedTicket> {
    a.extend(b);
    a.sort_by_key(|t| t.id);
    a.dedup_by_key(|t| t.id);
    a
}

impl App {
    /// Applies `event` in `work`; returns the ticket it opened or first noted.
    pub(super) async fn apply_gateway_event(
        &self,
        work: &mut PaymentWork,
        event: &GatewayEvent,
        ctx: &Context,
    ) -> Result<Option<TicketId>, AppError> {
        let customer = match_customer(work, &event.customer).await?;
        let report = Report {
            gateway: &event.gateway,
            customer_id: customer.map(|(id, _)| id),
            now: ctx.now,
            occurred_at: event.occurred_at,
        };
        let saved = match &event.fact {
            PaymentFact::Transaction(f) => {
                let before = work
                    .transaction_by_ref(&event.gateway, &f.gateway_ref)
                    .await?;
                let after = work
                    .save_transaction(&merge::transaction(before.as_ref(), f, report))
                    .await?;
                if before.is_none() {
                    self.tie_awaiting_disputes(work, event, &after, ctx).await?;
                }
                let mut linked = work
                    .linked_tickets(PaymentObjectKind::Transaction, after.id.0)
                    .await?;
                for d in work.disputes_of(after.id).await? {
                    let of_dispute = work.linked_tickets(PaymentObjectKind::Dispute, d).await?;
                    linked = merged(linked, of_dispute);
                }
                if let Some(customer) = after.customer_id {
                    let names: Vec<&str> = std::iter::once(after.gateway_ref.as_str())
                        .chain(after.order_id.as_deref())
                        .collect();
                    let object = (PaymentObjectKind::Transaction, after.id.0);
                    let mentioning = link_mentions(work, customer, object, &names, ctx).await?;
                    linked = merged(linked, mentioning);
                }
                Saved {
                    before: before.map(PaymentObject::Transaction),
                    after: PaymentObject::Transaction(after),
                    linked,
                }
            }
            PaymentFact::Dispute(f) => {
                let before = work.dispute_by_ref(&event.gateway, &f.gateway_ref).await?;
                let transaction = match &f.transaction_ref {
                    Some(r) => work.transaction_by_ref(&event.gateway, r).await?,
                    None => None,
                };
                let report = Report {
                    customer_id: report
                        .customer_id
                        .or(transaction.as_ref().and_then(|t| t.customer_id)),
                    ..report
                };
                let next = merge::dispute(
                    before.as_ref(),
                    f,
                    event.kind,
                    transaction.map(|t| t.id),
                    report,
                );
                let after = work.save_dispute(&next).await?;
                let linked = work
                    .linked_tickets(PaymentObjectKind::Dispute, after.id.0)
                    .await?;
                Saved {
                    before: before.map(PaymentObject::Dispute),
                    after: PaymentObject::Dispute(after),
                    linked,
                }
            }
            PaymentFact::Payout(f) => {
                let before = work.payout_by_ref(&event.gateway, &f.gateway_ref).await?;
                let after = work
                    .save_payout(&merge::payout(before.as_ref(), f, report))
                    .await?;
                let mut linked = work
                    .linked_tickets(PaymentObjectKind::Payout, after.id.0)
                    .await?;
                if let Some(customer) = after.customer_id {
                    let object = (PaymentObjectKind::Payout, after.id.0);
                    let names = [after.gateway_ref.as_str()];
                    let mentioning = link_mentions(work, customer, object, &names, ctx).await?;
                    linked = merged(linked, mentioning);
                }
                Saved {
                    before: before.map(PaymentObject::Payout),
                    after: PaymentObject::Payout(after),
                    linked,
                }
            }
        };
        let line = match (customer, saved.after.customer_id()) {
            (Some((_, line)), _) => Some(line),
            (None, Some(id)) => Some(work.customer_line(id).await?),
            (None, None) => None,
        };
        let tickets = match follow_up(event.kind, &saved.linked, line) {
            FollowUp::Open(case) => {
                vec![self.open_case(work, event, &saved.after, case, ctx).await?]
            }
            FollowUp::Note(ids) => {
                for id in &ids {
                    self.note(work, event, &saved, *id, ctx).await?;
                }
                ids
            }
            FollowUp::Nothing => vec![],
        };
        let first = tickets.first().copied();
        if let Some(e) = object_event(ctx, event, saved.before.as_ref(), &saved.after, first) {
            work.record(e);
        }
        if let Some(e) = ctx.redaction(first) {
            work.record(e);
        }
        if let Some(ticket) = first {
            work.set_delivery_ticket(ctx.delivery, ticket).await?;
        }
        Ok(first)
    }

    /// A transaction paydesk did not hold until now may be the one disputes are waiting for.
    async fn tie_awaiting_disputes(
        &self,
        work: &mut PaymentWork,
        event: &GatewayEvent,
        transaction: &paydesk_domain::payment::Transaction,
        ctx: &Context,
    ) -> Result<(), AppError> {
        for before in work
            .disputes_awaiting(&event.gateway, &transaction.gateway_ref)
            .await?
        {
            let after = Dispute {
                transaction_id: Some(transaction.id),
                customer_id: before.customer_id.or(transaction.customer_id),
                updated_at: ctx.now,
                ..before.clone()
            };
            let after = work.save_dispute(&after).await?;
            let ticket = after.ticket_id;
            let (before, after) = (
                PaymentObject::Dispute(before),
                PaymentObject::Dispute(after),
            );
            if let Some(e) = object_event(ctx, event, Some(&before), &after, ticket) {
                work.record(e);
            }
        }
        Ok(())
    }

    /// Opens a ticket about `object` as `case` says, and links it.
    async fn open_case(
        &self,
        work: &mut PaymentWork,
        event: &GatewayEvent,
        object: &PaymentObject,
        case: NewCase,
        ctx: &Context,
    ) -> Result<TicketId, AppError> {
        let queue = work.queue_id(case.queue, ctx.now).await?;
        let input = NewTicketInput {
            subject: notice::subject(object),
            body: notice::opening(event.kind, object, origin(event)),
            priority: case.priority,
            channel: Channel::Gateway,
            business_line: case.business_line,
            category: Some(case.category.to_string()),
            tags: vec!["gateway".to_string(), object.kind().as_str().to_string()],
            queue_id: Some(queue),
            assignee_id: None,
            customer_id: object.customer_id(),
            language: "en".to_string(),
            attachments: vec![],
        };
        let mut record = self.ticket_record(&ctx.actor, input)?;
        // The gateway wrote this, not the customer: the first message is a staff-only note.
        for m in &mut record.messages {
            m.visibility = Visibility::Internal;
            m.author = Author::System;
        }
        for e in &mut record.events {
            if e.kind == EventKind::MessageAdded {
                e.data["visibility"] = json!(Visibility::Internal);
            }
            e.ip.clone_from(&ctx.ip);
        }
        let ticket = work.open_ticket(record).await?;
        work.link(ticket.id, object.kind(), object.id(), ctx.now)
            .await?;
        if let PaymentObject::Dispute(d) = object {
            work.save_dispute(&Dispute {
                ticket_id: Some(ticket.id),
                ..d.clone()
            })
            .await?;
        }
        Ok(ticket.id)
    }

    /// Adds the internal note about the event to `ticket`, and links it to the object.
    async fn note(
        &self,
        work: &mut PaymentWork,
        event: &GatewayEvent,
        saved: &Saved,
        ticket: TicketId,
        ctx: &Context,
    ) -> Result<(), AppError> {
        let body = notice::note(
            event.kind,
            saved.before.as_ref(),
            &saved.after,
            origin(event),
        );
        let message = NewMessage {
            at: ctx.now,
            visibility: Visibility::Internal,
            author: Author::System,
            body,
            attachments: vec![],
        };
        let added = ctx.event(
            Some(ticket),
            EventKind::MessageAdded,
            json!({ "visibility": Visibility::Internal }),
        );
        work.add_message(ticket, &message, vec![added]).await?;
        work.link(ticket, saved.after.kind(), saved.after.id(), ctx.now)
            .await?;
        Ok(())
    }
}

/// The customer a payment concerns: by platform id first, then by email. Webhooks,
/// the loading API and imports all match this way.
pub(crate) async fn match_customer(
    work: &mut PaymentWork,
    hint: &CustomerHint,
) -> Result<Option<(CustomerId, BusinessLine)>, AppError> {
    for (key, value) in &hint.external_ids {
        if let Some(found) = work.customer_by_external_id(key, value).await? {
            return Ok(Some(found));
        }
    }
    for email in &hint.emails {
        let Ok(email) = paydesk_domain::customer::normalize_email(email) else {
            continue;
        };
        if let Some(found) = work.customer_by_email(&email).await? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}
