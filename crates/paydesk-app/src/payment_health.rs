//! Payment service health: authorisation attempts come in by batch and are kept as
//! per-minute counts; the health view compares the last 15 minutes and the last day of
//! every gateway and method with its objective; the health check proposes an incident for
//! a sharp drop (see [`paydesk_domain::payment_health::assess`]), once per gateway and
//! method while one is open, and not again for an hour after a lead dismissed one.

use crate::error::AppError;
use crate::tickets::refuse_unstorable;
use crate::{App, Caller};
use paydesk_domain::Timestamp;
use paydesk_domain::incident::{
    IncidentAction, IncidentOrigin, IncidentStatus, MatchRules, PaymentMethod, Scope, Severity,
};
use paydesk_domain::payment_health::{
    self, Assessment, Drop, HealthState, Objective, PaymentAttempt, Tally, attempt::RawAttempt,
};
use paydesk_domain::policy::Action;
use paydesk_store::{MinuteKey, NewIncident, StoreError, StoredIncident, StoredObjective};
use serde_json::json;
use std::collections::BTreeMap;

/// The most attempts one batch may carry.
pub const BATCH_MAX: usize = 1_000;

/// How long a dismissed proposal keeps another one for the same gateway and method away.
pub const DISMISSAL_QUIET_MS: i64 = Timestamp::HOUR;

/// How long minute counts are kept.
pub const KEEP_MS: i64 = 8 * Timestamp::DAY;

/// The most gateway and method overrides of the objectives.
pub const OVERRIDES_MAX: usize = 500;

/// Most codes shown per gateway and method.
const TOP_CODES: usize = 5;

/// One attempt as sent, its time already read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptInput {
    pub gateway: String,
    pub method: String,
    pub result: String,
    pub code: Option<String>,
    pub latency_ms: i64,
    pub at: Timestamp,
    pub region: Option<String>,
    pub business_line: Option<String>,
}

/// Why one item of a batch was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Its place in the batch, from 0.
    pub index: usize,
    pub field: Option<String>,
    pub reason: String,
}

/// What became of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub accepted: usize,
    pub refused: Vec<Refusal>,
}

/// The objectives: a default and overrides per gateway and method.
#[derive(Debug, Clone, PartialEq)]
pub struct Objectives {
    pub default: Objective,
    pub overrides: Vec<ObjectiveOverride>,
}

/// One gateway and method's own objective.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveOverride {
    pub gateway: String,
    pub method: PaymentMethod,
    pub objective: Objective,
}

impl Objectives {
    /// The objective of `gateway` and `method`.
    #[must_use]
    pub fn of(&self, gateway: &str, method: PaymentMethod) -> Objective {
        self.overrides
            .iter()
            .find(|o| o.gateway == gateway && o.method == method)
            .map_or(self.default, |o| o.objective)
    }
}

/// One window's figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowFigures {
    pub tally: Tally,
    pub success_rate: Option<f64>,
    pub p50_ms: Option<i64>,
    pub p95_ms: Option<i64>,
}

impl From<Tally> for WindowFigures {
    fn from(tally: Tally) -> Self {
        Self {
            tally,
            success_rate: tally.success_rate(),
            p50_ms: tally.p50(),
            p95_ms: tally.p95(),
        }
    }
}

/// How one gateway and method are doing.
#[derive(Debug, Clone, PartialEq)]
pub struct GatewayHealth {
    pub gateway: String,
    pub method: PaymentMethod,
    pub objective: Objective,
    /// The last 15 minutes.
    pub recent: WindowFigures,
    /// The last 24 hours.
    pub day: WindowFigures,
    pub assessment: Assessment,
    /// The most frequent decline and failure codes of the last 15 minutes.
    pub top_codes: Vec<(String, i64)>,
}

impl App {
    /// Records a batch of authorisation attempts: items already refused by the caller
    /// (malformed JSON, say) stay refused, every other item is checked, and the good ones
    /// are added to their minutes. Errors: [`AppError::Invalid`] on `events` for a batch
    /// over [`BATCH_MAX`]; [`AppError::Forbidden`] without `payment_write`.
    pub async fn record_payment_attempts(
        &self,
        caller: &Caller,
        items: Vec<Result<AttemptInput, Refusal>>,
    ) -> Result<Recorded, AppError> {
        caller.require(Action::PaymentWrite)?;
        if items.len() > BATCH_MAX {
            return Err(AppError::invalid(
                "events",
                format!("at most {BATCH_MAX} attempts per request; send the rest in another"),
            ));
        }
        let now = self.now();
        let mut refused = Vec::new();
        let mut minutes: BTreeMap<MinuteKey, Tally> = BTreeMap::new();
        let mut codes: BTreeMap<(MinuteKey, String), i64> = BTreeMap::new();
        let mut accepted = 0;
        for (index, item) in items.into_iter().enumerate() {
            let checked = item.and_then(|input| checked_attempt(index, &input, now));
            match checked {
                Err(r) => refused.push(r),
                Ok(a) => {
                    accepted += 1;
                    let key = MinuteKey {
                        gateway: a.gateway.clone(),
                        method: a.method.as_str().to_string(),
                        minute: a.minute(),
                    };
                    minutes
                        .entry(key.clone())
                        .or_default()
                        .record(a.result, a.latency_ms);
                    if let Some(code) = a.code {
                        *codes.entry((key, code)).or_default() += 1;
                    }
                }
            }
        }
        let minutes: Vec<_> = minutes.into_iter().collect();
        let codes: Vec<_> = codes.into_iter().map(|((k, c), n)| (k, c, n)).collect();
        if !minutes.is_empty() {
            self.store.add_payment_attempts(&minutes, &codes).await?;
        }
        Ok(Recorded { accepted, refused })
    }

    /// The objectives, defaults filled in. Errors: [`AppError::Forbidden`] without
    /// `config_manage`.
    pub async fn payment_objectives(&self, caller: &Caller) -> Result<Objectives, AppError> {
        caller.require(Action::ConfigManage)?;
        self.objectives().await
    }

    async fn objectives(&self) -> Result<Objectives, AppError> {
        let mut out = Objectives {
            default: Objective::default(),
            overrides: Vec::new(),
        };
        for o in self.store.payment_objectives().await? {
            if o.gateway == "*" {
                out.default = o.objective;
                continue;
            }
            let method = o.method.parse().map_err(|e| {
                AppError::Store(StoreError::Corrupt(format!("objective method: {e}")))
            })?;
            out.overrides.push(ObjectiveOverride {
                gateway: o.gateway,
                method,
                objective: o.objective,
            });
        }
        Ok(out)
    }

    /// Replaces the objectives (the default and every override), recorded as a
    /// configuration change. Errors: [`AppError::Invalid`] naming the field; a gateway and
    /// method given twice; [`AppError::Forbidden`].
    pub async fn set_payment_objectives(
        &self,
        caller: &Caller,
        objectives: Objectives,
    ) -> Result<Objectives, AppError> {
        caller.require(Action::ConfigManage)?;
        if objectives.overrides.len() > OVERRIDES_MAX {
            return Err(AppError::invalid(
                "overrides",
                format!("at most {OVERRIDES_MAX} gateway and method overrides"),
            ));
        }
        let now = self.now();
        let field = |prefix: String| {
            move |e: paydesk_domain::DomainError| match e {
                paydesk_domain::DomainError::Invalid { field, reason } => {
                    AppError::invalid(format!("{prefix}.{field}"), reason)
                }
                other => other.into(),
            }
        };
        let default = objectives
            .default
            .validated()
            .map_err(field("default".into()))?;
        let mut rows = vec![StoredObjective {
            gateway: "*".into(),
            method: "*".into(),
            objective: default,
            updated_at: now,
        }];
        for (i, o) in objectives.overrides.iter().enumerate() {
            let gateway = paydesk_domain::payment::normalize_gateway(&o.gateway)
                .map_err(|e| AppError::invalid(format!("overrides[{i}].gateway"), e.to_string()))?;
            refuse_unstorable(&format!("overrides[{i}].gateway"), &gateway)?;
            let objective = o
                .objective
                .validated()
                .map_err(field(format!("overrides[{i}]")))?;
            if rows
                .iter()
                .any(|r| r.gateway == gateway && r.method == o.method.as_str())
            {
                return Err(AppError::invalid(
                    format!("overrides[{i}]"),
                    "this gateway and method are listed twice",
                ));
            }
            rows.push(StoredObjective {
                gateway,
                method: o.method.as_str().into(),
                objective,
                updated_at: now,
            });
        }
        let event = self.config_event(
            caller,
            json!({ "what": "payment_objectives", "change": "replaced", "overrides": rows.len() - 1 }),
        );
        self.store.replace_payment_objectives(&rows, &event).await?;
        self.objectives().await
    }

    /// Every gateway and method with attempts in the last day: figures for the last 15
    /// minutes and the last 24 hours, the objective and the state, by gateway and method.
    pub async fn payment_health(&self, caller: &Caller) -> Result<Vec<GatewayHealth>, AppError> {
        caller.require(Action::PaymentRead)?;
        self.health_now().await
    }

    async fn health_now(&self) -> Result<Vec<GatewayHealth>, AppError> {
        let now = self.now();
        let minute = Timestamp(now.0 - now.0.rem_euclid(Timestamp::MINUTE));
        let recent_from =
            minute.plus_millis(-(payment_health::RECENT_MINUTES - 1) * Timestamp::MINUTE);
        let day_from =
            minute.plus_millis(-(payment_health::BASELINE_MINUTES - 1) * Timestamp::MINUTE);
        let objectives = self.objectives().await?;
        let mut codes: BTreeMap<(String, String), Vec<(String, i64)>> = BTreeMap::new();
        for (gateway, method, code, n) in self.store.payment_health_codes(recent_from).await? {
            let list = codes.entry((gateway, method)).or_default();
            if list.len() < TOP_CODES {
                list.push((code, n));
            }
        }
        let mut out = Vec::new();
        for row in self
            .store
            .payment_health_tallies(day_from, recent_from)
            .await?
        {
            let method: PaymentMethod = row
                .method
                .parse()
                .map_err(|e| AppError::Store(StoreError::Corrupt(format!("health method: {e}"))))?;
            let objective = objectives.of(&row.gateway, method);
            let top_codes = codes
                .remove(&(row.gateway.clone(), row.method.clone()))
                .unwrap_or_default();
            out.push(GatewayHealth {
                assessment: payment_health::assess(&row.recent, &row.day, &objective),
                gateway: row.gateway,
                method,
                objective,
                recent: row.recent.into(),
                day: row.day.into(),
                top_codes,
            });
        }
        Ok(out)
    }

    /// Runs the health check (the workers every minute, leads on demand): proposes an
    /// incident for each failing gateway and method that none covers yet; returns the
    /// proposals made. Each proposal records `incident_changed` (`proposed`) for leads.
    pub async fn check_payment_health(
        &self,
        caller: &Caller,
    ) -> Result<Vec<StoredIncident>, AppError> {
        caller.require(Action::IncidentManage)?;
        let now = self.now();
        let mut proposed = Vec::new();
        for health in self.health_now().await? {
            let Some(drop) = health.assessment.drop else {
                continue;
            };
            if health.assessment.state != HealthState::Failing
                || self
                    .store
                    .proposal_blocked(
                        &health.gateway,
                        health.method.as_str(),
                        now.plus_millis(-DISMISSAL_QUIET_MS),
                    )
                    .await?
            {
                continue;
            }
            match self.propose(caller, &health, drop, now).await {
                Ok(incident) => proposed.push(incident),
                // Another instance proposed it first.
                Err(AppError::Store(StoreError::Duplicate)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(proposed)
    }

    async fn propose(
        &self,
        caller: &Caller,
        health: &GatewayHealth,
        drop: Drop,
        now: Timestamp,
    ) -> Result<StoredIncident, AppError> {
        let started = now.plus_millis(-payment_health::RECENT_MINUTES * Timestamp::MINUTE);
        let new = NewIncident {
            title: payment_health::proposal_title(&health.gateway, health.method, drop),
            severity: match drop {
                Drop::SuccessRate => Severity::Sev2,
                Drop::Latency => Severity::Sev3,
            },
            status: IncidentStatus::Proposed,
            origin: IncidentOrigin::HealthCheck,
            scope: Scope {
                gateway: Some(health.gateway.clone()),
                method: Some(health.method),
                region: None,
                business_line: None,
                started_at: started,
                ended_at: None,
            },
            rules: Some(MatchRules {
                gateways: vec![health.gateway.clone()],
                methods: vec![health.method],
                ..MatchRules::default()
            }),
            public_summary: None,
            health_key: Some(format!("{}:{}", health.gateway, health.method)),
            at: now,
        };
        let entry = self.incident_entry(
            caller,
            IncidentAction::Proposed,
            json!({
                "reasons": health.assessment.reasons,
                "attempts": health.recent.tally.attempts,
                "success_rate": health.recent.success_rate,
                "p95_ms": health.recent.p95_ms,
            }),
        );
        match self.store.insert_incident(&new, &entry).await {
            Err(StoreError::Duplicate) => Err(AppError::Store(StoreError::Duplicate)),
            other => Ok(other?),
        }
    }

    /// Removes minute counts older than [`KEEP_MS`]; returns how many rows went.
    pub async fn prune_payment_health(&self) -> Result<u64, AppError> {
        Ok(self
            .store
            .prune_payment_health(self.now().plus_millis(-KEEP_MS))
            .await?)
    }
}

/// Checks one attempt, refusing card data in any of its labels.
fn checked_attempt(
    index: usize,
    input: &AttemptInput,
    now: Timestamp,
) -> Result<PaymentAttempt, Refusal> {
    let refusal = |e: AppError| Refusal {
        index,
        field: e.field().map(str::to_string),
        reason: e.to_string(),
    };
    for (field, text) in [
        ("gateway", Some(&input.gateway)),
        ("code", input.code.as_ref()),
        ("region", input.region.as_ref()),
    ] {
        refuse_unstorable(field, text.map_or("", String::as_str)).map_err(refusal)?;
    }
    let raw = RawAttempt {
        gateway: &input.gateway,
        method: &input.method,
        result: &input.result,
        code: input.code.as_deref(),
        latency_ms: input.latency_ms,
        at: input.at,
        region: input.region.as_deref(),
        business_line: input.business_line.as_deref(),
    };
    PaymentAttempt::check(&raw, now).map_err(|e| refusal(e.into()))
}
