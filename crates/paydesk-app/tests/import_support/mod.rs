//! What the import test suites share: the fixtures, an import run to the end of a file,
//! and reads of what landed.

#![allow(dead_code, reason = "each suite uses part of it")]

use paydesk_app::import::{ImportFormat, ImportOptions, Rejected, TicketFile};
use paydesk_app::tickets::TicketView;
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{TicketId, Timestamp};
use paydesk_store::{PageRequest, Store, TicketFilter};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Now, for the tests: later than every time in the fixtures.
pub const NOW: i64 = 1_790_000_000_000;

/// An RFC 3339 time as the desk stores it.
pub fn ms(text: &str) -> Timestamp {
    Timestamp(text.parse::<jiff::Timestamp>().unwrap().as_millisecond())
}

pub fn app(store: Store) -> App {
    App::new(store, Arc::new(ManualClock::at(Timestamp(NOW))))
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// What a run came to, added up over its batches.
#[derive(Debug, Default)]
pub struct Run {
    pub read: usize,
    pub imported: usize,
    pub skipped: usize,
    pub rejected: Vec<Rejected>,
}

impl Run {
    /// The reasons, by external id (or by row when the row has none).
    pub fn reasons(&self) -> BTreeMap<String, String> {
        self.rejected
            .iter()
            .map(|r| {
                let id = r.external_id.clone().unwrap_or(format!("row {}", r.row));
                (id, r.reason.clone())
            })
            .collect()
    }
}

pub fn options(file: &TicketFile, is_dry_run: bool) -> ImportOptions {
    ImportOptions {
        source: file.default_source(),
        default_business_line: Some(BusinessLine::Buyer),
        is_dry_run,
    }
}

/// Imports `name` in batches of `batch`, stopping after `limit` rows if given.
pub async fn run(
    app: &App,
    name: &str,
    batch: usize,
    limit: Option<usize>,
    is_dry_run: bool,
) -> Run {
    let mut file = TicketFile::open(&fixture(name), None).unwrap();
    let mut import = app
        .ticket_import(&Caller::system(), options(&file, is_dry_run))
        .await
        .unwrap();
    let mut run = Run::default();
    loop {
        let room = limit.map_or(batch, |l| batch.min(l - run.read));
        if room == 0 {
            break;
        }
        let rows = file.next_batch(room).unwrap();
        if rows.read == 0 {
            break;
        }
        run.read += rows.read;
        run.rejected.extend(rows.rejected);
        let out = import.import(rows.tickets).await.unwrap();
        run.imported += out.imported;
        run.skipped += out.skipped;
        run.rejected.extend(out.rejected);
    }
    run.rejected.sort_by_key(|r| r.row);
    run
}

/// The format a fixture is read as.
pub fn format_of(name: &str) -> ImportFormat {
    TicketFile::open(&fixture(name), None).unwrap().format()
}

/// Every ticket in the store, with its messages, oldest id first.
pub async fn all_tickets(app: &App) -> Vec<TicketView> {
    let page = app
        .list_tickets(
            &Caller::system(),
            &TicketFilter::default(),
            &PageRequest::first(500),
        )
        .await
        .unwrap();
    let mut views = Vec::new();
    for t in page.items {
        views.push(app.ticket(&Caller::system(), t.id).await.unwrap());
    }
    views.sort_by_key(|v| v.ticket.id);
    views
}

/// The ticket imported from `external_id` of `scope`.
pub async fn imported(app: &App, scope: &str, external_id: &str) -> TicketView {
    let (id, _) = app
        .store()
        .idempotent_ticket(scope, external_id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{external_id} was not imported"));
    app.ticket(&Caller::system(), id).await.unwrap()
}

/// The customers holding `email` (all of them with None).
pub async fn customers_with_email(
    store: &Store,
    email: Option<&str>,
) -> Vec<paydesk_domain::customer::Customer> {
    let filter = paydesk_store::CustomerFilter {
        email: email.map(str::to_string),
        ..paydesk_store::CustomerFilter::default()
    };
    store
        .list_customers(&filter, &PageRequest::first(50))
        .await
        .unwrap()
        .items
}

/// The events of a ticket, oldest first.
pub async fn events(app: &App, id: TicketId) -> Vec<paydesk_domain::event::Event> {
    app.timeline(&Caller::system(), id, &PageRequest::first(200))
        .await
        .unwrap()
        .items
}

/// All the text stored for these tickets: subjects and message bodies.
pub fn texts(views: &[TicketView]) -> String {
    let mut all = String::new();
    for v in views {
        all.push_str(&v.ticket.subject);
        for m in &v.messages {
            all.push('\n');
            all.push_str(&m.body);
        }
    }
    all
}
