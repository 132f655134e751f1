//! Loading transactions and payouts from the platform (the API and CSV imports), up to
//! [`MAX_BATCH`] at a time, each upserted by gateway and gateway reference.
//!
//! Every item is checked on its own: one that cannot be used gets its own error (the field
//! and what to do) and the others still go in. Texts are redacted first: a card number in a
//! free text (a failure message) is masked and counted; one in an identifier (a reference,
//! an order id, a code) refuses the item, since a masked identifier names nothing. The
//! customer is matched as webhooks match it (paydesk id, then platform id, then email).
//! What an item says overrides what paydesk held, and what it leaves out stays; an item
//! that changes nothing writes nothing, so loading the same batch twice changes nothing.
//! One transaction holds the batch with its events (`transaction_recorded`,
//! `payout_recorded`, `redacted`) and the links to open tickets of the customer that
//! already name the payment (`payment_linked`, reason `mention`).

use crate::error::AppError;
use crate::webhooks::apply::match_customer;
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::payment::fact::{CustomerHint, PayoutFact, TransactionFact};
use paydesk_domain::payment::merge::{self, Report};
use paydesk_domain::payment::{
    Money, PaymentMethod, PaymentObject, PaymentObjectKind, PayoutSchedule, PayoutStatus, REF_MAX,
    TransactionKind, TransactionStatus, card_last4, changes, check_ref, free_text, label_text,
    normalize_gateway,
};
use paydesk_domain::policy::Action;
use paydesk_domain::redaction::redact;
use paydesk_domain::{CustomerId, Timestamp};
use paydesk_store::{PaymentWork, StoreError};
use serde_json::json;

/// The most items one load takes.
pub const MAX_BATCH: usize = 1_000;

/// How many times a batch is applied when a concurrent load got in its way.
const ATTEMPTS: u32 = 3;

/// Who a payment concerns, as the loader knows them; tried in this order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerRef {
    /// paydesk's id of the customer (must exist).
    pub id: Option<CustomerId>,
    /// The customer's id on the platform, matched as `<gateway>_customer_id` or
    /// `<gateway>_account_id` among the customer's platform ids.
    pub platform_id: Option<String>,
    pub email: Option<String>,
}

/// A transaction to create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionInput {
    pub gateway: String,
    pub gateway_ref: String,
    pub kind: TransactionKind,
    pub status: TransactionStatus,
    pub amount: i64,
    pub currency: String,
    pub amount_refunded: i64,
    pub customer: CustomerRef,
    pub order_id: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub method: Option<PaymentMethod>,
    pub wallet: Option<String>,
    pub card_brand: Option<String>,
    /// The last four digits only; anything more is refused.
    pub card_last4: Option<String>,
    /// When it happened at the gateway (default: when first loaded).
    pub created_at: Option<Timestamp>,
}

/// A payout to create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutInput {
    pub gateway: String,
    pub gateway_ref: String,
    pub status: PayoutStatus,
    pub amount: i64,
    pub currency: String,
    pub customer: CustomerRef,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    /// When the money is expected to arrive (or arrived).
    pub arrival_at: Option<Timestamp>,
    pub schedule: Option<PayoutSchedule>,
    /// Held for review (also when `status` is `held`).
    pub is_held: bool,
    pub created_at: Option<Timestamp>,
}

/// What became of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOutcome {
    Created(i64),
    Updated(i64),
    /// It said nothing new.
    Unchanged(i64),
}

/// Why one item was refused: the field at fault and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    pub field: String,
    pub reason: String,
}

impl ItemError {
    /// An error on `field`.
    #[must_use]
    pub fn new(field: &str, reason: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

impl From<paydesk_domain::DomainError> for ItemError {
    fn from(e: paydesk_domain::DomainError) -> Self {
        match e {
            paydesk_domain::DomainError::Invalid { field, reason } => Self::new(field, reason),
            other => Self::new("item", other.to_string()),
        }
    }
}

/// Where a load came from, for the events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadOrigin {
    Api,
    /// A file import, with its source name.
    Import(String),
}

/// A load's answer: one outcome per item, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadResult {
    pub items: Vec<Result<ItemOutcome, ItemError>>,
    /// Card numbers and security codes masked in the items' texts.
    pub masked: usize,
}

/// An identifier, checked: no card data (a masked identifier names nothing), 1-255
/// characters without control characters.
fn identifier(field: &'static str, raw: &str) -> Result<String, ItemError> {
    if paydesk_domain::redaction::contains_card_data(raw) {
        return Err(ItemError::new(
            field,
            "looks like a card number or security code; never send card data",
        ));
    }
    Ok(check_ref(field, raw)?)
}

fn opt_identifier(field: &'static str, raw: Option<&str>) -> Result<Option<String>, ItemError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() > REF_MAX => Err(ItemError::new(
            field,
            format!("at most {REF_MAX} characters"),
        )),
        Some(r) => identifier(field, r).map(|r| label_text(Some(&r))),
        None => Ok(None),
    }
}

/// A free text, redacted (what was masked is counted) and clipped.
fn text(raw: Option<&str>, masked: &mut usize) -> Option<String> {
    let r = redact(raw?);
    *masked += r.count();
    free_text(Some(&r.text))
}

/// What every item has: gateway, reference, money, the texts of a failure.
struct Common {
    gateway: String,
    gateway_ref: String,
    money: Money,
    failure_code: Option<String>,
    failure_message: Option<String>,
}

fn common(
    gateway: &str,
    gateway_ref: &str,
    amount: i64,
    currency: &str,
    failure: (Option<&str>, Option<&str>),
    masked: &mut usize,
) -> Result<Common, ItemError> {
    Ok(Common {
        gateway: normalize_gateway(gateway)?,
        gateway_ref: identifier("gateway_ref", gateway_ref)?,
        money: Money::new(amount, currency)?,
        failure_code: opt_identifier("failure_code", failure.0)?,
        failure_message: text(failure.1, masked),
    })
}

fn lower_label(field: &'static str, raw: Option<&str>) -> Result<Option<String>, ItemError> {
    Ok(opt_identifier(field, raw)?.map(|s| s.to_ascii_lowercase()))
}

/// A transaction item checked into a gateway-neutral fact.
fn transaction_fact(
    i: &TransactionInput,
    masked: &mut usize,
) -> Result<(Common, TransactionFact), ItemError> {
    let c = common(
        &i.gateway,
        &i.gateway_ref,
        i.amount,
        &i.currency,
        (i.failure_code.as_deref(), i.failure_message.as_deref()),
        masked,
    )?;
    if !(0..=i.amount).contains(&i.amount_refunded) {
        return Err(ItemError::new(
            "amount_refunded",
            "between 0 and the amount",
        ));
    }
    let last4 = match i.card_last4.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(card_last4(Some(raw)).ok_or_else(|| {
            ItemError::new(
                "card_last4",
                "exactly the last four digits of the card; never send more",
            )
        })?),
    };
    let wallet = lower_label("wallet", i.wallet.as_deref())?;
    let method = match (i.method, &wallet) {
        (None, Some(_)) => Some(PaymentMethod::Wallet),
        (Some(m), Some(_)) if m != PaymentMethod::Wallet => {
            return Err(ItemError::new(
                "wallet",
                "only a wallet payment names a wallet; set method to wallet or leave wallet out",
            ));
        }
        (m, _) => m,
    };
    let fact = TransactionFact {
        gateway_ref: c.gateway_ref.clone(),
        kind: i.kind,
        status: i.status,
        money: c.money.clone(),
        amount_refunded: i.amount_refunded,
        order_id: opt_identifier("order_id", i.order_id.as_deref())?,
        failure_code: c.failure_code.clone(),
        failure_message: c.failure_message.clone(),
        card_brand: lower_label("card_brand", i.card_brand.as_deref())?,
        card_last4: last4,
        method,
        wallet,
    };
    Ok((c, fact))
}

/// A payout item checked into a gateway-neutral fact.
fn payout_fact(i: &PayoutInput, masked: &mut usize) -> Result<(Common, PayoutFact), ItemError> {
    let c = common(
        &i.gateway,
        &i.gateway_ref,
        i.amount,
        &i.currency,
        (i.failure_code.as_deref(), i.failure_message.as_deref()),
        masked,
    )?;
    let fact = PayoutFact {
        gateway_ref: c.gateway_ref.clone(),
        money: c.money.clone(),
        status: i.status,
        failure_code: c.failure_code.clone(),
        failure_message: c.failure_message.clone(),
        arrival_at: i.arrival_at,
        schedule: i.schedule,
    };
    Ok((c, fact))
}

/// The `<kind>_recorded` event of a payment object that was created or changed (none when
/// nothing changed): ids, labels, amounts and the fields that moved, never free text.
pub(crate) fn recorded_event(
    actor: &paydesk_domain::Actor,
    now: Timestamp,
    before: Option<&PaymentObject>,
    after: &PaymentObject,
    ticket: Option<paydesk_domain::TicketId>,
    origin: serde_json::Value,
) -> Option<NewEvent> {
    let changed: Vec<_> = match before {
        Some(b) => changes(b, after).iter().map(|c| c.to_data()).collect(),
        None => vec![],
    };
    if before.is_some() && changed.is_empty() {
        return None;
    }
    let kind = match after.kind() {
        PaymentObjectKind::Transaction => EventKind::TransactionRecorded,
        PaymentObjectKind::Dispute => EventKind::DisputeRecorded,
        PaymentObjectKind::Payout => EventKind::PayoutRecorded,
    };
    let mut data = json!({
        "object_id": after.id(),
        "gateway": after.gateway(),
        "gateway_ref": after.gateway_ref(),
        "created": before.is_none(),
        "changes": changed,
        "amount": after.money().amount,
        "currency": after.money().currency,
    });
    if let (Some(data), serde_json::Value::Object(extra)) = (data.as_object_mut(), origin) {
        data.extend(extra);
    }
    let mut e = NewEvent::ticket(ticket, actor, now, kind, data);
    e.customer_id = after.customer_id();
    Some(e)
}

impl LoadOrigin {
    fn data(&self) -> serde_json::Value {
        match self {
            Self::Api => json!({ "origin": "api" }),
            Self::Import(source) => json!({ "origin": "import", "source": source }),
        }
    }
}

/// Checks every item with `check` (items that are errors already stay so); with how
/// much card data the texts held.
fn check_all<I>(
    items: &[Result<I, ItemError>],
    check: impl Fn(&I, &mut usize) -> Result<Checked, ItemError>,
) -> (Vec<Result<Checked, ItemError>>, usize) {
    let mut masked = 0;
    let checked = items
        .iter()
        .map(|i| check(i.as_ref().map_err(Clone::clone)?, &mut masked))
        .collect();
    (checked, masked)
}

/// An item that passed its checks, ready to save.
enum Checked {
    Transaction(Common, TransactionFact, Option<Timestamp>, CustomerRef),
    Payout(Common, PayoutFact, Option<Timestamp>, CustomerRef, bool),
}

impl App {
    /// Creates or updates up to [`MAX_BATCH`] transactions (see the module documentation).
    /// An item given as an error (one the caller could not even read) keeps its place and
    /// its error in the answer.
    ///
    /// Errors: [`AppError::Forbidden`] without `payment_write`; [`AppError::Invalid`] on
    /// `items` for an empty or too large batch; store failures (nothing is written then).
    pub async fn load_transactions(
        &self,
        caller: &Caller,
        items: &[Result<TransactionInput, ItemError>],
        origin: &LoadOrigin,
    ) -> Result<LoadResult, AppError> {
        let (checked, masked) = check_all(items, |i, masked| {
            let (c, f) = transaction_fact(i, masked)?;
            Ok(Checked::Transaction(c, f, i.created_at, i.customer.clone()))
        });
        self.load(caller, checked, masked, origin).await
    }

    /// Creates or updates up to [`MAX_BATCH`] payouts; errors as
    /// [`App::load_transactions`].
    pub async fn load_payouts(
        &self,
        caller: &Caller,
        items: &[Result<PayoutInput, ItemError>],
        origin: &LoadOrigin,
    ) -> Result<LoadResult, AppError> {
        let (checked, masked) = check_all(items, |i, masked| {
            let (c, f) = payout_fact(i, masked)?;
            let held = i.is_held || i.status == PayoutStatus::Held;
            Ok(Checked::Payout(
                c,
                f,
                i.created_at,
                i.customer.clone(),
                held,
            ))
        });
        self.load(caller, checked, masked, origin).await
    }

    async fn load(
        &self,
        caller: &Caller,
        checked: Vec<Result<Checked, ItemError>>,
        masked: usize,
        origin: &LoadOrigin,
    ) -> Result<LoadResult, AppError> {
        caller.require(Action::PaymentWrite)?;
        if checked.is_empty() || checked.len() > MAX_BATCH {
            return Err(AppError::invalid(
                "items",
                format!("send 1 to {MAX_BATCH} items at a time"),
            ));
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.load_once(caller, &checked, masked, origin).await {
                Err(AppError::Store(StoreError::Duplicate)) if attempt < ATTEMPTS => {}
                other => return other,
            }
        }
    }

    async fn load_once(
        &self,
        caller: &Caller,
        checked: &[Result<Checked, ItemError>],
        masked: usize,
        origin: &LoadOrigin,
    ) -> Result<LoadResult, AppError> {
        let now = self.clock.now();
        let mut work = self.store.payment_work().await?;
        let mut items = Vec::with_capacity(checked.len());
        for item in checked {
            items.push(match item {
                Err(e) => Err(e.clone()),
                Ok(c) => self.save_item(&mut work, caller, c, now, origin).await?,
            });
        }
        if masked > 0 {
            work.record(
                NewEvent::ticket(
                    None,
                    &caller.actor(),
                    now,
                    EventKind::Redacted,
                    json!({ "field": "payments", "card_data": masked }),
                )
                .from_ip(caller.ip.as_deref()),
            );
        }
        work.commit().await?;
        Ok(LoadResult { items, masked })
    }

    /// Saves one checked item; `Ok(Err(..))` when the item is refused (an unknown
    /// customer id), `Err` when the whole batch must stop.
    async fn save_item(
        &self,
        work: &mut PaymentWork,
        caller: &Caller,
        item: &Checked,
        now: Timestamp,
        origin: &LoadOrigin,
    ) -> Result<Result<ItemOutcome, ItemError>, AppError> {
        let (common, customer) = match item {
            Checked::Transaction(c, _, _, r) | Checked::Payout(c, _, _, r, _) => (c, r),
        };
        let customer_id = match customer_of(work, &common.gateway, customer).await? {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        let report = Report {
            gateway: &common.gateway,
            customer_id,
            now,
            occurred_at: None,
        };
        let g = (&common.gateway, &common.gateway_ref);
        let (before, after) = match item {
            Checked::Transaction(_, fact, created_at, _) => {
                let before = work.transaction_by_ref(g.0, g.1).await?;
                let mut next = merge::transaction(before.as_ref(), fact, report);
                next.created_at = created_at.unwrap_or(next.created_at);
                (
                    before.map(PaymentObject::Transaction),
                    PaymentObject::Transaction(next),
                )
            }
            Checked::Payout(_, fact, created_at, _, held) => {
                let before = work.payout_by_ref(g.0, g.1).await?;
                let mut next = merge::payout(before.as_ref(), fact, report);
                next.created_at = created_at.unwrap_or(next.created_at);
                next.is_held = *held;
                (
                    before.map(PaymentObject::Payout),
                    PaymentObject::Payout(next),
                )
            }
        };
        if let Some(b) = &before
            && same_but_time(b, &after)
        {
            return Ok(Ok(ItemOutcome::Unchanged(b.id())));
        }
        let saved = match after {
            PaymentObject::Transaction(t) => {
                PaymentObject::Transaction(work.save_transaction(&t).await?)
            }
            PaymentObject::Payout(p) => PaymentObject::Payout(work.save_payout(&p).await?),
            PaymentObject::Dispute(d) => PaymentObject::Dispute(work.save_dispute(&d).await?),
        };
        let actor = caller.actor();
        if let Some(e) = recorded_event(&actor, now, before.as_ref(), &saved, None, origin.data()) {
            work.record(e.from_ip(caller.ip.as_deref()));
        }
        if let Some(customer) = saved.customer_id() {
            let order = match &saved {
                PaymentObject::Transaction(t) => t.order_id.as_deref(),
                _ => None,
            };
            let names: Vec<&str> = std::iter::once(saved.gateway_ref()).chain(order).collect();
            work.link_mentioning(customer, saved.kind(), saved.id(), &names, &actor, now)
                .await?;
        }
        Ok(Ok(match before {
            None => ItemOutcome::Created(saved.id()),
            Some(_) => ItemOutcome::Updated(saved.id()),
        }))
    }
}

/// Whether `after` says nothing that `before` did not (its update time aside).
fn same_but_time(before: &PaymentObject, after: &PaymentObject) -> bool {
    match (before, after) {
        (PaymentObject::Transaction(b), PaymentObject::Transaction(a)) => {
            *b == paydesk_domain::payment::Transaction {
                updated_at: b.updated_at,
                ..a.clone()
            }
        }
        (PaymentObject::Payout(b), PaymentObject::Payout(a)) => {
            *b == paydesk_domain::payment::Payout {
                updated_at: b.updated_at,
                ..a.clone()
            }
        }
        _ => false,
    }
}

/// The customer an item concerns: its paydesk id (which must exist), else a match by
/// platform id or email; `Ok(Err)` names an id that does not exist.
async fn customer_of(
    work: &mut PaymentWork,
    gateway: &str,
    r: &CustomerRef,
) -> Result<Result<Option<CustomerId>, ItemError>, AppError> {
    if let Some(id) = r.id {
        return match work.customer_line(id).await {
            Ok(_) => Ok(Ok(Some(id))),
            Err(StoreError::NotFound { .. }) => Ok(Err(ItemError::new(
                "customer_id",
                "no customer has this id; leave it out to match by platform id or email",
            ))),
            Err(e) => Err(e.into()),
        };
    }
    let mut hint = CustomerHint::default();
    if let Some(p) = r
        .platform_id
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        for key in ["customer_id", "account_id"] {
            hint.external_ids
                .push((format!("{gateway}_{key}"), p.to_string()));
        }
    }
    hint.emails.extend(r.email.iter().cloned());
    Ok(Ok(match_customer(work, &hint).await?.map(|(id, _)| id)))
}
