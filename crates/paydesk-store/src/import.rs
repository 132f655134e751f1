//! Bulk imports from other systems: tickets keyed by their id over there, and customers
//! found or created by email address.
//!
//! Each imported ticket carries an [`IdempotencyKey`] whose scope names the source
//! (`import:zendesk`, `import:csv:<file>`) and whose key is the source's id. The key is
//! written in the same transaction as the ticket, so after an interruption a rerun can
//! ask [`Store::recorded_keys`] which rows already landed and skip them.

use crate::error::StoreError;
use crate::sql::{Value, placeholders};
use crate::ticket::{IdempotencyKey, TicketRecord};
use crate::{Store, args, customer, event, ticket_insert};
use paydesk_domain::customer::NewCustomer;
use paydesk_domain::event::NewEvent;
use paydesk_domain::{CustomerId, TicketId, Timestamp};
use std::collections::{HashMap, HashSet};

/// Keys per lookup query: far below both engines' limits on bound parameters.
const KEYS_PER_QUERY: usize = 500;

impl Store {
    /// Which of `keys` are already recorded under `scope` (see [`Store::insert_keyed_tickets`]).
    pub async fn recorded_keys(
        &self,
        scope: &str,
        keys: &[String],
    ) -> Result<HashSet<String>, StoreError> {
        let mut found = HashSet::new();
        let mut tx = self.read().await?;
        for chunk in keys.chunks(KEYS_PER_QUERY) {
            let sql = format!(
                "SELECT key FROM idempotency_keys WHERE scope = $1 AND key IN ({})",
                placeholders(2, chunk.len())
            );
            let mut values: Vec<Value> = args![scope].to_vec();
            values.extend(chunk.iter().map(|k| Value::from(k.as_str())));
            for row in tx.rows(&sql, &values).await? {
                found.insert(row.text("key")?);
            }
        }
        Ok(found)
    }

    /// Inserts tickets, each with its key, in one transaction; returns their ids in order.
    ///
    /// Errors: [`StoreError::Duplicate`] when one of the keys is already recorded (nothing
    /// is written then: the caller may retry the others one by one);
    /// [`StoreError::MissingReference`] when a customer, queue or assignee does not exist.
    pub async fn insert_keyed_tickets(
        &self,
        records: &[(TicketRecord, IdempotencyKey)],
    ) -> Result<Vec<TicketId>, StoreError> {
        let mut tx = self.write().await?;
        let pairs: Vec<_> = records.iter().map(|(r, k)| (r, Some(k))).collect();
        let stored = ticket_insert::insert_all(&mut tx, &pairs).await?;
        tx.commit().await?;
        Ok(stored.into_iter().map(|t| t.id).collect())
    }

    /// For each customer, the one that already holds its first email address (the oldest
    /// if several do), or a new one created with its event (customer id filled in). One
    /// transaction; returns the ids in order. A customer without an email is always new.
    pub async fn find_or_insert_customers(
        &self,
        customers: &[(NewCustomer, NewEvent)],
        at: Timestamp,
    ) -> Result<Vec<CustomerId>, StoreError> {
        let mut tx = self.write().await?;
        let emails: Vec<&String> = customers
            .iter()
            .filter_map(|(c, _)| c.emails.first())
            .collect();
        let mut known: HashMap<String, CustomerId> = HashMap::new();
        for chunk in emails.chunks(KEYS_PER_QUERY) {
            let sql = format!(
                "SELECT email, MIN(customer_id) AS customer_id FROM customer_emails \
                 WHERE email IN ({}) GROUP BY email",
                placeholders(1, chunk.len())
            );
            let values: Vec<Value> = chunk.iter().map(|e| Value::from(e.as_str())).collect();
            for row in tx.rows(&sql, &values).await? {
                known.insert(row.text("email")?, CustomerId(row.i64("customer_id")?));
            }
        }
        let mut ids = Vec::with_capacity(customers.len());
        let mut events = Vec::new();
        for (c, e) in customers {
            let email = c.emails.first();
            let id = match email.and_then(|e| known.get(e)) {
                Some(id) => *id,
                None => {
                    let id = customer::insert(&mut tx, c, at).await?;
                    if let Some(email) = email {
                        known.insert(email.clone(), id);
                    }
                    let mut e = e.clone();
                    e.customer_id = Some(id);
                    events.push(e);
                    id
                }
            };
            ids.push(id);
        }
        event::append_all(&mut tx, &events, None).await?;
        tx.commit().await?;
        Ok(ids)
    }
}
