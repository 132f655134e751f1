//! Payments beside the tickets: transactions and payouts loaded by the platform (API,
//! CSV import) as well as by gateway webhooks, read by the desk with their failure codes
//! explained, linked to tickets (by the words of the tickets, or by hand), and shown
//! beside a ticket and in a customer's activity.
//!
//! Reads need `payment_read`; loading needs `payment_write`. A BPO agent sees only the
//! payments of customers its vendor serves, like their tickets; anything else answers
//! "not found".

mod link;
mod load;
mod panel;

pub(crate) use load::recorded_event;
pub use load::{
    CustomerRef, ItemError, ItemOutcome, LoadOrigin, LoadResult, MAX_BATCH, PayoutInput,
    TransactionInput,
};
pub use panel::{ActivityPage, LinkedViews, RecentViews, TicketPayments};

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::payment::decline::{self, Explanation};
use paydesk_domain::payment::{Payout, PayoutId, Transaction, TransactionId};
use paydesk_domain::policy::{Action, TicketScope};
use paydesk_domain::{CustomerId, VendorId};
use paydesk_store::{Page, PageRequest, TransactionFilter};

/// A transaction as the desk sees it: with the explanation of its failure code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionView {
    pub transaction: Transaction,
    /// What its failure code means and what the customer can do; none without a code.
    pub explanation: Option<Explanation>,
}

impl From<Transaction> for TransactionView {
    fn from(transaction: Transaction) -> Self {
        let explanation = transaction
            .failure_code
            .as_deref()
            .map(decline::for_transaction);
        Self {
            transaction,
            explanation,
        }
    }
}

/// A payout as the desk sees it: with the explanation of its failure code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutView {
    pub payout: Payout,
    pub explanation: Option<Explanation>,
}

impl From<Payout> for PayoutView {
    fn from(payout: Payout) -> Self {
        let explanation = payout.failure_code.as_deref().map(decline::for_payout);
        Self {
            payout,
            explanation,
        }
    }
}

fn views<T, V: From<T>>(page: Page<T>) -> Page<V> {
    Page {
        items: page.items.into_iter().map(V::from).collect(),
        next_cursor: page.next_cursor,
    }
}

impl App {
    /// The vendor whose customers bound what the caller sees (`None`: everything), or
    /// `Err` with an empty answer for a caller who sees nothing.
    fn payment_scope(caller: &Caller) -> Result<Option<VendorId>, ()> {
        match caller.ticket_scope() {
            TicketScope::All => Ok(None),
            TicketScope::Vendor(v) => Ok(Some(v)),
            TicketScope::Nothing => Err(()),
        }
    }

    /// Whether the caller may see a payment of `customer` (one of no known customer is
    /// seen only by callers who see everything).
    async fn payment_in_scope(
        &self,
        caller: &Caller,
        customer: Option<CustomerId>,
    ) -> Result<bool, AppError> {
        match (caller.ticket_scope(), customer) {
            (TicketScope::All, _) => Ok(true),
            (TicketScope::Nothing, _) | (TicketScope::Vendor(_), None) => Ok(false),
            (TicketScope::Vendor(_), Some(c)) => {
                Ok(self.check_customer_in_scope(caller, c).await.is_ok())
            }
        }
    }

    /// Transactions matching `filter`, newest first, each with its explanation.
    /// Errors: [`AppError::Forbidden`] without `payment_read`; a bad cursor.
    pub async fn list_transactions(
        &self,
        caller: &Caller,
        filter: &TransactionFilter,
        page: &PageRequest,
    ) -> Result<Page<TransactionView>, AppError> {
        caller.require(Action::PaymentRead)?;
        let mut filter = filter.clone();
        match Self::payment_scope(caller) {
            Ok(v) => filter.vendor_id = v,
            Err(()) => return Ok(empty()),
        }
        Ok(views(self.store.list_transactions(&filter, page).await?))
    }

    /// One transaction with its explanation. Errors: [`AppError::NotFound`], also for one
    /// outside the caller's sight.
    pub async fn transaction(
        &self,
        caller: &Caller,
        id: TransactionId,
    ) -> Result<TransactionView, AppError> {
        caller.require(Action::PaymentRead)?;
        let t = self.store.transaction(id).await?;
        if !self.payment_in_scope(caller, t.customer_id).await? {
            return Err(AppError::NotFound {
                entity: "transaction",
            });
        }
        Ok(t.into())
    }

    /// Payouts, of one customer or all, newest first, each with its explanation.
    pub async fn list_payouts(
        &self,
        caller: &Caller,
        customer: Option<CustomerId>,
        page: &PageRequest,
    ) -> Result<Page<PayoutView>, AppError> {
        caller.require(Action::PaymentRead)?;
        let vendor = match Self::payment_scope(caller) {
            Ok(v) => v,
            Err(()) => return Ok(empty()),
        };
        Ok(views(
            self.store.list_payouts(customer, vendor, page).await?,
        ))
    }

    /// One payout. Errors: [`AppError::NotFound`], also for one outside the caller's sight.
    pub async fn payout(&self, caller: &Caller, id: PayoutId) -> Result<PayoutView, AppError> {
        caller.require(Action::PaymentRead)?;
        let p = self.store.payout(id).await?;
        if !self.payment_in_scope(caller, p.customer_id).await? {
            return Err(AppError::NotFound { entity: "payout" });
        }
        Ok(p.into())
    }
}

fn empty<T>() -> Page<T> {
    Page {
        items: vec![],
        next_cursor: None,
    }
}
