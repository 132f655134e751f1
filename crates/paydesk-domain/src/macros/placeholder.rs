//! The placeholder language of macro texts: `{{customer.first_name}}`, `{{ticket.number}}`,
//! `{{transaction.amount}}` and the rest of [`Placeholder::ALL`], written with or without
//! spaces inside the braces. [`check`] refuses unknown names at save time, naming each;
//! [`render`] fills them from the ticket's [`Facts`] and never fails: a value the ticket
//! does not have reads as a marker such as `[transaction id unknown]`, and is listed so
//! the agent sees it in the preview.

use super::locale::Language;
use crate::error::DomainError;
use crate::payment::Money;
use crate::time::Timestamp;

crate::label_enum!(
    /// A value a macro text may name.
    Placeholder {
        /// The customer's full name.
        CustomerName = "customer.name",
        /// The first word of the customer's name.
        CustomerFirstName = "customer.first_name",
        /// The ticket's number, `PD-123`.
        TicketNumber = "ticket.number",
        TicketSubject = "ticket.subject",
        /// The name of the person applying the macro.
        AgentName = "agent.name",
        AgentFirstName = "agent.first_name",
        /// The gateway id of the ticket's latest linked charge.
        TransactionId = "transaction.id",
        TransactionAmount = "transaction.amount",
        /// When that charge happened, as a date in the customer's time zone and language.
        TransactionDate = "transaction.date",
        /// The amount of the ticket's latest refund.
        RefundAmount = "refund.amount",
        DisputeAmount = "dispute.amount",
        /// The response deadline of the ticket's open dispute, in the customer's zone.
        DisputeDueDate = "dispute.due_date",
        /// Today's date in the customer's time zone and language.
        Today = "today",
    }
);

/// The charge a reply speaks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionFacts {
    pub gateway_id: String,
    pub amount: Money,
    pub at: Timestamp,
}

/// What a macro's texts are filled from: the ticket, its customer, the person applying it
/// and the payment objects beside it. `None` where the ticket has no such value.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub customer_name: Option<String>,
    pub ticket_number: String,
    pub ticket_subject: String,
    pub agent_name: Option<String>,
    pub transaction: Option<TransactionFacts>,
    pub refund_amount: Option<Money>,
    pub dispute_amount: Option<Money>,
    pub dispute_due_at: Option<Timestamp>,
    pub now: Timestamp,
    /// The customer's time zone (see [`super::customer_time_zone`]).
    pub time_zone: jiff::tz::TimeZone,
    pub language: Language,
}

/// A text cut into its literal parts and placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part<'a> {
    Text(&'a str),
    Value(Placeholder),
    Unknown(&'a str),
}

/// Cuts `text` at its `{{ ... }}` placeholders. An opening `{{` without its `}}` is read
/// as text, so nothing a person types can make rendering fail.
fn parts(text: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            break;
        };
        if open > 0 {
            out.push(Part::Text(&rest[..open]));
        }
        let name = after[..close].trim();
        out.push(match name.parse::<Placeholder>() {
            Ok(p) => Part::Value(p),
            Err(_) => Part::Unknown(name),
        });
        rest = &after[close + 2..];
    }
    if !rest.is_empty() {
        out.push(Part::Text(rest));
    }
    out
}

/// The placeholders `text` names, in order of first use.
#[must_use]
pub fn used(text: &str) -> Vec<Placeholder> {
    let mut found = Vec::new();
    for part in parts(text) {
        if let Part::Value(p) = part
            && !found.contains(&p)
        {
            found.push(p);
        }
    }
    found
}

/// Refuses a text naming placeholders that do not exist (`{{customer.nme}}`), or with a
/// `{{` that is never closed, naming every one and the names there are.
pub fn check(field: &'static str, text: &str) -> Result<(), DomainError> {
    let unknown: Vec<String> = parts(text)
        .into_iter()
        .filter_map(|p| match p {
            Part::Unknown(name) => Some(format!("{{{{{name}}}}}")),
            _ => None,
        })
        .collect();
    if !unknown.is_empty() {
        return Err(DomainError::invalid(
            field,
            format!(
                "unknown placeholder{} {}; use one of {}",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", "),
                known_list()
            ),
        ));
    }
    let rest = parts(text).into_iter().fold(String::new(), |mut acc, p| {
        if let Part::Text(t) = p {
            acc.push_str(t);
        }
        acc
    });
    if rest.contains("{{") {
        return Err(DomainError::invalid(
            field,
            "a placeholder opened with {{ is never closed with }}",
        ));
    }
    Ok(())
}

fn known_list() -> String {
    Placeholder::ALL
        .iter()
        .map(|p| format!("{{{{{}}}}}", p.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A text with its placeholders filled, and those that had no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    /// Placeholders the ticket had no value for, in order of first use; each reads as a
    /// marker in `text`.
    pub missing: Vec<Placeholder>,
}

/// Fills `text` from `facts`. Never fails; see the module documentation.
#[must_use]
pub fn render(text: &str, facts: &Facts) -> Rendered {
    let mut out = String::with_capacity(text.len() + 32);
    let mut missing = Vec::new();
    for part in parts(text) {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Unknown(name) => {
                out.push_str("{{");
                out.push_str(name);
                out.push_str("}}");
            }
            Part::Value(p) => match value(p, facts) {
                Some(v) => out.push_str(&v),
                None => {
                    out.push_str(&marker(p));
                    if !missing.contains(&p) {
                        missing.push(p);
                    }
                }
            },
        }
    }
    Rendered { text: out, missing }
}

/// What a placeholder without a value reads as: `[transaction id unknown]`.
#[must_use]
pub fn marker(p: Placeholder) -> String {
    format!("[{} unknown]", p.as_str().replace(['.', '_'], " "))
}

fn value(p: Placeholder, facts: &Facts) -> Option<String> {
    let lang = facts.language;
    let date = |at: Timestamp| local_date(at, &facts.time_zone, lang);
    let non_empty = |s: &str| {
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_string())
    };
    match p {
        Placeholder::CustomerName => facts.customer_name.as_deref().and_then(non_empty),
        Placeholder::CustomerFirstName => facts.customer_name.as_deref().and_then(first_word),
        Placeholder::TicketNumber => Some(facts.ticket_number.clone()),
        Placeholder::TicketSubject => non_empty(&facts.ticket_subject),
        Placeholder::AgentName => facts.agent_name.as_deref().and_then(non_empty),
        Placeholder::AgentFirstName => facts.agent_name.as_deref().and_then(first_word),
        Placeholder::TransactionId => facts.transaction.as_ref().map(|t| t.gateway_id.clone()),
        Placeholder::TransactionAmount => {
            facts.transaction.as_ref().map(|t| lang.amount(&t.amount))
        }
        Placeholder::TransactionDate => facts.transaction.as_ref().and_then(|t| date(t.at)),
        Placeholder::RefundAmount => facts.refund_amount.as_ref().map(|m| lang.amount(m)),
        Placeholder::DisputeAmount => facts.dispute_amount.as_ref().map(|m| lang.amount(m)),
        Placeholder::DisputeDueDate => facts.dispute_due_at.and_then(date),
        Placeholder::Today => date(facts.now),
    }
}

fn first_word(name: &str) -> Option<String> {
    name.split_whitespace().next().map(str::to_string)
}

/// The calendar date of `at` in `zone`, written in `lang`; `None` outside jiff's years.
fn local_date(at: Timestamp, zone: &jiff::tz::TimeZone, lang: Language) -> Option<String> {
    let ts = jiff::Timestamp::from_millisecond(at.0).ok()?;
    let d = ts.to_zoned(zone.clone()).date();
    Some(lang.date(d.year(), d.month(), d.day()))
}
