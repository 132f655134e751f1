//! Queues as leads set them up (conditions, position, routing mode, overflow, members) and
//! as agents see them (counts, the tickets in urgency order). A BPO agent sees only its
//! vendor's queues; any other answers "not found".

use super::refuse_labels;
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::policy::{Action, TicketScope};
use paydesk_domain::role::Role;
use paydesk_domain::routing::{QueueConditions, RoutingMode};
use paydesk_domain::{QueueId, UserId};
use paydesk_store::{
    NewQueue, Page, PageRequest, QueueCounts, QueueRouting, QueueSettings, StoreError, WorkRow,
};
use serde_json::json;

/// Longest overflow wait: a week.
const OVERFLOW_MAX_MINUTES: i64 = 7 * 24 * 60;

/// A queue with its settings and the counts of its unsolved tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueOverview {
    pub settings: QueueSettings,
    pub counts: Option<QueueCounts>,
    pub members: Vec<UserId>,
}

/// A change to a queue's routing settings. `None` leaves a field alone; `Some(None)`
/// clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueuePatch {
    pub conditions: Option<QueueConditions>,
    pub position: Option<i64>,
    pub routing: Option<RoutingMode>,
    pub overflow_after_minutes: Option<Option<i64>>,
    pub overflow_queue_id: Option<Option<QueueId>>,
    pub calendar_id: Option<Option<i64>>,
}

impl QueuePatch {
    /// The settings `current` becomes, checked.
    fn applied_to(self, id: QueueId, current: QueueRouting) -> Result<QueueRouting, AppError> {
        let mut next = current;
        if let Some(c) = self.conditions {
            refuse_labels("conditions.categories", c.categories.iter().flatten())?;
            refuse_labels("conditions.languages", c.languages.iter().flatten())?;
            next.conditions = c.validated()?;
        }
        next.position = self.position.unwrap_or(next.position);
        next.routing = self.routing.unwrap_or(next.routing);
        if let Some(m) = self.overflow_after_minutes {
            next.overflow_after_minutes = m;
        }
        if let Some(q) = self.overflow_queue_id {
            next.overflow_queue_id = q;
        }
        if let Some(c) = self.calendar_id {
            next.calendar_id = c;
        }
        if next
            .overflow_after_minutes
            .is_some_and(|m| !(1..=OVERFLOW_MAX_MINUTES).contains(&m))
        {
            return Err(AppError::invalid(
                "overflow_after_minutes",
                format!("between 1 and {OVERFLOW_MAX_MINUTES}"),
            ));
        }
        if next.overflow_queue_id == Some(id) {
            return Err(AppError::invalid(
                "overflow_queue_id",
                "a queue cannot overflow into itself",
            ));
        }
        if next.overflow_after_minutes.is_some() != next.overflow_queue_id.is_some() {
            return Err(AppError::invalid(
                "overflow_queue_id",
                "set overflow_after_minutes and overflow_queue_id together (or clear both)",
            ));
        }
        Ok(next)
    }
}

impl App {
    fn vendor_scope(caller: &Caller) -> Option<Option<paydesk_domain::VendorId>> {
        match caller.ticket_scope() {
            TicketScope::All => Some(None),
            TicketScope::Vendor(v) => Some(Some(v)),
            TicketScope::Nothing => None,
        }
    }

    /// The queues the caller may see, in placement order, with their counts and members.
    pub async fn queues(&self, caller: &Caller) -> Result<Vec<QueueOverview>, AppError> {
        caller.require(Action::QueueRead)?;
        let Some(vendor) = Self::vendor_scope(caller) else {
            return Ok(vec![]);
        };
        let mut counts = self.store.queue_counts(vendor).await?;
        let mut out = Vec::new();
        for settings in self.store.queue_settings_all().await? {
            if vendor.is_some() && settings.queue.vendor_id != vendor {
                continue;
            }
            let id = settings.queue.id;
            out.push(QueueOverview {
                counts: counts
                    .iter()
                    .position(|c| c.queue_id == id)
                    .map(|i| counts.swap_remove(i)),
                members: self.store.queue_members(id).await?,
                settings,
            });
        }
        Ok(out)
    }

    /// One queue the caller may see. Errors: [`AppError::NotFound`].
    pub async fn queue(&self, caller: &Caller, id: QueueId) -> Result<QueueOverview, AppError> {
        caller.require(Action::QueueRead)?;
        self.queue_visible(caller, id).await?;
        let vendor = Self::vendor_scope(caller).flatten();
        let counts = self.store.queue_counts(vendor).await?;
        Ok(QueueOverview {
            settings: self.store.queue_settings(id).await?,
            counts: counts.into_iter().find(|c| c.queue_id == id),
            members: self.store.queue_members(id).await?,
        })
    }

    async fn queue_visible(&self, caller: &Caller, id: QueueId) -> Result<(), AppError> {
        if self.queue_in_scope(caller, Some(id)).await? {
            Ok(())
        } else {
            Err(AppError::NotFound { entity: "queue" })
        }
    }

    /// A queue's unsolved tickets, most urgent first. Errors: [`AppError::NotFound`];
    /// [`AppError::Invalid`] for a cursor this server did not issue.
    pub async fn queue_tickets(
        &self,
        caller: &Caller,
        id: QueueId,
        page: &PageRequest,
    ) -> Result<Page<WorkRow>, AppError> {
        caller.require(Action::QueueRead)?;
        self.queue_visible(caller, id).await?;
        Ok(self.store.queue_tickets(id, page).await?)
    }

    /// Creates a queue with its routing settings. Errors: [`AppError::Duplicate`] when the
    /// key is taken; [`AppError::Invalid`] as [`App::change_queue`].
    pub async fn create_queue(
        &self,
        caller: &Caller,
        new: NewQueue,
        patch: QueuePatch,
    ) -> Result<QueueSettings, AppError> {
        caller.require(Action::QueueManage)?;
        let key = new.key.trim();
        if key.is_empty()
            || key.len() > 64
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(AppError::invalid("key", "1-64 letters, digits, '-' or '_'"));
        }
        let name = new.name.trim();
        if name.is_empty() || name.len() > 100 {
            return Err(AppError::invalid("name", "1-100 characters"));
        }
        refuse_labels("name", [&name.to_string()])?;
        let new = NewQueue {
            key: key.to_string(),
            name: name.to_string(),
            ..new
        };
        // Checked before anything is written, with the id the queue cannot have yet.
        patch
            .clone()
            .applied_to(QueueId(0), QueueRouting::default())?;
        let queue = match self.store.insert_queue(&new, self.clock.now()).await {
            Err(StoreError::Duplicate) => {
                return Err(AppError::Duplicate(format!(
                    "a queue with key {key} exists"
                )));
            }
            Err(StoreError::MissingReference) => {
                return Err(AppError::invalid("vendor_id", "no such vendor"));
            }
            other => other?,
        };
        self.change_queue(caller, queue.id, patch).await
    }

    /// Changes a queue's conditions, position, routing mode, overflow or calendar.
    /// Errors: [`AppError::NotFound`]; [`AppError::Invalid`] for an overflow outside 1
    /// minute to a week, into the queue itself or without its other half, an unknown
    /// overflow queue or calendar, or card data in a condition.
    pub async fn change_queue(
        &self,
        caller: &Caller,
        id: QueueId,
        patch: QueuePatch,
    ) -> Result<QueueSettings, AppError> {
        caller.require(Action::QueueManage)?;
        let current = self.store.queue_settings(id).await?;
        let next = patch.applied_to(id, current.routing)?;
        let event = self.config_event(
            caller,
            json!({ "what": "queue", "queue_id": id, "routing": next.routing, "position": next.position }),
        );
        let saved = match self.store.set_queue_routing(id, &next, &event).await {
            Err(StoreError::MissingReference) => Err(AppError::invalid(
                "overflow_queue_id",
                "the overflow queue or calendar named does not exist",
            )),
            other => other.map_err(AppError::from),
        }?;
        self.want_routing();
        Ok(saved)
    }

    /// Makes `user` a member of `queue`. A BPO agent may only join its vendor's queues.
    /// Errors: [`AppError::NotFound`] for an unknown queue or user.
    pub async fn add_queue_member(
        &self,
        caller: &Caller,
        queue: QueueId,
        user: UserId,
    ) -> Result<(), AppError> {
        caller.require(Action::QueueManage)?;
        let q = self.store.queue_settings(queue).await?.queue;
        let u = self.store.user(user).await?;
        if u.role == Role::BpoAgent && (u.vendor_id.is_none() || u.vendor_id != q.vendor_id) {
            return Err(AppError::invalid(
                "user_id",
                "a BPO agent works only its own vendor's queues",
            ));
        }
        let event = self.config_event(
            caller,
            json!({ "what": "queue_member", "change": "added", "queue_id": queue, "user_id": user }),
        );
        self.store.add_queue_member(queue, user, &event).await?;
        self.want_routing();
        Ok(())
    }

    /// Removes `user` from `queue`; returns whether they were a member.
    pub async fn remove_queue_member(
        &self,
        caller: &Caller,
        queue: QueueId,
        user: UserId,
    ) -> Result<bool, AppError> {
        caller.require(Action::QueueManage)?;
        self.store.queue_settings(queue).await?;
        let event = self.config_event(
            caller,
            json!({ "what": "queue_member", "change": "removed", "queue_id": queue, "user_id": user }),
        );
        Ok(self.store.remove_queue_member(queue, user, &event).await?)
    }
}
