//! The evidence packet of a dispute: what goes in it and its index.
//!
//! A packet is a ZIP archive (the app writes it): `index.txt` first — the dispute, its
//! reason explained, the checklist with what covers each line, and a numbered list of
//! every file — then `conversation.txt` (the ticket's public conversation, which is the
//! customer communication), then the evidence files under `evidence/` and the
//! conversation's attachments under `conversation/`. Everything here is pure: names and
//! texts are decided from the inputs, so the same inputs give the same packet.

use super::dispute_case::{ChecklistLine, ExplainedReason, network_name};
use super::reason_code::Evidence;
use super::{Dispute, Transaction};
use crate::time::Timestamp;
use std::fmt::Write;

/// One piece of evidence as the packet lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceEntry {
    pub kind: Evidence,
    pub title: String,
    /// The written explanation, if any.
    pub text: Option<String>,
    /// Its file's path inside the packet, if it has one.
    pub file: Option<String>,
    pub added_at: Timestamp,
    /// Who added it, as people read it.
    pub added_by: String,
}

/// One public message of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationEntry {
    pub at: Timestamp,
    /// `Customer` or `Support`.
    pub author: &'static str,
    pub body: String,
    /// Paths inside the packet of the message's attachments.
    pub attachments: Vec<String>,
}

/// What the index describes.
#[derive(Debug, Clone)]
pub struct PacketContents<'a> {
    pub dispute: &'a Dispute,
    pub reason: &'a ExplainedReason,
    pub checklist: &'a [ChecklistLine],
    pub transaction: Option<&'a Transaction>,
    /// The ticket working the dispute (`PD-…`), if any.
    pub ticket: Option<String>,
    pub evidence: &'a [EvidenceEntry],
    pub conversation: &'a [ConversationEntry],
    pub generated_at: Timestamp,
}

/// A file name safe in any archive tool: letters, digits, `.`, `-` and `_` kept, the rest
/// `_`, at most 80 characters, never empty, never hidden.
#[must_use]
pub fn safe_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "file".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The packet path of the `n`th evidence file (1-based).
#[must_use]
pub fn evidence_path(n: usize, kind: Evidence, filename: &str) -> String {
    format!("evidence/{n:02}-{}-{}", kind.as_str(), safe_name(filename))
}

/// The packet path of a conversation attachment.
#[must_use]
pub fn attachment_path(message_no: usize, filename: &str) -> String {
    format!("conversation/{message_no:03}-{}", safe_name(filename))
}

fn money(amount: i64, currency: &str) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let a = amount.unsigned_abs();
    format!(
        "{sign}{}.{:02} {}",
        a / 100,
        a % 100,
        currency.to_uppercase()
    )
}

/// The packet's `index.txt`.
#[must_use]
pub fn index(c: &PacketContents<'_>) -> String {
    let d = c.dispute;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "EVIDENCE PACKET — dispute {} ({})",
        d.gateway_ref, d.gateway
    );
    let _ = writeln!(out, "Generated {}", c.generated_at.rfc3339());
    out.push('\n');
    let _ = writeln!(out, "Dispute");
    let network = d.network.as_deref().map_or("unknown", network_name);
    let _ = writeln!(out, "  Network:        {network}");
    let _ = writeln!(
        out,
        "  Reason code:    {}",
        d.network_reason_code.as_deref().unwrap_or("not given")
    );
    if let Some(r) = &d.reason {
        let _ = writeln!(out, "  Gateway reason: {r}");
    }
    let _ = writeln!(out, "  Stage:          {}", d.stage);
    let _ = writeln!(out, "  Status:         {}", d.status);
    let _ = writeln!(
        out,
        "  Amount:         {}",
        money(d.money.amount, &d.money.currency)
    );
    let due = d
        .due_at
        .map_or_else(|| "not given".to_string(), |t| t.rfc3339());
    let _ = writeln!(out, "  Evidence due:   {due}");
    if let Some(t) = &c.ticket {
        let _ = writeln!(out, "  Ticket:         {t}");
    }
    out.push('\n');
    let _ = writeln!(out, "Why the card holder disputes");
    let _ = writeln!(out, "  {}", c.reason.explanation);
    if let Some(t) = c.transaction {
        out.push('\n');
        let _ = writeln!(out, "The disputed payment");
        let _ = writeln!(out, "  Reference:      {} ({})", t.gateway_ref, t.gateway);
        if let Some(o) = &t.order_id {
            let _ = writeln!(out, "  Order:          {o}");
        }
        let _ = writeln!(
            out,
            "  Amount:         {}",
            money(t.money.amount, &t.money.currency)
        );
        let _ = writeln!(out, "  Status:         {}", t.status);
        if let (Some(brand), Some(last4)) = (&t.card_brand, &t.card_last4) {
            let _ = writeln!(out, "  Card:           {brand} ending {last4}");
        }
        let _ = writeln!(out, "  Paid:           {}", t.created_at.rfc3339());
    }
    out.push('\n');
    let _ = writeln!(out, "Checklist");
    for line in c.checklist {
        let mark = if line.covered { "x" } else { " " };
        let by: Vec<String> = c
            .evidence
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == line.evidence)
            .map(|(i, _)| format!("#{}", i + 1))
            .collect();
        let by = if by.is_empty() {
            String::new()
        } else {
            format!(" — see {}", by.join(", "))
        };
        let _ = writeln!(out, "  [{mark}] {}{by}", line.what);
    }
    out.push('\n');
    let _ = writeln!(out, "Evidence");
    if c.evidence.is_empty() {
        let _ = writeln!(out, "  (none attached)");
    }
    for (i, e) in c.evidence.iter().enumerate() {
        let _ = writeln!(out, "  #{} {} — {}", i + 1, e.title, e.kind);
        let _ = writeln!(out, "     added {} by {}", e.added_at.rfc3339(), e.added_by);
        if let Some(f) = &e.file {
            let _ = writeln!(out, "     file: {f}");
        }
        if let Some(text) = &e.text {
            for l in text.lines() {
                let _ = writeln!(out, "     | {l}");
            }
        }
    }
    out.push('\n');
    let files: usize = c.conversation.iter().map(|m| m.attachments.len()).sum();
    let _ = writeln!(
        out,
        "Customer communication: conversation.txt ({} public messages, {files} attachments under conversation/)",
        c.conversation.len()
    );
    out
}

/// The packet's `conversation.txt`: the public messages, oldest first.
#[must_use]
pub fn conversation(entries: &[ConversationEntry]) -> String {
    let mut out = String::new();
    for (i, m) in entries.iter().enumerate() {
        let _ = writeln!(out, "--- {} · {} · {}", i + 1, m.author, m.at.rfc3339());
        let _ = writeln!(out, "{}", m.body.trim_end());
        for a in &m.attachments {
            let _ = writeln!(out, "[attachment: {a}]");
        }
        out.push('\n');
    }
    if entries.is_empty() {
        out.push_str("(no public messages)\n");
    }
    out
}
