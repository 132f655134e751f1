//! Customers and their email addresses.

use crate::error::StoreError;
use crate::page::{Page, PageRequest, decode_cursor, encode_cursor};
use crate::sql::{Row, Tx, Value, placeholders};
use crate::{Store, args, event};
use paydesk_domain::customer::{Customer, NewCustomer};
use paydesk_domain::event::NewEvent;
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{CustomerId, Timestamp, VendorId};
use std::collections::HashMap;

/// Which customers to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    pub business_line: Option<BusinessLine>,
    /// Exact (normalised) email address.
    pub email: Option<String>,
    /// Case-insensitive substring of the name.
    pub name: Option<String>,
    /// Only customers with a ticket in a queue served by this vendor (vendor isolation).
    pub vendor_id: Option<VendorId>,
}

const COLUMNS: &str = "id, business_line, name, phone, country, locale, time_zone, tier, external_ids, version, created_at, updated_at";

fn from_row(row: &Row, emails: Vec<String>) -> Result<Customer, StoreError> {
    Ok(Customer {
        id: CustomerId(row.i64("id")?),
        business_line: row.label("business_line")?,
        name: row.text("name")?,
        emails,
        phone: row.opt_text("phone")?,
        country: row.opt_text("country")?,
        locale: row.opt_text("locale")?,
        time_zone: row.opt_text("time_zone")?,
        tier: row.label("tier")?,
        external_ids: row.json("external_ids")?,
        version: row.i64("version")?,
        created_at: Timestamp(row.i64("created_at")?),
        updated_at: Timestamp(row.i64("updated_at")?),
    })
}

async fn emails_of(tx: &mut Tx, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT customer_id, email FROM customer_emails WHERE customer_id IN ({}) ORDER BY customer_id, position",
        placeholders(1, ids.len())
    );
    let values: Vec<Value> = ids.iter().map(|i| (*i).into()).collect();
    for r in tx.rows(&sql, &values).await? {
        out.entry(r.i64("customer_id")?)
            .or_default()
            .push(r.text("email")?);
    }
    Ok(out)
}

async fn write_emails(tx: &mut Tx, id: CustomerId, emails: &[String]) -> Result<(), StoreError> {
    tx.exec(
        "DELETE FROM customer_emails WHERE customer_id = $1",
        &args![id.0],
    )
    .await?;
    for (i, e) in emails.iter().enumerate() {
        let pos = i64::try_from(i).unwrap_or(i64::MAX);
        tx.exec(
            "INSERT INTO customer_emails (customer_id, email, position) VALUES ($1, $2, $3)",
            &args![id.0, e, pos],
        )
        .await?;
    }
    Ok(())
}

pub(crate) async fn load(tx: &mut Tx, id: CustomerId) -> Result<Customer, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE id = $1");
    let row = tx
        .row(&sql, &args![id.0])
        .await?
        .ok_or(StoreError::NotFound { entity: "customer" })?;
    let emails = emails_of(tx, &[id.0])
        .await?
        .remove(&id.0)
        .unwrap_or_default();
    from_row(&row, emails)
}

pub(crate) async fn insert(
    tx: &mut Tx,
    c: &NewCustomer,
    at: Timestamp,
) -> Result<CustomerId, StoreError> {
    let ids =
        serde_json::to_string(&c.external_ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let id = tx
        .insert_id(
            "INSERT INTO customers (business_line, name, phone, country, locale, tier, external_ids, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id",
            &args![
                c.business_line.as_str(),
                &c.name,
                c.phone.as_deref(),
                c.country.as_deref(),
                c.locale.as_deref(),
                c.tier.as_str(),
                ids,
                at.0,
            ],
        )
        .await?;
    let id = CustomerId(id);
    write_emails(tx, id, &c.emails).await?;
    Ok(id)
}

impl Store {
    /// Creates a customer and appends `event` (its customer id filled in) in one transaction.
    pub async fn insert_customer(
        &self,
        c: &NewCustomer,
        at: Timestamp,
        event: &NewEvent,
    ) -> Result<Customer, StoreError> {
        let mut tx = self.write().await?;
        let id = insert(&mut tx, c, at).await?;
        let mut e = event.clone();
        e.customer_id = Some(id);
        let customer = load(&mut tx, id).await?;
        event::append(&mut tx, &e, None).await?;
        tx.commit().await?;
        Ok(customer)
    }

    /// Creates many customers in one transaction (imports, demo data).
    pub async fn insert_customers(
        &self,
        customers: &[NewCustomer],
        at: Timestamp,
    ) -> Result<Vec<CustomerId>, StoreError> {
        let mut tx = self.write().await?;
        let mut ids = Vec::with_capacity(customers.len());
        for c in customers {
            ids.push(insert(&mut tx, c, at).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Whether the customer has a ticket in a queue served by `vendor`.
    pub async fn customer_served_by(
        &self,
        id: CustomerId,
        vendor: VendorId,
    ) -> Result<bool, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row(
                "SELECT 1 AS one FROM tickets t JOIN queues q ON q.id = t.queue_id \
                 WHERE t.customer_id = $1 AND q.vendor_id = $2 LIMIT 1",
                &args![id.0, vendor.0],
            )
            .await?;
        Ok(row.is_some())
    }

    /// One customer. Errors: [`StoreError::NotFound`].
    pub async fn customer(&self, id: CustomerId) -> Result<Customer, StoreError> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// Saves a changed customer if still at `expected_version`, with its event.
    /// Errors: [`StoreError::VersionConflict`], [`StoreError::NotFound`].
    pub async fn update_customer(
        &self,
        c: &Customer,
        expected_version: i64,
        event: &NewEvent,
    ) -> Result<(), StoreError> {
        let ids = serde_json::to_string(&c.external_ids)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.write().await?;
        let touched = tx
            .exec(
                "UPDATE customers SET name = $1, phone = $2, country = $3, locale = $4, tier = $5, external_ids = $6, \
                 version = $7, updated_at = $8, time_zone = $11 WHERE id = $9 AND version = $10",
                &args![
                    &c.name,
                    c.phone.as_deref(),
                    c.country.as_deref(),
                    c.locale.as_deref(),
                    c.tier.as_str(),
                    ids,
                    c.version,
                    c.updated_at.0,
                    c.id.0,
                    expected_version,
                    c.time_zone.as_deref(),
                ],
            )
            .await?;
        if touched == 0 {
            let exists = tx
                .row("SELECT id FROM customers WHERE id = $1", &args![c.id.0])
                .await?;
            return Err(match exists {
                Some(_) => StoreError::VersionConflict {
                    entity: "customer",
                    expected: expected_version,
                },
                None => StoreError::NotFound { entity: "customer" },
            });
        }
        write_emails(&mut tx, c.id, &c.emails).await?;
        event::append(&mut tx, event, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Customers matching `filter`, newest id first.
    pub async fn list_customers(
        &self,
        filter: &CustomerFilter,
        page: &PageRequest,
    ) -> Result<Page<Customer>, StoreError> {
        let before = match &page.cursor {
            Some(c) => decode_cursor(c, 1)
                .and_then(|v| v.first().copied())
                .ok_or(StoreError::BadCursor)?,
            None => i64::MAX,
        };
        let mut sql = format!("SELECT {COLUMNS} FROM customers WHERE id < $1");
        let mut values: Vec<Value> = args![before].to_vec();
        if let Some(line) = filter.business_line {
            values.push(line.as_str().into());
            sql.push_str(&format!(" AND business_line = ${}", values.len()));
        }
        if let Some(email) = &filter.email {
            values.push(email.trim().to_lowercase().into());
            sql.push_str(&format!(
                " AND id IN (SELECT customer_id FROM customer_emails WHERE email = ${})",
                values.len()
            ));
        }
        if let Some(name) = &filter.name {
            let escaped = name
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            values.push(format!("%{escaped}%").into());
            sql.push_str(&format!(
                " AND LOWER(name) LIKE ${} ESCAPE '\\'",
                values.len()
            ));
        }
        if let Some(vendor) = filter.vendor_id {
            values.push(vendor.0.into());
            sql.push_str(&format!(
                " AND id IN (SELECT customer_id FROM tickets WHERE queue_id IN \
                 (SELECT id FROM queues WHERE vendor_id = ${}))",
                values.len()
            ));
        }
        values.push(
            i64::try_from(page.limit)
                .unwrap_or(50)
                .saturating_add(1)
                .into(),
        );
        sql.push_str(&format!(" ORDER BY id DESC LIMIT ${}", values.len()));
        let mut tx = self.read().await?;
        let rows = tx.rows(&sql, &values).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.i64("id")).collect::<Result<_, _>>()?;
        let mut emails = emails_of(&mut tx, &ids).await?;
        let mut items = rows
            .iter()
            .map(|r| {
                let id = r.i64("id")?;
                from_row(r, emails.remove(&id).unwrap_or_default())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if items.len() > page.limit {
            items.truncate(page.limit);
            items.last().map(|c| encode_cursor(&[c.id.0]))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }
}
