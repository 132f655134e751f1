//! The SLA configuration a ticket write needs: the active policies in order and the
//! business calendars their targets count in, read inside the write's transaction so a
//! policy change is seen by the very next write on every instance.

use crate::error::StoreError;
use crate::sql::Tx;
use paydesk_domain::calendar::{Calendar, CalendarSpec};
use paydesk_domain::sla::{AlwaysOpen, BusinessTime, Calendars, PolicySpec, SlaPolicy};
use std::collections::HashMap;

/// Active policies in the order they are tried, and the calendars by id.
#[derive(Debug, Clone, Default)]
pub struct SlaConfig {
    pub policies: Vec<SlaPolicy>,
    calendars: HashMap<i64, Calendar>,
}

impl Calendars for SlaConfig {
    fn time(&self, calendar_id: Option<i64>) -> &dyn BusinessTime {
        match calendar_id.and_then(|id| self.calendars.get(&id)) {
            Some(calendar) => calendar,
            None => &AlwaysOpen,
        }
    }
}

impl SlaConfig {
    /// Whether no policy is active (ticket writes then only end clocks that still run).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }
}

/// Reads the active policies and the calendars they name. A stored definition that no
/// longer parses is skipped with a warning rather than failing every ticket write.
pub(crate) async fn load(tx: &mut Tx) -> Result<SlaConfig, StoreError> {
    let rows = tx
        .rows(
            "SELECT id, name, definition FROM sla_policies WHERE is_active = 1 ORDER BY position, id",
            &[],
        )
        .await?;
    let mut policies = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.i64("id")?;
        match serde_json::from_str::<PolicySpec>(&row.text("definition")?) {
            Ok(spec) => policies.push(SlaPolicy { id, spec }),
            Err(e) => {
                tracing::warn!(policy = id, error = %e, "skipping an SLA policy that does not parse");
            }
        }
    }
    let mut calendars = HashMap::new();
    if policies
        .iter()
        .any(|p| p.spec.targets.iter().any(|t| t.calendar_id.is_some()))
    {
        for row in tx.rows("SELECT id, spec FROM calendars", &[]).await? {
            let id = row.i64("id")?;
            let built = serde_json::from_str::<CalendarSpec>(&row.text("spec")?)
                .map_err(|e| e.to_string())
                .and_then(|spec| Calendar::new(&spec).map_err(|e| e.to_string()));
            match built {
                Ok(calendar) => {
                    calendars.insert(id, calendar);
                }
                Err(e) => {
                    tracing::warn!(calendar = id, error = %e, "a calendar does not parse; its targets count in calendar hours");
                }
            }
        }
    }
    Ok(SlaConfig {
        policies,
        calendars,
    })
}
