//! SLA use cases: business calendars and policies (admins change them, staff read them),
//! a ticket's clocks, and the durable timers that mark clocks at risk and breached.
//!
//! Clocks move in the store, inside every ticket write (see `paydesk_store::sla_clock`);
//! here are only the settings and the timer and re-apply work the workers call.

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::calendar::{Calendar, CalendarSpec};
use paydesk_domain::event::NewEvent;
use paydesk_domain::policy::Action;
use paydesk_domain::sla::{PolicySpec, SlaClock};
use paydesk_domain::{TicketId, Timestamp};
use paydesk_store::{FiredTimer, SlaSetting, StoredCalendar, StoredPolicy};
use serde_json::json;

/// Tickets re-evaluated per transaction when policies change.
const REAPPLY_BATCH: i64 = 500;

/// A calendar or policy as an admin sends it.
#[derive(Debug, Clone)]
pub struct SettingInput<T> {
    /// None creates; Some changes that one.
    pub id: Option<i64>,
    /// With an id: refuse if someone changed it since (optimistic concurrency).
    pub expected_version: Option<i64>,
    pub name: String,
    pub position: i64,
    pub is_active: bool,
    pub definition: T,
}

impl<T> SettingInput<T> {
    /// The same setting with a checked name and its definition as stored.
    fn with_definition<U>(self, name: String, definition: U) -> SettingInput<U> {
        SettingInput {
            id: self.id,
            expected_version: self.expected_version,
            name,
            position: self.position,
            is_active: self.is_active,
            definition,
        }
    }
}

fn check_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.contains('\0') {
        return Err(AppError::invalid("name", "must be 1 to 100 characters"));
    }
    Ok(paydesk_domain::redaction::redact(name).text)
}

impl App {
    /// Every business calendar. Errors: [`AppError::Forbidden`] without `ticket_read`.
    pub async fn calendars(&self, caller: &Caller) -> Result<Vec<StoredCalendar>, AppError> {
        caller.require(Action::TicketRead)?;
        Ok(self.store.calendars().await?)
    }

    /// Creates or changes a calendar, after checking its zone, hours and holidays; open
    /// tickets whose targets count in it get new due times. Errors: [`AppError::Invalid`]
    /// naming the field, [`AppError::Duplicate`] for a name in use, version conflicts.
    pub async fn save_calendar(
        &self,
        caller: &Caller,
        input: SettingInput<CalendarSpec>,
    ) -> Result<StoredCalendar, AppError> {
        caller.require(Action::ConfigManage)?;
        let name = check_name(&input.name)?;
        Calendar::new(&input.definition)
            .map_err(|e| AppError::invalid(format!("spec.{}", e.field()), e.to_string()))?;
        let body = serde_json::to_string(&input.definition)
            .map_err(|e| AppError::invalid("spec", e.to_string()))?;
        let setting = input.with_definition(name, body);
        let event = self.setting_event(caller, "calendar", &setting);
        let saved = self
            .store
            .save_calendar(&to_setting(setting), &event, self.now())
            .await;
        self.saved_setting(saved, "calendar")
    }

    /// Every SLA policy in the order they are tried. Errors: [`AppError::Forbidden`].
    pub async fn sla_policies(&self, caller: &Caller) -> Result<Vec<StoredPolicy>, AppError> {
        caller.require(Action::TicketRead)?;
        Ok(self.store.sla_policies().await?)
    }

    /// Creates or changes a policy. New tickets follow it at once; open tickets are brought
    /// under it by a job, from the moment of the change (time already counted stays).
    /// Errors as [`App::save_calendar`]; a target naming an unknown calendar is invalid.
    pub async fn save_sla_policy(
        &self,
        caller: &Caller,
        input: SettingInput<PolicySpec>,
    ) -> Result<StoredPolicy, AppError> {
        caller.require(Action::ConfigManage)?;
        let name = check_name(&input.name)?;
        input.definition.validate()?;
        let calendars = self.store.calendars().await?;
        if let Some(t) = input.definition.targets.iter().find(|t| {
            t.calendar_id
                .is_some_and(|id| !calendars.iter().any(|c| c.id == id))
        }) {
            return Err(AppError::invalid(
                "targets",
                format!("no calendar has id {}", t.calendar_id.unwrap_or_default()),
            ));
        }
        for category in &input.definition.conditions.categories {
            if category.contains('\0') || category.len() > 100 {
                return Err(AppError::invalid(
                    "conditions.categories",
                    "at most 100 characters",
                ));
            }
        }
        let body = serde_json::to_string(&input.definition)
            .map_err(|e| AppError::invalid("definition", e.to_string()))?;
        let setting = input.with_definition(name, body);
        let event = self.setting_event(caller, "sla_policy", &setting);
        let saved = self
            .store
            .save_sla_policy(&to_setting(setting), &event, self.now())
            .await;
        self.jobs_waiting.notify_waiters();
        self.saved_setting(saved, "SLA policy")
    }

    fn setting_event(&self, caller: &Caller, what: &str, s: &SettingInput<String>) -> NewEvent {
        let data = json!({
            "what": what,
            "change": if s.id.is_some() { "updated" } else { "created" },
            "id": s.id,
            "name": s.name,
            "definition": serde_json::from_str::<serde_json::Value>(&s.definition).unwrap_or_default(),
        });
        self.config_event(caller, data)
    }

    fn saved_setting<T>(
        &self,
        saved: Result<T, paydesk_store::StoreError>,
        what: &str,
    ) -> Result<T, AppError> {
        match saved {
            Err(paydesk_store::StoreError::Duplicate) => Err(AppError::Duplicate(format!(
                "a {what} with this name exists; choose another name"
            ))),
            Err(paydesk_store::StoreError::VersionConflict { entity, expected }) => {
                Err(AppError::invalid(
                    "version",
                    format!(
                        "the {entity} changed since version {expected}; reload it and try again"
                    ),
                ))
            }
            other => other.map_err(AppError::from),
        }
    }

    /// A ticket's SLA clocks. Errors: [`AppError::NotFound`] when the caller may not see it.
    pub async fn ticket_sla(
        &self,
        caller: &Caller,
        id: TicketId,
    ) -> Result<Vec<SlaClock>, AppError> {
        caller.require(Action::TicketRead)?;
        self.visible_ticket(caller, id).await?;
        Ok(self.store.ticket_clocks(id).await?)
    }

    /// Fires up to `limit` due timers (workers call this; see `paydesk_store::timer`) and
    /// records each one's lag in the `paydesk_timer_lag_seconds` histogram.
    pub async fn fire_due_timers(&self, limit: i64) -> Result<Vec<FiredTimer>, AppError> {
        let fired = self.store.fire_due_timers(self.now(), limit).await?;
        record(&fired);
        Ok(fired)
    }

    /// When the next timer falls due.
    pub async fn next_timer_due(&self) -> Result<Option<Timestamp>, AppError> {
        Ok(self.store.next_timer_due().await?)
    }

    /// Brings every open ticket under the policies as they are now, in batches; returns how
    /// many batches ran. Safe to run twice: an unchanged ticket stays unchanged.
    pub async fn reapply_sla(&self) -> Result<u64, AppError> {
        let mut after = 0;
        let mut batches = 0;
        while let Some(last) = self
            .store
            .reapply_sla(after, REAPPLY_BATCH, self.now())
            .await?
        {
            after = last;
            batches += 1;
        }
        Ok(batches)
    }
}

fn to_setting(s: SettingInput<String>) -> SlaSetting {
    SlaSetting {
        id: s.id,
        expected_version: s.expected_version,
        name: s.name,
        body: s.definition,
        position: s.position,
        is_active: s.is_active,
    }
}

/// Exports what fired: the lag histogram and a counter by kind and effect.
fn record(fired: &[FiredTimer]) {
    for timer in fired {
        #[expect(
            clippy::cast_precision_loss,
            reason = "lags are far below 2^52 milliseconds"
        )]
        let lag = timer.lag_ms().max(0) as f64 / 1000.0;
        metrics::histogram!("paydesk_timer_lag_seconds", "kind" => timer.kind.clone()).record(lag);
        metrics::counter!(
            "paydesk_timers_fired_total",
            "kind" => timer.kind.clone(),
            "effective" => if timer.is_effective { "true" } else { "false" },
        )
        .increment(1);
    }
}
