//! `GET /desk/overview`: the backlog by age, the SLA standing and the volume, per queue,
//! vendor and business line, as charts with their numbers beside them. A GET form filters
//! the whole page by business line and vendor.

use super::chart::{self, Columns, StackedBars};
use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use paydesk_app::App;
use paydesk_app::overview::LeadOverview;
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{Timestamp, VendorId};
use paydesk_store::{AGE_BUCKETS, Overview, OverviewFilter, OverviewRow, Tally, VendorChoice};
use serde::Deserialize;

/// The filter as the form sends it: `line` a business line, `vendor` `in_house` or a
/// vendor's id; empty or unknown values do not filter.
#[derive(Debug, Default, Deserialize)]
pub struct FilterForm {
    #[serde(default)]
    line: String,
    #[serde(default)]
    vendor: String,
}

impl FilterForm {
    fn filter(&self) -> OverviewFilter {
        OverviewFilter {
            business_line: self.line.parse().ok(),
            vendor: match self.vendor.as_str() {
                "in_house" => Some(VendorChoice::InHouse),
                v => v.parse().ok().map(|id| VendorChoice::Vendor(VendorId(id))),
            },
        }
    }
}

/// A choice of a filter's select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub is_selected: bool,
}

/// One row of a table of counts.
#[derive(Debug, Clone)]
pub struct CountRow {
    pub name: String,
    pub tally: Tally,
}

/// A table of counts (per queue, vendor or business line).
#[derive(Template, Debug, Clone)]
#[template(path = "console/lead/count_table.html")]
pub struct CountTable {
    pub id: &'static str,
    pub caption: &'static str,
    /// What a row is ("Queue").
    pub first: &'static str,
    pub ages: &'static [&'static str],
    pub rows: Vec<CountRow>,
}

/// The overview page.
#[derive(Template)]
#[template(path = "console/lead/overview.html")]
pub struct OverviewPage {
    pub chrome: Chrome,
    pub totals: Tally,
    pub lines: Vec<Choice>,
    pub vendors: Vec<Choice>,
    pub is_vendor_scoped: bool,
    pub backlog_chart: StackedBars,
    pub sla_chart: StackedBars,
    pub volume_chart: Columns,
    pub lines_chart: StackedBars,
    pub queue_table: CountTable,
    pub vendor_table: CountTable,
    pub line_table: CountTable,
}

/// `GET /desk/overview`.
pub async fn show(State(app): State<App>, desk: Desk, Query(form): Query<FilterForm>) -> Response {
    match app.overview(&desk.caller, form.filter()).await {
        Ok(o) => answer(StatusCode::OK, &page(desk.chrome(Section::Overview), &o)),
        Err(e) => failure(&desk, Section::Overview, e),
    }
}

/// The figures folded by `key` and named by `name`, the largest backlog first, then by name.
fn rows_by<K: PartialEq + Copy>(
    figures: &Overview,
    key: impl Fn(&OverviewRow) -> K,
    name: impl Fn(K) -> String,
) -> Vec<CountRow> {
    let mut rows: Vec<CountRow> = figures
        .by(key)
        .into_iter()
        .map(|(k, tally)| CountRow {
            name: name(k),
            tally,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.tally
            .backlog()
            .cmp(&a.tally.backlog())
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}

fn page(chrome: Chrome, o: &LeadOverview) -> OverviewPage {
    let queue_name = |id| match id {
        None => "No queue".to_string(),
        Some(id) => o
            .queues
            .iter()
            .find(|q| q.id == id)
            .map_or_else(|| format!("Queue {id}"), |q| q.name.clone()),
    };
    let vendor_name = |id: Option<VendorId>| match id {
        None => "In-house".to_string(),
        Some(id) => o
            .vendors
            .iter()
            .find(|v| v.id == id)
            .map_or_else(|| format!("Vendor {id}"), |v| v.name.clone()),
    };
    let figures = &o.figures;
    let queues = rows_by(figures, |r| r.queue_id, queue_name);
    let vendors = rows_by(figures, |r| r.vendor_id, vendor_name);
    let lines = rows_by(figures, |r| r.business_line, line_name);
    let by_age = |rows: &[CountRow]| -> Vec<(String, Vec<i64>)> {
        rows.iter()
            .map(|r| (r.name.clone(), r.tally.backlog_by_age.to_vec()))
            .collect()
    };
    let backlog_chart = chart::stacked(
        "chart-backlog",
        "Unsolved tickets per queue, by age",
        "One bar per queue, largest backlog first; each bar is split by how long its tickets have waited, youngest on the left.",
        &AGE_BUCKETS,
        by_age(&queues),
    );
    let sla_chart = chart::stacked(
        "chart-sla",
        "SLA at risk and breached per queue",
        "One bar per queue: unsolved tickets whose SLA is at risk, then those breached.",
        &["at risk", "breached"],
        queues
            .iter()
            .map(|r| (r.name.clone(), vec![r.tally.at_risk, r.tally.breached]))
            .collect(),
    );
    let lines_chart = chart::stacked(
        "chart-lines",
        "Unsolved tickets per business line, by age",
        "One bar per business line, split by how long its tickets have waited.",
        &AGE_BUCKETS,
        by_age(&lines),
    );
    let volume_chart = chart::columns(
        "chart-volume",
        "Tickets created per day, last 14 days",
        "One column per day (UTC), oldest on the left, today on the right.",
        "tickets created",
        figures
            .per_day
            .iter()
            .map(|(day, n)| (day_label(*day), *n))
            .collect(),
    );
    let line_choices = std::iter::once(Choice {
        value: String::new(),
        label: "All business lines".into(),
        is_selected: o.filter.business_line.is_none(),
    })
    .chain(BusinessLine::ALL.iter().map(|l| Choice {
        value: l.as_str().into(),
        label: line_name(*l),
        is_selected: o.filter.business_line == Some(*l),
    }))
    .collect();
    let mut vendor_choices = Vec::new();
    if !o.is_vendor_scoped {
        vendor_choices.push(Choice {
            value: String::new(),
            label: "In-house and all vendors".into(),
            is_selected: o.filter.vendor.is_none(),
        });
        vendor_choices.push(Choice {
            value: "in_house".into(),
            label: "In-house only".into(),
            is_selected: o.filter.vendor == Some(VendorChoice::InHouse),
        });
    }
    vendor_choices.extend(o.vendors.iter().map(|v| Choice {
        value: v.id.to_string(),
        label: v.name.clone(),
        is_selected: o.filter.vendor == Some(VendorChoice::Vendor(v.id)),
    }));
    OverviewPage {
        chrome,
        totals: figures.total(),
        lines: line_choices,
        vendors: vendor_choices,
        is_vendor_scoped: o.is_vendor_scoped,
        backlog_chart,
        sla_chart,
        volume_chart,
        lines_chart,
        queue_table: table("overview-queues", "Per queue", "Queue", queues),
        vendor_table: table("overview-vendors", "Per vendor", "Vendor", vendors),
        line_table: table(
            "overview-lines",
            "Per business line",
            "Business line",
            lines,
        ),
    }
}

fn table(
    id: &'static str,
    caption: &'static str,
    first: &'static str,
    rows: Vec<CountRow>,
) -> CountTable {
    CountTable {
        id,
        caption,
        first,
        ages: &AGE_BUCKETS,
        rows,
    }
}

/// A business line in words, with a capital.
fn line_name(line: BusinessLine) -> String {
    let s = line.as_str();
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A day as "Nov 12".
fn day_label(day: Timestamp) -> String {
    jiff::Timestamp::from_millisecond(day.0)
        .map(|t| t.strftime("%b %-d").to_string())
        .unwrap_or_default()
}
