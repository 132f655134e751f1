//! paydesk's domain layer: the types and rules of a payments support desk.
//!
//! Everything here is pure: no I/O, no async, no SQL. Other layers call into it to
//! decide what a change means (which transitions are allowed, what an event records,
//! what text may be stored) and then persist the outcome.

pub mod actor;
pub mod calendar;
pub mod chat;
pub mod customer;
pub mod error;
pub mod escalation;
pub mod event;
pub mod id;
pub mod incident;
pub mod label;
pub mod macros;
pub mod message;
pub mod payment;
pub mod payment_health;
pub mod policy;
pub mod redaction;
pub mod role;
pub mod routing;
pub mod rules;
pub mod sla;
pub mod sop;
pub mod ticket;
pub mod time;

pub use actor::Actor;
pub use error::DomainError;
pub use id::{CustomerId, EventId, MessageId, QueueId, TeamId, TicketId, UserId, VendorId};
pub use time::Timestamp;
