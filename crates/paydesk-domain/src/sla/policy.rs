//! SLA policies as data: conditions, targets and pause rules, with their validation.

use super::Metric;
use crate::customer::Tier;
use crate::error::DomainError;
use crate::id::{QueueId, VendorId};
use crate::ticket::{BusinessLine, Channel, Priority, Status};
use serde::{Deserialize, Serialize};

/// Which tickets a policy covers. Every list that is not empty must contain the ticket's
/// value; empty lists match anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyConditions {
    #[serde(default)]
    pub business_lines: Vec<BusinessLine>,
    #[serde(default)]
    pub priorities: Vec<Priority>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub customer_tiers: Vec<Tier>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub queues: Vec<QueueId>,
    #[serde(default)]
    pub vendors: Vec<VendorId>,
}

/// One target: how long `metric` may take for tickets of `priority`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    pub metric: Metric,
    pub priority: Priority,
    /// The allowed time, in minutes of calendar time or of business time.
    pub minutes: i64,
    /// The business calendar the minutes count in; absent means calendar hours (24/7).
    #[serde(default)]
    pub calendar_id: Option<i64>,
}

/// While a ticket is in one of `statuses`, the clock of `metric` stands still.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pause {
    pub metric: Metric,
    pub statuses: Vec<Status>,
}

/// A policy's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicySpec {
    #[serde(default)]
    pub conditions: PolicyConditions,
    pub targets: Vec<Target>,
    /// Which statuses pause which metric. Absent: resolution and periodic updates pause
    /// while the ticket is pending on the customer.
    #[serde(default = "default_pauses")]
    pub pauses: Vec<Pause>,
    /// A clock is at risk once this share of its target (in percent) is used.
    #[serde(default = "default_at_risk")]
    pub at_risk_percent: i64,
}

fn default_pauses() -> Vec<Pause> {
    vec![
        Pause {
            metric: Metric::Resolution,
            statuses: vec![Status::Pending],
        },
        Pause {
            metric: Metric::PeriodicUpdate,
            statuses: vec![Status::Pending],
        },
    ]
}

fn default_at_risk() -> i64 {
    75
}

/// The longest target a policy may set: a year.
const MAX_MINUTES: i64 = 366 * 24 * 60;

impl PolicySpec {
    /// Checks that targets are positive and below a year, that no metric and priority has
    /// two targets, and that the at-risk share is between 1 and 99 percent.
    pub fn validate(&self) -> Result<(), DomainError> {
        if !(1..=99).contains(&self.at_risk_percent) {
            return Err(DomainError::Invalid {
                field: "at_risk_percent",
                reason: "must be between 1 and 99".into(),
            });
        }
        for (i, t) in self.targets.iter().enumerate() {
            if !(1..=MAX_MINUTES).contains(&t.minutes) {
                return Err(DomainError::Invalid {
                    field: "targets",
                    reason: format!("minutes must be between 1 and {MAX_MINUTES}"),
                });
            }
            if self.targets[..i]
                .iter()
                .any(|o| o.metric == t.metric && o.priority == t.priority)
            {
                return Err(DomainError::Invalid {
                    field: "targets",
                    reason: format!(
                        "two targets for {} at {} priority",
                        t.metric.as_str(),
                        t.priority.as_str()
                    ),
                });
            }
        }
        Ok(())
    }

    /// The target for `metric` at `priority`, if the policy sets one.
    #[must_use]
    pub fn target(&self, metric: Metric, priority: Priority) -> Option<&Target> {
        self.targets
            .iter()
            .find(|t| t.metric == metric && t.priority == priority)
    }

    /// Whether `metric`'s clock stands still in `status`.
    #[must_use]
    pub fn pauses(&self, metric: Metric, status: Status) -> bool {
        self.pauses
            .iter()
            .any(|p| p.metric == metric && p.statuses.contains(&status))
    }
}

/// A stored policy: its id and definition. Policies are tried in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaPolicy {
    pub id: i64,
    pub spec: PolicySpec,
}

impl PolicyConditions {
    /// Whether a ticket with these facts is covered.
    #[must_use]
    pub fn matches(&self, t: &super::TicketFacts) -> bool {
        fn any<T: PartialEq>(list: &[T], value: Option<&T>) -> bool {
            list.is_empty() || value.is_some_and(|v| list.contains(v))
        }
        any(&self.business_lines, Some(&t.business_line))
            && any(&self.priorities, Some(&t.priority))
            && any(&self.channels, Some(&t.channel))
            && any(&self.customer_tiers, t.customer_tier.as_ref())
            && any(&self.categories, t.category.as_ref())
            && any(&self.queues, t.queue_id.as_ref())
            && any(&self.vendors, t.vendor_id.as_ref())
    }
}

/// The first policy in `policies` that covers the ticket.
#[must_use]
pub fn first_match<'a>(
    policies: &'a [SlaPolicy],
    facts: &super::TicketFacts,
) -> Option<&'a SlaPolicy> {
    policies.iter().find(|p| p.spec.conditions.matches(facts))
}
