//! How a refund reaches the money: a [`RefundConnector`] per gateway.
//!
//! A connector takes one [`RefundOrder`] and answers with the gateway's reference of the
//! refund, or a [`ConnectorError`] saying whether a later attempt may mend it. Every
//! attempt for one refund carries the same idempotency key, and a connector must pass it
//! to the gateway (Stripe's `Idempotency-Key` header, say), so that an attempt repeated
//! after a crash or a lost answer is recognised there and never pays twice.
//!
//! Built in: [`RecordOnly`] (the refund was made elsewhere; nothing is called) and
//! [`crate::refunds::TestConnector`] (in memory, for tests). A gateway's own client
//! implements the trait and is chosen with `App::with_refund_connector`.

use paydesk_domain::payment::Money;
use paydesk_domain::payment::refund::RefundId;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future, so connectors can be kept as trait objects.
pub type ConnectorFuture<'a> =
    Pin<Box<dyn Future<Output = Result<String, ConnectorError>> + Send + 'a>>;

/// One refund to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundOrder {
    pub refund_id: RefundId,
    /// The gateway of the charge (`stripe`, `adyen`, ...).
    pub gateway: String,
    /// The gateway's id of the charge refunded.
    pub charge_ref: String,
    pub amount: Money,
    /// The same on every attempt for this refund: send it to the gateway.
    pub idempotency_key: String,
    /// The reference of a refund made outside paydesk, for [`RecordOnly`].
    pub external_ref: Option<String>,
}

/// Why a connector did not make the refund.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConnectorError {
    /// What went wrong, for people (never a secret; card data is masked before it is kept).
    pub message: String,
    /// Whether a later attempt with the same key may succeed (a timeout, a gateway down,
    /// an answer lost). Otherwise the refund fails for good with this message.
    pub is_retryable: bool,
}

impl ConnectorError {
    /// A failure a later attempt may not meet.
    #[must_use]
    pub fn retryable(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            is_retryable: true,
        }
    }

    /// A failure no retry mends (the gateway refused the refund).
    #[must_use]
    pub fn fatal(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            is_retryable: false,
        }
    }
}

/// Makes refunds through one gateway.
pub trait RefundConnector: Send + Sync + 'static {
    /// The connector's stable name, kept on each refund it executes.
    fn name(&self) -> &'static str;

    /// Whether a refund needs the reference of a refund made elsewhere (nothing is called).
    fn needs_external_ref(&self) -> bool {
        false
    }

    /// Makes the refund, or finds the one made by an earlier attempt with the same key;
    /// answers with the gateway's reference of it.
    fn refund<'a>(&'a self, order: &'a RefundOrder) -> ConnectorFuture<'a>;
}

/// The refund was made outside paydesk (in the gateway's dashboard, by bank transfer):
/// paydesk records the reference the person gave and calls nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordOnly;

/// [`RecordOnly`]'s name.
pub const RECORD_ONLY: &str = "record_only";

impl RefundConnector for RecordOnly {
    fn name(&self) -> &'static str {
        RECORD_ONLY
    }

    fn needs_external_ref(&self) -> bool {
        true
    }

    fn refund<'a>(&'a self, order: &'a RefundOrder) -> ConnectorFuture<'a> {
        Box::pin(async move {
            order.external_ref.clone().ok_or_else(|| {
                ConnectorError::fatal(
                    "no reference of the refund made elsewhere was given, so there is nothing to record",
                )
            })
        })
    }
}

/// The connector of each gateway; [`RecordOnly`] for a gateway without one.
#[derive(Clone, Default)]
pub struct Connectors {
    by_gateway: BTreeMap<String, Arc<dyn RefundConnector>>,
}

impl std::fmt::Debug for Connectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.by_gateway.iter().map(|(g, c)| (g, c.name())))
            .finish()
    }
}

impl Connectors {
    /// Sets `gateway`'s connector.
    pub fn insert(&mut self, gateway: &str, connector: Arc<dyn RefundConnector>) {
        self.by_gateway
            .insert(gateway.trim().to_ascii_lowercase(), connector);
    }

    /// The connector new refunds on `gateway` are executed with.
    #[must_use]
    pub fn for_gateway(&self, gateway: &str) -> Arc<dyn RefundConnector> {
        self.by_gateway
            .get(gateway)
            .cloned()
            .unwrap_or_else(|| Arc::new(RecordOnly))
    }

    /// The connector named `name` for a refund of `gateway` (the one it was requested
    /// with), if this instance has it: a refund recorded as made elsewhere never goes to
    /// a gateway's client set up later, and the reverse.
    #[must_use]
    pub fn named(&self, gateway: &str, name: &str) -> Option<Arc<dyn RefundConnector>> {
        if name == RECORD_ONLY {
            return Some(Arc::new(RecordOnly));
        }
        let connector = self.for_gateway(gateway);
        (connector.name() == name).then_some(connector)
    }
}
