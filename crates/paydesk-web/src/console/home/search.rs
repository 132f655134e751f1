//! The search box: a ticket number opens the ticket; otherwise tickets are found by
//! customer email or id, by an order id or gateway reference of a linked payment, and by
//! their words, within what the person may see.

use crate::console::desk::Desk;
use paydesk_app::{App, AppError};
use paydesk_domain::CustomerId;
use paydesk_domain::ticket::parse_ticket_number;
use paydesk_store::{CustomerFilter, PageRequest, TicketFilter, WorkRow};
use std::collections::HashSet;

/// Most customers a search by email looks at.
const CUSTOMERS_MAX: usize = 5;

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub rows: Vec<WorkRow>,
    pub next_cursor: Option<String>,
    /// What matched, in words ("linked to payment ch_123", "customer 42", "words").
    pub matched: Vec<String>,
}

/// Where a search goes straight to: `PD-123` (or `pd-123`) that the person may open.
pub async fn direct(app: &App, desk: &Desk, text: &str) -> Option<String> {
    if !text.to_ascii_uppercase().starts_with("PD-") {
        return None;
    }
    let id = parse_ticket_number(text)?;
    app.ticket(&desk.caller, id)
        .await
        .ok()
        .map(|_| format!("/desk/tickets/PD-{}", id.0))
}

/// Tickets for `text`, with the page's other filters (status, business line, category);
/// searches are not limited to the person's own list.
pub async fn find(
    app: &App,
    desk: &Desk,
    text: &str,
    filter: &TicketFilter,
    page: &PageRequest,
) -> Result<Found, AppError> {
    let mut base = filter.clone();
    base.assignee_id = None;
    base.queue_id = None;
    let mut found = Found::default();
    let mut seen = HashSet::new();
    let mut add = |found: &mut Found, rows: Vec<WorkRow>, what: String| {
        let before = found.rows.len();
        found
            .rows
            .extend(rows.into_iter().filter(|r| seen.insert(r.id)));
        if found.rows.len() > before {
            found.matched.push(what);
        }
    };
    let first = PageRequest::asked(Some(page.limit), None);

    if let Ok(n) = text.parse::<i64>()
        && n > 0
    {
        let f = TicketFilter {
            customer_id: Some(CustomerId(n)),
            ..base.clone()
        };
        let rows = app.work_list(&desk.caller, &f, &first).await?.items;
        add(&mut found, rows, format!("customer {n}"));
    }

    let reference = TicketFilter {
        payment_ref: Some(text.to_string()),
        ..base.clone()
    };
    let rows = app.work_list(&desk.caller, &reference, &first).await?.items;
    add(&mut found, rows, format!("linked to payment {text}"));

    if text.contains('@') && desk.may(paydesk_domain::policy::Action::CustomerRead) {
        let customers = app
            .list_customers(
                &desk.caller,
                &CustomerFilter {
                    email: Some(text.to_string()),
                    ..CustomerFilter::default()
                },
                &PageRequest::asked(Some(CUSTOMERS_MAX), None),
            )
            .await
            .map(|p| p.items)
            .unwrap_or_default();
        for c in customers {
            let f = TicketFilter {
                customer_id: Some(c.id),
                ..base.clone()
            };
            let rows = app.work_list(&desk.caller, &f, &first).await?.items;
            add(&mut found, rows, format!("customer {text}"));
        }
    }

    let words = TicketFilter {
        text: Some(text.to_string()),
        ..base
    };
    let page = app.work_list(&desk.caller, &words, page).await?;
    let only_words = found.rows.is_empty();
    add(
        &mut found,
        page.items,
        "words in the subject or messages".to_string(),
    );
    if only_words {
        found.next_cursor = page.next_cursor;
    }
    Ok(found)
}
