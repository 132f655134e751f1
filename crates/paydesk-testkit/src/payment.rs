//! Payment objects for tests, stored through the store's own payment transaction.

use paydesk_domain::TicketId;
use paydesk_domain::payment::{PaymentObjectKind, Transaction};
use paydesk_store::Store;

/// Stores `charge` and links it to `ticket` (as a gateway's report and an agent's link
/// would); returns it with its id.
pub async fn linked_charge(
    store: &Store,
    ticket: TicketId,
    charge: &Transaction,
) -> anyhow::Result<Transaction> {
    let mut work = store.payment_work().await?;
    let stored = work.save_transaction(charge).await?;
    work.link(
        ticket,
        PaymentObjectKind::Transaction,
        stored.id.0,
        charge.updated_at,
    )
    .await?;
    work.commit().await?;
    Ok(stored)
}
