//! Payment-gateway webhooks: Stripe's events (`POST /webhooks/stripe`) and paydesk's own
//! signed format for other gateways (`POST /webhooks/paydesk`), one use case for both.
//!
//! A delivery is let in only with a valid signature ([`signature`]) made with the
//! endpoint's secret within the tolerance; otherwise it is refused and nothing changes.
//! The signature is the authentication: a verified delivery acts as the gateway (actor
//! `webhook:<source>`), which may open tickets and add notes through this use case only.
//! Then the body is redacted whole (`payload`) and read (`stripe`, `generic`) into a
//! gateway-neutral event, which one transaction applies (`apply`): the delivery record,
//! the payment object, the tickets, the events.
//!
//! Every delivery let in is recorded in `webhook_events`, redacted and without personal
//! values (names, emails, phones, addresses: the record outlives an erasure of the
//! customer; the customer is matched before they are removed): processed, ignored (a
//! type paydesk does not handle, answered 200), invalid (a handled type whose object could
//! not be used, answered 400) or malformed (not JSON or not an event, answered 400). An
//! event id is recorded once per source: a redelivery changes nothing and gets the first
//! answer again.

pub(crate) mod apply;
mod generic;
mod payload;
pub mod signature;
mod stripe;

use crate::App;
use crate::error::AppError;
use crate::settings::IntakeSettings;
use apply::Context;
use paydesk_domain::payment::WebhookOutcome;
use paydesk_domain::payment::fact::{GatewayEvent, GatewayEventKind};
use paydesk_domain::{Actor, TicketId};
use paydesk_store::{NewWebhookEvent, StoreError};
use payload::{Masked, need_text, redact_body, redact_value};
use serde_json::Value;
use signature::SignatureError;
use thiserror::Error;

/// How many times a delivery is applied when a concurrent one got in its way.
const ATTEMPTS: u32 = 3;

/// Which endpoint a delivery came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// Stripe's events, signed with the Stripe endpoint secret.
    Stripe,
    /// paydesk's own format for other gateways, signed with the shared webhook secret.
    Paydesk,
}

impl Endpoint {
    /// The header carrying the signature.
    #[must_use]
    pub fn signature_header(self) -> &'static str {
        match self {
            Self::Stripe => "Stripe-Signature",
            Self::Paydesk => "Paydesk-Signature",
        }
    }

    /// The setting that holds the secret, as an operator sets it.
    #[must_use]
    pub fn secret_setting(self) -> &'static str {
        match self {
            Self::Stripe => "PAYDESK_STRIPE_WEBHOOK_SECRET (TOML stripe_webhook_secret)",
            Self::Paydesk => "PAYDESK_WEBHOOK_SECRET (TOML webhook_secret)",
        }
    }

    fn secret(self, settings: &IntakeSettings) -> Option<&str> {
        match self {
            Self::Stripe => settings.stripe_webhook_secret.as_deref(),
            Self::Paydesk => settings.webhook_secret.as_deref(),
        }
        .filter(|s| !s.is_empty())
    }

    /// The endpoint's short name (`stripe`, `paydesk`), as its path ends.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Stripe => "stripe",
            Self::Paydesk => "paydesk",
        }
    }
}

/// One request to a webhook endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    /// The raw body, exactly as received (the signature covers these bytes).
    pub body: &'a [u8],
    /// The signature header's value, if sent.
    pub signature: Option<&'a str>,
    /// The sender's address, for the audit trail.
    pub ip: Option<&'a str>,
}

/// What became of an accepted delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub outcome: WebhookOutcome,
    /// The event had been received before; this delivery changed nothing.
    pub duplicate: bool,
    /// The ticket the event opened or noted.
    pub ticket: Option<TicketId>,
}

/// Why a delivery was refused. Nothing changed, except that a malformed or invalid body
/// whose signature held was recorded.
#[derive(Debug, Error)]
pub enum WebhookError {
    /// The endpoint has no secret, so no delivery can be verified.
    #[error("this webhook endpoint is not configured: set {}", .0.secret_setting())]
    NotConfigured(Endpoint),
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// Not JSON, or not an event.
    #[error("{0}")]
    Malformed(String),
    /// An event of a handled type whose object could not be used.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    App(#[from] AppError),
}

impl WebhookError {
    /// The stable code of this failure.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotConfigured(_) => "webhook_not_configured",
            Self::Signature(e) => e.code(),
            Self::Malformed(_) => "malformed_payload",
            Self::Invalid(_) => "invalid_event",
            Self::App(e) => e.code(),
        }
    }
}

impl From<StoreError> for WebhookError {
    fn from(e: StoreError) -> Self {
        Self::App(e.into())
    }
}

/// An event envelope read far enough to record it.
struct Envelope {
    source: String,
    gateway: String,
    event_id: String,
    event_type: String,
}

fn envelope(endpoint: Endpoint, value: &Value) -> Result<Envelope, String> {
    let not_event = |e: String| format!("not an event: {e}");
    let event_id = need_text(value, &["id"]).map_err(not_event)?.to_string();
    let event_type = need_text(value, &["type"]).map_err(not_event)?.to_string();
    let gateway = match endpoint {
        Endpoint::Stripe => paydesk_domain::payment::stripe::GATEWAY.to_string(),
        Endpoint::Paydesk => generic::gateway(value).map_err(not_event)?,
    };
    let source = match endpoint {
        Endpoint::Stripe => gateway.clone(),
        Endpoint::Paydesk => format!("paydesk:{gateway}"),
    };
    Ok(Envelope {
        source,
        gateway,
        event_id,
        event_type,
    })
}

fn retryable(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Store(StoreError::Duplicate | StoreError::VersionConflict { .. })
    )
}

impl App {
    /// Receives one delivery at `endpoint`: verifies it, records it, and applies the event
    /// it carries (see the module documentation). Idempotent per event id.
    ///
    /// Errors: [`WebhookError::NotConfigured`] without a secret; a signature error for a
    /// missing, malformed, wrong or expired signature; [`WebhookError::Malformed`] and
    /// [`WebhookError::Invalid`] for bodies that cannot be used (recorded).
    pub async fn receive_webhook(
        &self,
        endpoint: Endpoint,
        delivery: Delivery<'_>,
    ) -> Result<Receipt, WebhookError> {
        let settings = self.intake();
        let secret = endpoint
            .secret(settings)
            .ok_or(WebhookError::NotConfigured(endpoint))?;
        let header = delivery
            .signature
            .ok_or(SignatureError::Missing(endpoint.signature_header()))?;
        let now = self.clock.now();
        signature::verify(
            secret.as_bytes(),
            header,
            delivery.body,
            now.0.div_euclid(1_000),
            settings.stripe_tolerance_secs,
        )?;
        let mut masked = Masked::default();
        let actor = |source: &str| Actor::Api {
            client: format!("webhook:{source}"),
        };
        let mut ctx = Context {
            actor: actor(endpoint.name()),
            ip: delivery.ip.map(str::to_string),
            now,
            delivery: 0,
            masked,
        };
        let value = match serde_json::from_slice::<Value>(delivery.body) {
            Ok(v) => redact_value(v, &mut masked),
            Err(e) => {
                let payload = redact_body(delivery.body, &mut masked);
                ctx.masked = masked;
                let reason = format!("the body is not JSON: {e}");
                return self
                    .refuse_malformed(endpoint.name(), payload, reason, &ctx)
                    .await;
            }
        };
        ctx.masked = masked;
        let payload = payload::without_personal_data(&value).to_string();
        let env = match envelope(endpoint, &value) {
            Ok(env) => env,
            Err(reason) => {
                return self
                    .refuse_malformed(endpoint.name(), payload, reason, &ctx)
                    .await;
            }
        };
        ctx.actor = actor(&env.source);
        let record = |outcome: WebhookOutcome, reason: Option<String>| NewWebhookEvent {
            source: env.source.clone(),
            event_id: Some(env.event_id.clone()),
            event_type: Some(env.event_type.clone()),
            received_at: now,
            outcome,
            reason,
            payload: payload.clone(),
        };
        let kind = match endpoint {
            Endpoint::Stripe => paydesk_domain::payment::stripe::event_kind(&env.event_type),
            Endpoint::Paydesk => generic::event_kind(&env.event_type),
        };
        let Some(kind) = kind else {
            let reason = format!("paydesk does not handle {} events", env.event_type);
            return match self
                .record_only(&record(WebhookOutcome::Ignored, Some(reason)), &ctx)
                .await?
            {
                true => Ok(Receipt {
                    outcome: WebhookOutcome::Ignored,
                    duplicate: false,
                    ticket: None,
                }),
                false => self.earlier(&env).await,
            };
        };
        match read_event(endpoint, &value, &env, kind) {
            Ok(event) => {
                self.apply_with_retries(
                    &record(WebhookOutcome::Processed, None),
                    &event,
                    &mut ctx,
                    &env,
                )
                .await
            }
            Err(reason) => {
                let first = self
                    .record_only(&record(WebhookOutcome::Invalid, Some(reason.clone())), &ctx)
                    .await?;
                if first {
                    tracing::info!(source = %env.source, %reason, "webhook event refused as invalid");
                    Err(WebhookError::Invalid(reason))
                } else {
                    self.earlier(&env).await
                }
            }
        }
    }

    async fn apply_with_retries(
        &self,
        record: &NewWebhookEvent,
        event: &GatewayEvent,
        ctx: &mut Context,
        env: &Envelope,
    ) -> Result<Receipt, WebhookError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut work = self.store.payment_work().await?;
            let Some(id) = work.record_delivery(record).await? else {
                drop(work);
                return self.earlier(env).await;
            };
            ctx.delivery = id;
            let applied = match self.apply_gateway_event(&mut work, event, ctx).await {
                Ok(ticket) => work.commit().await.map(|()| ticket).map_err(AppError::from),
                Err(e) => Err(e),
            };
            match applied {
                Ok(ticket) => {
                    return Ok(Receipt {
                        outcome: WebhookOutcome::Processed,
                        duplicate: false,
                        ticket,
                    });
                }
                Err(e) if retryable(&e) && attempt < ATTEMPTS => {
                    tracing::debug!(source = %env.source, error = %e, "webhook event met a concurrent change; applying again");
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Records a delivery that changes nothing else; false when its event was recorded before.
    async fn record_only(
        &self,
        record: &NewWebhookEvent,
        ctx: &Context,
    ) -> Result<bool, WebhookError> {
        let mut work = self.store.payment_work().await?;
        if work.record_delivery(record).await?.is_none() {
            return Ok(false);
        }
        if let Some(e) = ctx.redaction(None) {
            work.record(e);
        }
        work.commit().await?;
        Ok(true)
    }

    async fn refuse_malformed(
        &self,
        source: &str,
        payload: String,
        reason: String,
        ctx: &Context,
    ) -> Result<Receipt, WebhookError> {
        let record = NewWebhookEvent {
            source: source.to_string(),
            event_id: None,
            event_type: None,
            received_at: ctx.now,
            outcome: WebhookOutcome::Malformed,
            reason: Some(reason.clone()),
            payload,
        };
        self.record_only(&record, ctx).await?;
        tracing::info!(source, %reason, "webhook body refused as malformed");
        Err(WebhookError::Malformed(reason))
    }

    /// The answer to a redelivery: the first delivery's, and nothing changes.
    async fn earlier(&self, env: &Envelope) -> Result<Receipt, WebhookError> {
        let first = self
            .store
            .webhook_event(&env.source, &env.event_id)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "webhook event",
            })?;
        if first.outcome == WebhookOutcome::Invalid {
            return Err(WebhookError::Invalid(first.reason.unwrap_or_default()));
        }
        Ok(Receipt {
            outcome: first.outcome,
            duplicate: true,
            ticket: first.ticket_id,
        })
    }
}

fn read_event(
    endpoint: Endpoint,
    value: &Value,
    env: &Envelope,
    kind: GatewayEventKind,
) -> Result<GatewayEvent, String> {
    match endpoint {
        Endpoint::Stripe => stripe::event(value, kind),
        Endpoint::Paydesk => generic::event(value, &env.gateway, kind),
    }
}
