//! Placing new tickets that name no queue: queues are tried in position order (then id),
//! and the first whose conditions match takes the ticket. Queues without conditions take
//! part never (they get tickets sent to them by name). The placement is recorded in the
//! creation events: `queue_id` in `ticket_created`, and a `queue_changed` event with reason
//! `placement`.

use crate::App;
use crate::error::AppError;
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_store::TicketRecord;
use serde_json::json;

impl App {
    /// Puts each record that names no queue in the first queue whose conditions match.
    pub(crate) async fn place(&self, records: &mut [TicketRecord]) -> Result<(), AppError> {
        if records.iter().all(|r| r.ticket.queue_id.is_some()) {
            return Ok(());
        }
        let queues: Vec<_> = self
            .store
            .queue_settings_all()
            .await?
            .into_iter()
            .filter(|q| !q.routing.conditions.is_empty())
            .collect();
        if queues.is_empty() {
            return Ok(());
        }
        let needs_tier = queues
            .iter()
            .any(|q| q.routing.conditions.needs_customer_tier());
        for record in records.iter_mut().filter(|r| r.ticket.queue_id.is_none()) {
            let tier = match (needs_tier, record.ticket.customer_id) {
                (true, Some(c)) => Some(self.store.customer(c).await?.tier),
                _ => None,
            };
            let Some(q) = queues
                .iter()
                .find(|q| q.routing.conditions.matches(&record.ticket, tier))
            else {
                continue;
            };
            let queue = q.queue.id;
            record.ticket.queue_id = Some(queue);
            let mut placed = None;
            for e in &mut record.events {
                if e.kind == EventKind::TicketCreated {
                    e.data["queue_id"] = json!(queue);
                    placed = Some(NewEvent::ticket(
                        None,
                        &e.actor,
                        e.at,
                        EventKind::QueueChanged,
                        json!({ "from": null, "to": queue, "reason": "placement" }),
                    ));
                }
            }
            if let Some(e) = placed {
                let at = record
                    .events
                    .iter()
                    .position(|e| e.kind == EventKind::TicketCreated)
                    .map_or(0, |i| i + 1);
                record.events.insert(at, e);
            }
        }
        Ok(())
    }
}
