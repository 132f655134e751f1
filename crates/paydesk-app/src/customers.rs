//! Customer use cases: create, read, list, update (optimistically).

use crate::error::AppError;
use crate::tickets::{refuse_nul, refuse_unstorable};
use crate::{App, Caller};
use paydesk_domain::customer::{Customer, CustomerPatch, NewCustomer};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::policy::{Action, TicketScope};
use paydesk_domain::redaction::redact;
use paydesk_domain::{Actor, CustomerId};
use paydesk_store::{CustomerFilter, Page, PageRequest, StoreError};
use serde_json::json;

fn customer_event(
    actor: &Actor,
    id: Option<CustomerId>,
    at: paydesk_domain::Timestamp,
    kind: EventKind,
    data: serde_json::Value,
) -> NewEvent {
    NewEvent {
        ticket_id: None,
        customer_id: id,
        actor: actor.clone(),
        at,
        kind,
        data,
        ip: None,
    }
}

/// Names are free text, so a card number typed into one is masked too.
fn redact_name(name: &str) -> (String, usize) {
    let r = redact(name);
    let n = r.count();
    (r.text, n)
}

/// Refuses NUL in every free-text field of a customer (see [`refuse_nul`]).
fn refuse_nul_in<'a>(
    name: Option<&str>,
    phone: Option<&str>,
    locale: Option<&str>,
    external_ids: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Result<(), AppError> {
    refuse_nul("name", name.unwrap_or(""))?;
    // Phones and platform ids are identifiers checked by shape: long numeric ids pass the
    // Luhn test one time in ten, so a card check would refuse real ones at random.
    refuse_nul("phone", phone.unwrap_or(""))?;
    refuse_unstorable("locale", locale.unwrap_or(""))?;
    for (k, v) in external_ids {
        refuse_nul("external_ids", k)?;
        refuse_nul("external_ids", v)?;
    }
    Ok(())
}

impl App {
    /// Creates a customer. Errors: [`AppError::Invalid`] naming the field.
    pub async fn create_customer(
        &self,
        caller: &Caller,
        mut input: NewCustomer,
    ) -> Result<Customer, AppError> {
        caller.require(Action::CustomerWrite)?;
        let actor = &caller.actor();
        refuse_nul_in(
            Some(&input.name),
            input.phone.as_deref(),
            input.locale.as_deref(),
            &input.external_ids,
        )?;
        for e in &input.emails {
            refuse_unstorable("emails", e)?;
        }
        let now = self.clock.now();
        let (name, masked) = redact_name(&input.name);
        input.name = name;
        let input = input.validated()?;
        let event = customer_event(
            actor,
            None,
            now,
            EventKind::CustomerCreated,
            json!({ "redacted": masked }),
        )
        .from_ip(caller.ip.as_deref());
        let created = self.store.insert_customer(&input, now, &event).await?;
        Ok(shown_to(caller, created))
    }

    /// One customer, with personal data masked for callers who may not see it.
    /// Errors: [`AppError::NotFound`], also for customers outside the caller's sight.
    pub async fn customer(&self, caller: &Caller, id: CustomerId) -> Result<Customer, AppError> {
        caller.require(Action::CustomerRead)?;
        self.check_customer_in_scope(caller, id).await?;
        let customer = self.store.customer(id).await?;
        self.audit_pii_read(caller, &[id]).await?;
        Ok(shown_to(caller, customer))
    }

    /// Every read of customers' personal data by a person is recorded.
    async fn audit_pii_read(&self, caller: &Caller, ids: &[CustomerId]) -> Result<(), AppError> {
        if !(caller.is_person() && caller.sees_pii()) || ids.is_empty() {
            return Ok(());
        }
        let one = (ids.len() == 1).then(|| ids[0]);
        self.audit(
            caller,
            EventKind::PiiRead,
            one,
            json!({ "customer_ids": ids }),
        )
        .await
    }

    pub(crate) async fn check_customer_in_scope(
        &self,
        caller: &Caller,
        id: CustomerId,
    ) -> Result<(), AppError> {
        let visible = match caller.ticket_scope() {
            TicketScope::All => true,
            TicketScope::Nothing => false,
            TicketScope::Vendor(v) => self.store.customer_served_by(id, v).await?,
        };
        if visible {
            Ok(())
        } else {
            Err(AppError::NotFound { entity: "customer" })
        }
    }

    /// Customers matching `filter`, newest first.
    pub async fn list_customers(
        &self,
        caller: &Caller,
        filter: &CustomerFilter,
        page: &PageRequest,
    ) -> Result<Page<Customer>, AppError> {
        caller.require(Action::CustomerRead)?;
        refuse_nul("email", filter.email.as_deref().unwrap_or(""))?;
        refuse_nul("name", filter.name.as_deref().unwrap_or(""))?;
        let mut filter = filter.clone();
        match caller.ticket_scope() {
            TicketScope::All => {}
            TicketScope::Vendor(v) => filter.vendor_id = Some(v),
            TicketScope::Nothing => {
                return Ok(Page {
                    items: vec![],
                    next_cursor: None,
                });
            }
        }
        if !caller.sees_pii() && (filter.email.is_some() || filter.name.is_some()) {
            // Searching by personal data would reveal it; only those who may see it may search by it.
            return Err(AppError::Forbidden {
                action: Action::CustomerPii,
            });
        }
        let page = self.store.list_customers(&filter, page).await?;
        let ids: Vec<CustomerId> = page.items.iter().map(|c| c.id).collect();
        self.audit_pii_read(caller, &ids).await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|c| shown_to(caller, c))
                .collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// Applies `patch` if the customer is still at `expected_version` (when given).
    pub async fn update_customer(
        &self,
        caller: &Caller,
        id: CustomerId,
        mut patch: CustomerPatch,
        expected_version: Option<i64>,
    ) -> Result<Customer, AppError> {
        caller.require(Action::CustomerWrite)?;
        self.check_customer_in_scope(caller, id).await?;
        let actor = &caller.actor();
        refuse_nul_in(
            patch.name.as_deref(),
            patch.phone.as_ref().and_then(Option::as_deref),
            patch.locale.as_ref().and_then(Option::as_deref),
            patch.external_ids.iter().flatten(),
        )?;
        for e in patch.emails.iter().flatten() {
            refuse_unstorable("emails", e)?;
        }
        let now = self.clock.now();
        let current = self.store.customer(id).await?;
        if let Some(v) = expected_version
            && v != current.version
        {
            return Err(AppError::VersionConflict {
                entity: "customer",
                sent: v,
                current: current.version,
            });
        }
        let mut masked = 0;
        if let Some(name) = &patch.name {
            let (n, m) = redact_name(name);
            patch.name = Some(n);
            masked = m;
        }
        let mut next = current.clone();
        let changed = next.apply(&patch, now)?;
        if changed.is_empty() {
            return Ok(current);
        }
        let event = customer_event(
            actor,
            Some(id),
            now,
            EventKind::CustomerUpdated,
            json!({ "fields": changed, "redacted": masked }),
        )
        .from_ip(caller.ip.as_deref());
        match self
            .store
            .update_customer(&next, current.version, &event)
            .await
        {
            Err(StoreError::VersionConflict { .. }) => {
                let now = self.store.customer(id).await?;
                Err(AppError::VersionConflict {
                    entity: "customer",
                    sent: current.version,
                    current: now.version,
                })
            }
            other => other.map_err(AppError::from),
        }?;
        Ok(shown_to(caller, next))
    }
}

/// The customer as this caller may see it: personal data masked unless the policy allows it.
fn shown_to(caller: &Caller, customer: Customer) -> Customer {
    if caller.sees_pii() {
        customer
    } else {
        customer.masked()
    }
}
