//! Bulk imports from other systems: tickets keyed by their id over there, and customers
//! found or created by email address.
//!
//! Each imported ticket carries an [`IdempotencyKey`] whose scope names the source
//! (`import:zendesk`, `import:csv:<file>`) and whose key is the source's id. The key is
//! written in the same transaction as the ticket, so after an interruption a rerun can
//! ask [`Store::recorded_keys`] which rows already landed and skip them.

use crate::error::StoreError;
use crate::sql::{Tx, Value, placeholders};
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

    /// Inserts imported tickets in one transaction: first their requesters (each found by
    /// its first email address, the oldest customer if several hold it, or created with its
    /// event), handed to `attach` with their ticket; then the tickets with their keys.
    /// Returns the tickets' ids in order.
    ///
    /// Errors: [`StoreError::Duplicate`] when one of the keys is already recorded;
    /// [`StoreError::MissingReference`] when a queue or assignee does not exist. Nothing is
    /// written then: the caller may retry the rows one by one to find the culprit.
    pub async fn insert_imported(
        &self,
        rows: &[ImportedRow],
        at: Timestamp,
        attach: impl Fn(&mut TicketRecord, CustomerId),
    ) -> Result<Vec<TicketId>, StoreError> {
        let mut tx = self.write().await?;
        let requesters: Vec<Option<&(NewCustomer, NewEvent)>> =
            rows.iter().map(|r| r.requester.as_ref()).collect();
        let customers = find_or_insert_customers(&mut tx, &requesters, at).await?;
        let mut records: Vec<TicketRecord> = rows.iter().map(|r| r.record.clone()).collect();
        for (record, customer) in records.iter_mut().zip(customers) {
            if let Some(id) = customer {
                attach(record, id);
            }
        }
        let pairs: Vec<_> = records
            .iter()
            .zip(rows)
            .map(|(record, row)| (record, Some(&row.key)))
            .collect();
        let stored = ticket_insert::insert_all(&mut tx, &pairs).await?;
        tx.commit().await?;
        Ok(stored.into_iter().map(|t| t.id).collect())
    }
}

/// One imported ticket for [`Store::insert_imported`].
#[derive(Debug, Clone)]
pub struct ImportedRow {
    pub record: TicketRecord,
    /// Its id in the source system, under the import's scope.
    pub key: IdempotencyKey,
    /// The customer who asked, with the event recording their creation should they be new.
    pub requester: Option<(NewCustomer, NewEvent)>,
}

/// For each requester, the customer holding its first email address, or a new one (its
/// event appended). One lookup query per 500 addresses.
async fn find_or_insert_customers(
    tx: &mut Tx,
    requesters: &[Option<&(NewCustomer, NewEvent)>],
    at: Timestamp,
) -> Result<Vec<Option<CustomerId>>, StoreError> {
    let emails: Vec<&String> = requesters
        .iter()
        .flatten()
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
    let mut ids = Vec::with_capacity(requesters.len());
    let mut events = Vec::new();
    for requester in requesters {
        let Some((c, e)) = requester else {
            ids.push(None);
            continue;
        };
        let email = c.emails.first();
        let id = match email.and_then(|e| known.get(e)) {
            Some(id) => *id,
            None => {
                let id = customer::insert(tx, c, at).await?;
                if let Some(email) = email {
                    known.insert(email.clone(), id);
                }
                let mut e = e.clone();
                e.customer_id = Some(id);
                events.push(e);
                id
            }
        };
        ids.push(Some(id));
    }
    // Before the tickets' events, which name these customers.
    event::append_all(tx, &events, None).await?;
    Ok(ids)
}
