//! Customer use cases: create, read, list, update (optimistically).

use crate::App;
use crate::error::AppError;
use crate::tickets::refuse_nul;
use paydesk_domain::customer::{Customer, CustomerPatch, NewCustomer};
use paydesk_domain::event::{EventKind, NewEvent};
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
    refuse_nul("phone", phone.unwrap_or(""))?;
    refuse_nul("locale", locale.unwrap_or(""))?;
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
        actor: &Actor,
        mut input: NewCustomer,
    ) -> Result<Customer, AppError> {
        refuse_nul_in(
            Some(&input.name),
            input.phone.as_deref(),
            input.locale.as_deref(),
            &input.external_ids,
        )?;
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
        );
        Ok(self.store.insert_customer(&input, now, &event).await?)
    }

    /// One customer. Errors: [`AppError::NotFound`].
    pub async fn customer(&self, id: CustomerId) -> Result<Customer, AppError> {
        Ok(self.store.customer(id).await?)
    }

    /// Customers matching `filter`, newest first.
    pub async fn list_customers(
        &self,
        filter: &CustomerFilter,
        page: &PageRequest,
    ) -> Result<Page<Customer>, AppError> {
        refuse_nul("email", filter.email.as_deref().unwrap_or(""))?;
        refuse_nul("name", filter.name.as_deref().unwrap_or(""))?;
        Ok(self.store.list_customers(filter, page).await?)
    }

    /// Applies `patch` if the customer is still at `expected_version` (when given).
    pub async fn update_customer(
        &self,
        actor: &Actor,
        id: CustomerId,
        mut patch: CustomerPatch,
        expected_version: Option<i64>,
    ) -> Result<Customer, AppError> {
        refuse_nul_in(
            patch.name.as_deref(),
            patch.phone.as_ref().and_then(Option::as_deref),
            patch.locale.as_ref().and_then(Option::as_deref),
            patch.external_ids.iter().flatten(),
        )?;
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
        );
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
        Ok(next)
    }
}
