//! The money beside a ticket and a customer.
//!
//! Beside a ticket ([`App::ticket_payments`]): what is linked to it (transactions with their
//! explanations, payouts, disputes), and its customer's recent money: recent transactions
//! for anyone, recent payouts for a merchant or creator, so that a creator's "where is my
//! money" ticket shows the payout even before anyone links it. Each part is a section of
//! its own, so that further sections (refunds, incidents) can join without changing these.
//!
//! Beside a customer ([`App::customer_activity`]): their tickets and money movements in
//! one timeline, newest first.

use super::{PayoutView, TransactionView};
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::payment::Dispute;
use paydesk_domain::policy::{Action, TicketScope};
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{CustomerId, TicketId};
use paydesk_store::{Activity, Page, PageRequest, TransactionFilter};

/// How many recent transactions and payouts of the customer are shown beside a ticket.
pub const RECENT: usize = 10;

/// What is linked to a ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkedViews {
    pub transactions: Vec<TransactionView>,
    pub payouts: Vec<PayoutView>,
    pub disputes: Vec<Dispute>,
}

/// The customer's recent money, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecentViews {
    pub transactions: Vec<TransactionView>,
    /// Only for merchants and creators (buyers are not paid out).
    pub payouts: Vec<PayoutView>,
}

/// The payments panel of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketPayments {
    pub ticket: TicketId,
    pub customer_id: Option<CustomerId>,
    /// The customer's business line (the ticket's when it has no customer).
    pub business_line: BusinessLine,
    pub linked: LinkedViews,
    pub recent: RecentViews,
}

/// A page of a customer's activity.
pub type ActivityPage = Page<Activity>;

impl App {
    /// The payments beside a ticket (see the module documentation).
    ///
    /// Errors: [`AppError::Forbidden`] without `ticket_read` and `payment_read`;
    /// [`AppError::NotFound`] for a ticket the caller cannot see.
    pub async fn ticket_payments(
        &self,
        caller: &Caller,
        id: TicketId,
    ) -> Result<TicketPayments, AppError> {
        caller.require(Action::TicketRead)?;
        caller.require(Action::PaymentRead)?;
        let ticket = self.visible_ticket(caller, id).await?;
        let found = self.store.linked_payments(id).await?;
        let linked = LinkedViews {
            transactions: found.transactions.into_iter().map(Into::into).collect(),
            payouts: found.payouts.into_iter().map(Into::into).collect(),
            disputes: found.disputes,
        };
        let mut line = ticket.business_line;
        let mut recent = RecentViews::default();
        if let Some(customer) = ticket.customer_id {
            line = self.store.customer(customer).await?.business_line;
            let page = PageRequest::first(RECENT);
            let filter = TransactionFilter {
                customer_id: Some(customer),
                ..TransactionFilter::default()
            };
            recent.transactions = (self.store.list_transactions(&filter, &page).await?.items)
                .into_iter()
                .map(Into::into)
                .collect();
            if line != BusinessLine::Buyer {
                recent.payouts = (self.store.list_payouts(Some(customer), None, &page).await?)
                    .items
                    .into_iter()
                    .map(Into::into)
                    .collect();
            }
        }
        Ok(TicketPayments {
            ticket: id,
            customer_id: ticket.customer_id,
            business_line: line,
            linked,
            recent,
        })
    }

    /// A customer's tickets and money movements in one timeline, newest first. Money is
    /// shown to callers with `payment_read`; a BPO agent sees only the tickets in its
    /// vendor's queues, of a customer its vendor serves.
    ///
    /// Errors: [`AppError::Forbidden`] without `customer_read` and `ticket_read`;
    /// [`AppError::NotFound`] for a customer outside the caller's sight; a bad cursor.
    pub async fn customer_activity(
        &self,
        caller: &Caller,
        id: CustomerId,
        page: &PageRequest,
    ) -> Result<ActivityPage, AppError> {
        caller.require(Action::CustomerRead)?;
        caller.require(Action::TicketRead)?;
        self.check_customer_in_scope(caller, id).await?;
        self.store.customer(id).await?;
        let vendor = match caller.ticket_scope() {
            TicketScope::Vendor(v) => Some(v),
            TicketScope::All | TicketScope::Nothing => None,
        };
        let has_money = caller.principal.may(Action::PaymentRead);
        Ok(self
            .store
            .customer_activity(id, vendor, has_money, page)
            .await?)
    }
}
