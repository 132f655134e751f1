//! paydesk's storage: one contract, two engines (SQLite embedded, PostgreSQL scale-out).
//!
//! [`Store`] is the contract: use-case-shaped methods, each one transaction. A change to a
//! ticket and the events that record it commit together or not at all. Queries are
//! written once (see [`sql`]) and run on both engines.

pub mod audit;
pub mod engine;
pub mod error;
pub mod page;
pub mod sql;

mod access;
mod activity;
mod agent;
mod chat_session;
mod claim;
mod customer;
mod dispute;
pub mod erasure;
mod escalation;
mod escalation_clock;
mod event;
pub mod group_commit;
mod import;
mod incident;
mod incident_link;
mod incident_update;
mod job;
mod macros;
mod mail;
mod message;
mod outbound_mail;
mod overflow;
mod overview;
mod partner_team;
mod payment;
mod payment_health;
pub mod payment_link;
mod payment_object;
mod payment_read;
mod portal;
mod queue_config;
mod queue_view;
mod refund;
mod refund_policy;
mod refund_work;
pub mod retention;
mod rule;
mod rule_firing;
mod saved_view;
mod search;
mod secret;
pub mod sla;
mod sla_clock;
mod sla_config;
mod sop;
mod sop_run;
mod staff;
mod team;
mod ticket;
mod ticket_insert;
mod ticket_list;
mod timer;
mod webhook_event;
mod work_search;

pub use access::{
    ApiToken, FAILURES_READ_LIMIT, NewApiToken, NewSession, Session, TOKEN_USE_RESOLUTION_MS,
};
pub use activity::{Activity, TicketSummary};
pub use audit::{AuditRecord, ChainBreak, ChainReport};
pub use claim::{Assignment, Claimed};
pub use customer::CustomerFilter;
pub use dispute::{
    DisputeAnswer, DisputeFilter, DisputeMove, DisputeRecord, EvidenceItem, NewEvidence,
};
pub use engine::AppliedMigration;
pub use error::StoreError;
pub use escalation::{
    EscalationFilter, EscalationMove, NewEscalation, StoredEscalation, TicketNote,
};
pub use event::actor_columns;
pub use import::ImportedRow;
pub use incident::{IncidentEntry, IncidentWrite, NewEntry, NewIncident, StoredIncident};
pub use incident_link::{IncidentTicket, TicketIncident};
pub use incident_update::{DeliveryReply, INCIDENT_UPDATE_JOB, NewUpdate, StoredUpdate};
pub use job::{Job, JobId, JobStatus, NewJob, Settlement};
pub use macros::{MacroFilter, MacroUse};
pub use mail::{KeptMail, MailDirection};
pub use message::author_columns;
pub use outbound_mail::{MAIL_JOB, MailStatus, NewOutboundMail, OutboundMail, REFERENCES_CAP};
pub use overflow::OVERFLOW_BATCH;
pub use overview::{
    AGE_BUCKETS, Overview, OverviewFilter, OverviewRow, Tally, VOLUME_DAYS, VendorChoice,
};
pub use page::{Page, PageRequest};
pub use partner_team::{PartnerTeamSetting, StoredPartnerTeam, StoredReason};
pub use payment::PaymentWork;
pub use payment_health::{HealthTallies, MinuteKey, StoredObjective};
pub use payment_read::{LinkedPayments, TransactionFilter};
pub use portal::Admission;
pub use queue_config::{QueueRouting, QueueSettings};
pub use queue_view::{QueueCounts, WorkRow};
pub use refund::{RefundFilter, RefundRecord};
pub use refund_policy::StoredRefundPolicy;
pub use refund_work::{NewRefund, RefundDecision, RefundResult};
pub use rule::{RuleWrite, StoredRule};
pub use rule_firing::{
    FiringRecord, NewFiring, RuleFactRow, RuleLoop, TRIGGER_EVENT_KINDS, TriggerSource,
};
pub use saved_view::SavedView;
pub use sla::{SLA_REAPPLY_JOB, SlaSetting, StoredCalendar, StoredPolicy};
pub use sla_clock::NO_DUE;
pub use sla_config::SlaConfig;
pub use sop::{NewSop, SopFilter, SopVersion, StoredSop, VersionContent, VersionStep};
pub use sop_run::{DoneStep, SolveRequirement, SopRun};
pub use sql::Engine;
pub use staff::{NewQueue, NewUser, Queue, User, Vendor};
pub use team::{NewTeam, Team};
pub use ticket::{IdempotencyKey, TicketRecord};
pub use ticket_insert::{TICKET_INSERT, ticket_row};
pub use ticket_list::TicketFilter;
pub use timer::FiredTimer;
pub use webhook_event::{NewWebhookEvent, WebhookEvent};

use engine::{PgEngine, SqliteEngine};
use sql::Tx;
use std::path::Path;

/// A paydesk database on one of the two engines.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqliteEngine),
    Postgres(PgEngine),
}

/// PostgreSQL: `ANALYZE` each table of the current schema, one by one.
const ANALYZE_OWN_SCHEMA: &str = "DO $$ DECLARE t text; BEGIN \
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP \
    EXECUTE format('ANALYZE %I', t); END LOOP; END $$";

impl Store {
    /// Opens the SQLite file at `path`, creating it if needed.
    pub async fn open_sqlite(path: &Path) -> Result<Self, StoreError> {
        Ok(Store::Sqlite(SqliteEngine::open(path).await?))
    }

    /// Connects to PostgreSQL at `url`.
    pub async fn connect_postgres(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        Ok(Store::Postgres(
            PgEngine::connect(url, max_connections).await?,
        ))
    }

    /// Which engine this store runs on.
    #[must_use]
    pub fn engine(&self) -> Engine {
        match self {
            Store::Sqlite(_) => Engine::Sqlite,
            Store::Postgres(_) => Engine::Postgres,
        }
    }

    /// Starts a write transaction. Public for the engine-level tools (bench, conformance).
    pub async fn write(&self) -> Result<Tx, StoreError> {
        match self {
            Store::Sqlite(e) => e.write().await,
            Store::Postgres(e) => e.write().await,
        }
    }

    /// Starts a read transaction (one consistent snapshot).
    pub async fn read(&self) -> Result<Tx, StoreError> {
        match self {
            Store::Sqlite(e) => e.read().await,
            Store::Postgres(e) => e.read().await,
        }
    }

    /// Applies missing migrations; returns those applied now. Safe to call at every start.
    pub async fn migrate(&self, now_ms: i64) -> Result<Vec<AppliedMigration>, StoreError> {
        engine::migrate::run(|| self.write(), now_ms).await
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut tx = self.read().await?;
        tx.row("SELECT 1 AS one", &[]).await?;
        Ok(())
    }

    /// Refreshes the query planner's statistics (after a bulk load, say), so it picks the
    /// indexes the data calls for. On PostgreSQL only the desk's own schema is analysed: a
    /// bare `ANALYZE` would lock every table of every schema on the server until commit.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        tx.exec_script(match self.engine() {
            Engine::Sqlite => "ANALYZE",
            Engine::Postgres => ANALYZE_OWN_SCHEMA,
        })
        .await?;
        tx.commit().await
    }

    /// Closes all connections.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(e) => e.close().await,
            Store::Postgres(e) => e.close().await,
        }
    }
}
