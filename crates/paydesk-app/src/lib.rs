//! paydesk's use cases: one function per thing a user does.
//!
//! Each function redacts what enters, asks the domain what a change means, and has the
//! store commit the change with its events in one transaction. Time comes from an
//! injected [`Clock`], so tests are exact.

pub mod access;
pub mod audit;
pub mod caller;
pub mod clock;
pub mod customers;
pub mod demo;
pub mod disputes;
pub mod error;
pub mod escalations;
pub mod incidents;
pub mod macros;
pub mod overview;
pub mod password;
pub mod payment_health;
pub mod privacy;
pub mod refunds;
pub mod retention;
pub mod roster;
pub mod routing;
pub mod rules;
pub mod settings;
pub mod sla;
pub mod sops;
pub mod tickets;
pub mod users;
pub mod vendors;

// Intake channels.
pub mod chat;
pub mod import;
pub mod inbound;
pub mod jobs;
pub mod outbound;
pub mod payments;
pub mod portal;
pub mod webhooks;

pub use caller::Caller;
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::AppError;

use paydesk_store::Store;
use std::sync::Arc;

/// The services, over one store and one clock. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
    access: access::AccessSettings,
    intake: Arc<settings::IntakeSettings>,
    jobs_waiting: Arc<tokio::sync::Notify>,
    routing_wanted: Arc<tokio::sync::Notify>,
    refund_connectors: Arc<refunds::Connectors>,
}

impl App {
    #[must_use]
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            access: access::AccessSettings::default(),
            intake: Arc::new(settings::IntakeSettings::default()),
            jobs_waiting: Arc::new(tokio::sync::Notify::new()),
            routing_wanted: Arc::new(tokio::sync::Notify::new()),
            refund_connectors: Arc::new(refunds::Connectors::default()),
        }
    }

    /// The same services, executing refunds of charges on `gateway` with `connector`
    /// (without one, a gateway's refunds are `record_only`: made elsewhere, recorded here).
    #[must_use]
    pub fn with_refund_connector(
        mut self,
        gateway: &str,
        connector: Arc<dyn refunds::RefundConnector>,
    ) -> Self {
        Arc::make_mut(&mut self.refund_connectors).insert(gateway, connector);
        self
    }

    /// The same services with these intake settings.
    #[must_use]
    pub fn with_intake(mut self, intake: settings::IntakeSettings) -> Self {
        self.intake = Arc::new(intake);
        self
    }

    /// The intake channels' settings.
    #[must_use]
    pub fn intake(&self) -> &settings::IntakeSettings {
        &self.intake
    }

    /// The store, for health checks and tools that work below the use cases.
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Now, from the injected clock.
    #[must_use]
    pub fn now(&self) -> paydesk_domain::Timestamp {
        self.clock.now()
    }
}
