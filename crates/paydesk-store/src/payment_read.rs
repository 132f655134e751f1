//! Reading payment objects: one by id, lists by customer, order or gateway reference
//! (newest first, cursor-paginated), and what is linked to a ticket.

use crate::error::StoreError;
use crate::page::{Page, PageRequest, decode_cursor, encode_cursor};
use crate::payment_object::{
    DISPUTE_COLUMNS, PAYOUT_COLUMNS, TRANSACTION_COLUMNS, dispute_from, payout_from,
    transaction_from,
};
use crate::sql::{Row, Value, placeholders};
use crate::{Store, args};
use paydesk_domain::VendorId;
use paydesk_domain::payment::{
    Dispute, PaymentObjectKind, Payout, PayoutId, Transaction, TransactionId,
};
use paydesk_domain::{CustomerId, TicketId};

/// Which transactions to list. Every field given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionFilter {
    pub customer_id: Option<CustomerId>,
    pub order_id: Option<String>,
    pub gateway_ref: Option<String>,
    /// Only customers with a ticket in a queue served by this vendor (vendor isolation).
    pub vendor_id: Option<VendorId>,
}

/// The condition that keeps payment objects to customers a vendor serves.
pub(crate) fn served_by_vendor(column: &str, param: usize) -> String {
    format!(
        "{column} IN (SELECT t.customer_id FROM tickets t JOIN queues q ON q.id = t.queue_id WHERE q.vendor_id = ${param})"
    )
}

/// A page of `table`'s rows matching `conditions` (bound to `values`), newest first.
async fn page_of<T>(
    store: &Store,
    table: &str,
    columns: &str,
    mut conditions: Vec<String>,
    mut values: Vec<Value>,
    page: &PageRequest,
    from: fn(&Row) -> Result<T, StoreError>,
) -> Result<Page<T>, StoreError> {
    if let Some(cursor) = &page.cursor {
        let at = decode_cursor(cursor, 2).ok_or(StoreError::BadCursor)?;
        let n = values.len();
        conditions.push(format!(
            "(created_at < ${} OR (created_at = ${} AND id < ${}))",
            n + 1,
            n + 1,
            n + 2
        ));
        values.extend(args![at[0], at[1]]);
    }
    let limit = page.limit.clamp(1, PageRequest::MAX_LIMIT);
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT {columns} FROM {table} {filter} ORDER BY created_at DESC, id DESC LIMIT {}",
        limit + 1
    );
    let mut tx = store.read().await?;
    let rows = tx.rows(&sql, &values).await?;
    let more = rows.len() > limit;
    let mut items = Vec::with_capacity(limit);
    let mut last = None;
    for row in rows.iter().take(limit) {
        last = Some((row.i64("created_at")?, row.i64("id")?));
        items.push(from(row)?);
    }
    Ok(Page {
        items,
        next_cursor: match (more, last) {
            (true, Some((at, id))) => Some(encode_cursor(&[at, id])),
            _ => None,
        },
    })
}

/// `column = $n` for each given value.
fn equal(conditions: &mut Vec<String>, values: &mut Vec<Value>, column: &str, value: Value) {
    values.push(value);
    conditions.push(format!("{column} = ${}", values.len()));
}

/// The rows of `table` with these ids, in id order.
async fn by_ids<T>(
    store: &Store,
    table: &str,
    columns: &str,
    ids: &[i64],
    from: fn(&Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT {columns} FROM {table} WHERE id IN ({}) ORDER BY id",
        placeholders(1, ids.len())
    );
    let values: Vec<Value> = ids.iter().map(|i| Value::from(*i)).collect();
    let mut tx = store.read().await?;
    tx.rows(&sql, &values).await?.iter().map(from).collect()
}

impl Store {
    /// Transactions matching `filter`, newest first. Errors: [`StoreError::BadCursor`].
    pub async fn list_transactions(
        &self,
        filter: &TransactionFilter,
        page: &PageRequest,
    ) -> Result<Page<Transaction>, StoreError> {
        let (mut conditions, mut values) = (Vec::new(), Vec::new());
        if let Some(c) = filter.customer_id {
            equal(&mut conditions, &mut values, "customer_id", c.0.into());
        }
        if let Some(o) = &filter.order_id {
            equal(&mut conditions, &mut values, "order_id", o.as_str().into());
        }
        if let Some(r) = &filter.gateway_ref {
            equal(
                &mut conditions,
                &mut values,
                "gateway_ref",
                r.as_str().into(),
            );
        }
        if let Some(v) = filter.vendor_id {
            values.push(v.0.into());
            conditions.push(served_by_vendor("customer_id", values.len()));
        }
        page_of(
            self,
            "transactions",
            TRANSACTION_COLUMNS,
            conditions,
            values,
            page,
            transaction_from,
        )
        .await
    }

    /// A customer's payouts (or, without a customer, every payout), newest first; with a
    /// vendor, only customers it serves. Errors: [`StoreError::BadCursor`].
    pub async fn list_payouts(
        &self,
        customer: Option<CustomerId>,
        vendor: Option<VendorId>,
        page: &PageRequest,
    ) -> Result<Page<Payout>, StoreError> {
        let (mut conditions, mut values) = (Vec::new(), Vec::new());
        if let Some(c) = customer {
            equal(&mut conditions, &mut values, "customer_id", c.0.into());
        }
        if let Some(v) = vendor {
            values.push(v.0.into());
            conditions.push(served_by_vendor("customer_id", values.len()));
        }
        page_of(
            self,
            "payouts",
            PAYOUT_COLUMNS,
            conditions,
            values,
            page,
            payout_from,
        )
        .await
    }

    /// A customer's disputes, newest first. Errors: [`StoreError::BadCursor`].
    pub async fn list_disputes(
        &self,
        customer: CustomerId,
        page: &PageRequest,
    ) -> Result<Page<Dispute>, StoreError> {
        page_of(
            self,
            "disputes",
            DISPUTE_COLUMNS,
            vec!["customer_id = $1".into()],
            args![customer.0].to_vec(),
            page,
            dispute_from,
        )
        .await
    }

    /// One transaction. Errors: [`StoreError::NotFound`].
    pub async fn transaction(&self, id: TransactionId) -> Result<Transaction, StoreError> {
        by_ids(
            self,
            "transactions",
            TRANSACTION_COLUMNS,
            &[id.0],
            transaction_from,
        )
        .await?
        .pop()
        .ok_or(StoreError::NotFound {
            entity: "transaction",
        })
    }

    /// One payout. Errors: [`StoreError::NotFound`].
    pub async fn payout(&self, id: PayoutId) -> Result<Payout, StoreError> {
        by_ids(self, "payouts", PAYOUT_COLUMNS, &[id.0], payout_from)
            .await?
            .pop()
            .ok_or(StoreError::NotFound { entity: "payout" })
    }

    /// The payment objects linked to a ticket, each list in id order.
    pub async fn linked_payments(&self, ticket: TicketId) -> Result<LinkedPayments, StoreError> {
        let links = self.ticket_payment_links(ticket).await?;
        let ids = |kind: PaymentObjectKind| -> Vec<i64> {
            links
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| *id)
                .collect()
        };
        Ok(LinkedPayments {
            transactions: by_ids(
                self,
                "transactions",
                TRANSACTION_COLUMNS,
                &ids(PaymentObjectKind::Transaction),
                transaction_from,
            )
            .await?,
            payouts: by_ids(
                self,
                "payouts",
                PAYOUT_COLUMNS,
                &ids(PaymentObjectKind::Payout),
                payout_from,
            )
            .await?,
            disputes: by_ids(
                self,
                "disputes",
                DISPUTE_COLUMNS,
                &ids(PaymentObjectKind::Dispute),
                dispute_from,
            )
            .await?,
        })
    }
}

/// The payment objects a ticket is linked to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkedPayments {
    pub transactions: Vec<Transaction>,
    pub payouts: Vec<Payout>,
    pub disputes: Vec<Dispute>,
}
