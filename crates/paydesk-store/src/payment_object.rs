//! The three payment object tables (transactions, disputes, payouts): rows in and out,
//! found by the gateway's reference. Each object is saved whole; an id of 0 means new.

use crate::error::StoreError;
use crate::sql::{Row, Tx};
use crate::{Store, args};
use paydesk_domain::payment::{
    Dispute, DisputeId, Money, PaymentMethod, Payout, PayoutId, PayoutSchedule, Transaction,
    TransactionId,
};
use paydesk_domain::{CustomerId, TicketId, Timestamp};

pub(crate) const TRANSACTION_COLUMNS: &str = "id, gateway, gateway_ref, kind, status, amount, currency, amount_refunded, \
     customer_id, order_id, failure_code, failure_message, card_brand, card_last4, payment_method, wallet, \
     created_at, updated_at";

pub(crate) const DISPUTE_COLUMNS: &str = "id, gateway, gateway_ref, transaction_id, transaction_ref, customer_id, ticket_id, \
     network, reason, network_reason_code, stage, status, amount, currency, due_at, funds_withdrawn_at, \
     funds_reinstated_at, created_at, updated_at";

pub(crate) const PAYOUT_COLUMNS: &str = "id, gateway, gateway_ref, customer_id, amount, currency, status, failure_code, \
     failure_message, arrival_at, schedule, held, created_at, updated_at";

fn money(row: &Row) -> Result<Money, StoreError> {
    Ok(Money {
        amount: row.i64("amount")?,
        currency: row.text("currency")?,
    })
}

fn time(row: &Row, col: &str) -> Result<Option<Timestamp>, StoreError> {
    Ok(row.opt_i64(col)?.map(Timestamp))
}

pub(crate) fn transaction_from(row: &Row) -> Result<Transaction, StoreError> {
    Ok(Transaction {
        id: TransactionId(row.i64("id")?),
        gateway: row.text("gateway")?,
        gateway_ref: row.text("gateway_ref")?,
        kind: row.label("kind")?,
        status: row.label("status")?,
        money: money(row)?,
        amount_refunded: row.i64("amount_refunded")?,
        customer_id: row.opt_i64("customer_id")?.map(CustomerId),
        order_id: row.opt_text("order_id")?,
        failure_code: row.opt_text("failure_code")?,
        failure_message: row.opt_text("failure_message")?,
        card_brand: row.opt_text("card_brand")?,
        card_last4: row.opt_text("card_last4")?,
        method: row
            .opt_text("payment_method")?
            .map(|m| m.parse())
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("payment_method: {e}")))?,
        wallet: row.opt_text("wallet")?,
        created_at: Timestamp(row.i64("created_at")?),
        updated_at: Timestamp(row.i64("updated_at")?),
    })
}

pub(crate) fn dispute_from(row: &Row) -> Result<Dispute, StoreError> {
    Ok(Dispute {
        id: DisputeId(row.i64("id")?),
        gateway: row.text("gateway")?,
        gateway_ref: row.text("gateway_ref")?,
        transaction_id: row.opt_i64("transaction_id")?.map(TransactionId),
        transaction_ref: row.opt_text("transaction_ref")?,
        customer_id: row.opt_i64("customer_id")?.map(CustomerId),
        ticket_id: row.opt_i64("ticket_id")?.map(TicketId),
        network: row.opt_text("network")?,
        reason: row.opt_text("reason")?,
        network_reason_code: row.opt_text("network_reason_code")?,
        stage: row.label("stage")?,
        status: row.label("status")?,
        money: money(row)?,
        due_at: time(row, "due_at")?,
        funds_withdrawn_at: time(row, "funds_withdrawn_at")?,
        funds_reinstated_at: time(row, "funds_reinstated_at")?,
        created_at: Timestamp(row.i64("created_at")?),
        updated_at: Timestamp(row.i64("updated_at")?),
    })
}

pub(crate) fn payout_from(row: &Row) -> Result<Payout, StoreError> {
    Ok(Payout {
        id: PayoutId(row.i64("id")?),
        gateway: row.text("gateway")?,
        gateway_ref: row.text("gateway_ref")?,
        customer_id: row.opt_i64("customer_id")?.map(CustomerId),
        money: money(row)?,
        status: row.label("status")?,
        failure_code: row.opt_text("failure_code")?,
        failure_message: row.opt_text("failure_message")?,
        arrival_at: time(row, "arrival_at")?,
        schedule: row
            .opt_text("schedule")?
            .map(|m| m.parse())
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("schedule: {e}")))?,
        is_held: row.i64("held")? != 0,
        created_at: Timestamp(row.i64("created_at")?),
        updated_at: Timestamp(row.i64("updated_at")?),
    })
}

/// The row of `table` with this gateway reference, read by `from`.
async fn by_ref<T>(
    tx: &mut Tx,
    table: &str,
    columns: &str,
    gateway: &str,
    gateway_ref: &str,
    from: fn(&Row) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let sql = format!("SELECT {columns} FROM {table} WHERE gateway = $1 AND gateway_ref = $2");
    tx.row(&sql, &args![gateway, gateway_ref])
        .await?
        .as_ref()
        .map(from)
        .transpose()
}

pub(crate) async fn transaction_by_ref(
    tx: &mut Tx,
    gateway: &str,
    gateway_ref: &str,
) -> Result<Option<Transaction>, StoreError> {
    by_ref(
        tx,
        "transactions",
        TRANSACTION_COLUMNS,
        gateway,
        gateway_ref,
        transaction_from,
    )
    .await
}

pub(crate) async fn dispute_by_ref(
    tx: &mut Tx,
    gateway: &str,
    gateway_ref: &str,
) -> Result<Option<Dispute>, StoreError> {
    by_ref(
        tx,
        "disputes",
        DISPUTE_COLUMNS,
        gateway,
        gateway_ref,
        dispute_from,
    )
    .await
}

pub(crate) async fn payout_by_ref(
    tx: &mut Tx,
    gateway: &str,
    gateway_ref: &str,
) -> Result<Option<Payout>, StoreError> {
    by_ref(
        tx,
        "payouts",
        PAYOUT_COLUMNS,
        gateway,
        gateway_ref,
        payout_from,
    )
    .await
}

/// Disputes naming `transaction_ref` that are not yet tied to the transaction.
pub(crate) async fn disputes_awaiting(
    tx: &mut Tx,
    gateway: &str,
    transaction_ref: &str,
) -> Result<Vec<Dispute>, StoreError> {
    let sql = format!(
        "SELECT {DISPUTE_COLUMNS} FROM disputes \
         WHERE gateway = $1 AND transaction_ref = $2 AND transaction_id IS NULL ORDER BY id"
    );
    tx.rows(&sql, &args![gateway, transaction_ref])
        .await?
        .iter()
        .map(dispute_from)
        .collect()
}

/// Inserts `t` when its id is 0, updates it otherwise; returns it as stored.
/// Errors: [`StoreError::Duplicate`] when another transaction took the reference meanwhile.
pub(crate) async fn save_transaction(
    tx: &mut Tx,
    t: &Transaction,
) -> Result<Transaction, StoreError> {
    let values = args![
        &t.gateway,
        &t.gateway_ref,
        t.kind.as_str(),
        t.status.as_str(),
        t.money.amount,
        &t.money.currency,
        t.amount_refunded,
        t.customer_id.map(CustomerId::get),
        t.order_id.as_deref(),
        t.failure_code.as_deref(),
        t.failure_message.as_deref(),
        t.card_brand.as_deref(),
        t.card_last4.as_deref(),
        t.created_at.0,
        t.updated_at.0,
        t.method.map(PaymentMethod::as_str),
        t.wallet.as_deref(),
    ];
    let id = if t.id.0 == 0 {
        tx.insert_id(
            "INSERT INTO transactions (gateway, gateway_ref, kind, status, amount, currency, amount_refunded, \
             customer_id, order_id, failure_code, failure_message, card_brand, card_last4, created_at, updated_at, \
             payment_method, wallet) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
            &values,
        )
        .await?
    } else {
        let mut values = values.to_vec();
        values.push(t.id.0.into());
        tx.exec(
            "UPDATE transactions SET gateway = $1, gateway_ref = $2, kind = $3, status = $4, amount = $5, \
             currency = $6, amount_refunded = $7, customer_id = $8, order_id = $9, failure_code = $10, \
             failure_message = $11, card_brand = $12, card_last4 = $13, created_at = $14, updated_at = $15, \
             payment_method = $16, wallet = $17 WHERE id = $18",
            &values,
        )
        .await?;
        t.id.0
    };
    Ok(Transaction {
        id: TransactionId(id),
        ..t.clone()
    })
}

/// Inserts `d` when its id is 0, updates it otherwise; returns it as stored.
pub(crate) async fn save_dispute(tx: &mut Tx, d: &Dispute) -> Result<Dispute, StoreError> {
    let values = args![
        &d.gateway,
        &d.gateway_ref,
        d.transaction_id.map(|t| t.0),
        d.transaction_ref.as_deref(),
        d.customer_id.map(CustomerId::get),
        d.ticket_id.map(TicketId::get),
        d.network.as_deref(),
        d.reason.as_deref(),
        d.network_reason_code.as_deref(),
        d.stage.as_str(),
        d.status.as_str(),
        d.money.amount,
        &d.money.currency,
        d.due_at.map(|t| t.0),
        d.funds_withdrawn_at.map(|t| t.0),
        d.funds_reinstated_at.map(|t| t.0),
        d.created_at.0,
        d.updated_at.0,
    ];
    let id = if d.id.0 == 0 {
        tx.insert_id(
            "INSERT INTO disputes (gateway, gateway_ref, transaction_id, transaction_ref, customer_id, ticket_id, \
             network, reason, network_reason_code, stage, status, amount, currency, due_at, funds_withdrawn_at, \
             funds_reinstated_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
            &values,
        )
        .await?
    } else {
        let mut values = values.to_vec();
        values.push(d.id.0.into());
        tx.exec(
            "UPDATE disputes SET gateway = $1, gateway_ref = $2, transaction_id = $3, transaction_ref = $4, \
             customer_id = $5, ticket_id = $6, network = $7, reason = $8, network_reason_code = $9, stage = $10, \
             status = $11, amount = $12, currency = $13, due_at = $14, funds_withdrawn_at = $15, \
             funds_reinstated_at = $16, created_at = $17, updated_at = $18 WHERE id = $19",
            &values,
        )
        .await?;
        d.id.0
    };
    Ok(Dispute {
        id: DisputeId(id),
        ..d.clone()
    })
}

/// Inserts `p` when its id is 0, updates it otherwise; returns it as stored.
pub(crate) async fn save_payout(tx: &mut Tx, p: &Payout) -> Result<Payout, StoreError> {
    let values = args![
        &p.gateway,
        &p.gateway_ref,
        p.customer_id.map(CustomerId::get),
        p.money.amount,
        &p.money.currency,
        p.status.as_str(),
        p.failure_code.as_deref(),
        p.failure_message.as_deref(),
        p.arrival_at.map(|t| t.0),
        p.created_at.0,
        p.updated_at.0,
        p.schedule.map(PayoutSchedule::as_str),
        i64::from(p.is_held),
    ];
    let id = if p.id.0 == 0 {
        tx.insert_id(
            "INSERT INTO payouts (gateway, gateway_ref, customer_id, amount, currency, status, failure_code, \
             failure_message, arrival_at, created_at, updated_at, schedule, held) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            &values,
        )
        .await?
    } else {
        let mut values = values.to_vec();
        values.push(p.id.0.into());
        tx.exec(
            "UPDATE payouts SET gateway = $1, gateway_ref = $2, customer_id = $3, amount = $4, currency = $5, \
             status = $6, failure_code = $7, failure_message = $8, arrival_at = $9, created_at = $10, \
             updated_at = $11, schedule = $12, held = $13 WHERE id = $14",
            &values,
        )
        .await?;
        p.id.0
    };
    Ok(Payout {
        id: PayoutId(id),
        ..p.clone()
    })
}

impl Store {
    /// The transaction a gateway knows by `gateway_ref`, if paydesk holds it.
    pub async fn transaction_by_ref(
        &self,
        gateway: &str,
        gateway_ref: &str,
    ) -> Result<Option<Transaction>, StoreError> {
        let mut tx = self.read().await?;
        transaction_by_ref(&mut tx, gateway, gateway_ref).await
    }

    /// The dispute a gateway knows by `gateway_ref`, if paydesk holds it.
    pub async fn dispute_by_ref(
        &self,
        gateway: &str,
        gateway_ref: &str,
    ) -> Result<Option<Dispute>, StoreError> {
        let mut tx = self.read().await?;
        dispute_by_ref(&mut tx, gateway, gateway_ref).await
    }

    /// The payout a gateway knows by `gateway_ref`, if paydesk holds it.
    pub async fn payout_by_ref(
        &self,
        gateway: &str,
        gateway_ref: &str,
    ) -> Result<Option<Payout>, StoreError> {
        let mut tx = self.read().await?;
        payout_by_ref(&mut tx, gateway, gateway_ref).await
    }
}
