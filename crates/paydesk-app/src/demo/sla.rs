//! The demo desk's SLAs: an in-house calendar in San Jose, a vendor night shift in Manila
//! serving US buyers, and three policies tried in order (VIP merchants on business hours,
//! buyers on the vendor's hours, a standard policy for everything else), so the demo's
//! tickets carry clocks, some met, some at risk, some breached.

use crate::error::AppError;
use crate::sla::SettingInput;
use crate::{App, Caller};
use paydesk_domain::calendar::CalendarSpec;
use paydesk_domain::sla::PolicySpec;
use serde_json::{Value, json};

fn hours(days: &[&str], start: &str, end: &str) -> Vec<Value> {
    days.iter()
        .map(|d| json!({ "day": d, "start": start, "end": end }))
        .collect()
}

const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday"];

fn input<T>(name: &str, position: i64, definition: T) -> SettingInput<T> {
    SettingInput {
        id: None,
        expected_version: None,
        name: name.into(),
        position,
        is_active: true,
        definition,
    }
}

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|e| AppError::invalid("demo", e.to_string()))
}

/// Targets in minutes for each priority, urgent first: (first reply, next reply, periodic
/// update, resolution), each in `calendar` (None: calendar hours).
fn targets(per_priority: [[i64; 4]; 4], calendar: Option<i64>) -> Vec<Value> {
    let metrics = ["first_reply", "next_reply", "periodic_update", "resolution"];
    ["urgent", "high", "normal", "low"]
        .iter()
        .zip(per_priority)
        .flat_map(|(priority, minutes)| {
            metrics.iter().zip(minutes).map(move |(metric, m)| {
                // Resolution always counts in calendar hours: customers wait on weekends too.
                let calendar = if *metric == "resolution" { None } else { calendar };
                json!({ "metric": metric, "priority": priority, "minutes": m, "calendar_id": calendar })
            })
        })
        .collect()
}

/// Creates the calendars and policies.
pub(super) async fn set_up(app: &App) -> Result<(), AppError> {
    let system = Caller::system();
    let san_jose: CalendarSpec = parse(json!({
        "time_zone": "America/Los_Angeles",
        "hours": hours(WEEKDAYS, "08:00", "18:00"),
        "holidays": [
            { "date": "2026-11-26", "name": "Thanksgiving" },
            { "date": "2026-12-25", "yearly": true, "name": "Christmas" },
            { "date": "2027-01-01", "yearly": true, "name": "New Year" },
        ],
    }))?;
    let manila_hours = [
        hours(WEEKDAYS, "21:00", "24:00"),
        hours(
            &["tuesday", "wednesday", "thursday", "friday", "saturday"],
            "00:00",
            "06:00",
        ),
    ]
    .concat();
    let manila: CalendarSpec = parse(json!({
        "time_zone": "Asia/Manila",
        "hours": manila_hours,
        "holidays": [
            { "date": "2026-12-25", "yearly": true, "name": "Christmas" },
            { "date": "2026-12-30", "name": "Rizal Day" },
        ],
    }))?;
    let in_house = app
        .save_calendar(&system, input("In-house, San Jose", 0, san_jose))
        .await?;
    let vendor = app
        .save_calendar(&system, input("Vendor night shift, Manila", 0, manila))
        .await?;
    let policies: [(&str, i64, Value); 3] = [
        (
            "VIP and strategic merchants",
            10,
            json!({
                "conditions": { "business_lines": ["merchant"], "customer_tiers": ["vip", "strategic"] },
                "targets": targets(
                    [[30, 60, 240, 480], [60, 120, 480, 1440], [60, 240, 720, 2880], [120, 480, 1440, 4320]],
                    Some(in_house.id),
                ),
            }),
        ),
        (
            "Buyers, vendor hours",
            20,
            json!({
                "conditions": { "business_lines": ["buyer"] },
                "targets": targets(
                    [[60, 120, 480, 1440], [120, 240, 720, 2880], [240, 480, 1440, 4320], [480, 960, 2880, 10080]],
                    Some(vendor.id),
                ),
            }),
        ),
        (
            "Standard",
            100,
            json!({
                "targets": targets(
                    [[30, 60, 240, 480], [60, 120, 480, 1440], [240, 480, 1440, 4320], [480, 1440, 2880, 10080]],
                    None,
                ),
            }),
        ),
    ];
    for (name, position, definition) in policies {
        let spec: PolicySpec = parse(definition)?;
        app.save_sla_policy(&system, input(name, position, spec))
            .await?;
    }
    Ok(())
}
