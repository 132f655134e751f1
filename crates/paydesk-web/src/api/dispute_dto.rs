//! What the dispute routes answer and take.

use crate::time::{format, format_opt};
use paydesk_app::disputes::DisputeView;
use paydesk_domain::payment::Dispute;
use paydesk_domain::payment::dispute_case::{ChecklistLine, ExplainedReason};
use paydesk_domain::ticket::ticket_number;
use paydesk_store::{DisputeRecord, EvidenceItem};
use serde::{Deserialize, Serialize};

use super::sla::ClockOut;

/// A dispute in a list: what it is, how much, and when its evidence is due.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DisputeOut {
    pub id: i64,
    pub gateway: String,
    pub gateway_ref: String,
    /// visa, mastercard, amex, discover, paypal, wallet, ...
    pub network: Option<String>,
    pub network_reason_code: Option<String>,
    /// The gateway's reason label.
    pub reason: Option<String>,
    /// inquiry, chargeback, pre_arbitration or arbitration.
    pub stage: String,
    pub status: String,
    pub amount: i64,
    pub currency: String,
    pub due_at: Option<String>,
    /// The ticket working it (`PD-…`).
    pub ticket: Option<String>,
    pub transaction_ref: Option<String>,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    pub amount_won: Option<i64>,
    pub amount_lost: Option<i64>,
    pub outcome_note: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&DisputeRecord> for DisputeOut {
    fn from(r: &DisputeRecord) -> Self {
        let d: &Dispute = &r.dispute;
        Self {
            id: d.id.0,
            gateway: d.gateway.clone(),
            gateway_ref: d.gateway_ref.clone(),
            network: d.network.clone(),
            network_reason_code: d.network_reason_code.clone(),
            reason: d.reason.clone(),
            stage: d.stage.as_str().into(),
            status: d.status.as_str().into(),
            amount: d.money.amount,
            currency: d.money.currency.clone(),
            due_at: format_opt(d.due_at),
            ticket: d.ticket_id.map(ticket_number),
            transaction_ref: d.transaction_ref.clone(),
            submitted_at: format_opt(r.answer.submitted_at),
            decided_at: format_opt(r.answer.decided_at),
            amount_won: r.answer.amount_won,
            amount_lost: r.answer.amount_lost,
            outcome_note: r.answer.outcome_note.clone(),
            created_at: format(d.created_at),
            updated_at: format(d.updated_at),
        }
    }
}

/// A page of disputes, soonest due first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DisputePage {
    pub items: Vec<DisputeOut>,
    pub next_cursor: Option<String>,
}

/// The reason explained.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReasonOut {
    /// network_code, gateway_reason or unknown.
    pub source: String,
    /// fraud, authorisation, processing_error or consumer_dispute.
    pub category: Option<String>,
    /// The catalogue's name of the code.
    pub name: Option<String>,
    /// The network's own group.
    pub group: Option<String>,
    pub is_legacy: bool,
    pub explanation: String,
}

impl From<&ExplainedReason> for ReasonOut {
    fn from(r: &ExplainedReason) -> Self {
        Self {
            source: serde_json::to_value(r.source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            category: r.category.map(|c| c.as_str().into()),
            name: r.code.as_ref().map(|c| c.name.clone()),
            group: r.code.as_ref().map(|c| c.group.clone()),
            is_legacy: r.code.as_ref().is_some_and(|c| c.is_legacy),
            explanation: r.explanation.clone(),
        }
    }
}

/// One line of the evidence checklist.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChecklistOut {
    pub evidence: String,
    pub what: String,
    pub covered: bool,
}

impl From<&ChecklistLine> for ChecklistOut {
    fn from(l: &ChecklistLine) -> Self {
        Self {
            evidence: l.evidence.as_str().into(),
            what: l.what.into(),
            covered: l.covered,
        }
    }
}

/// A piece of evidence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EvidenceOut {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub text: Option<String>,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: i64,
    pub attachment_id: Option<i64>,
    pub added_by: Option<i64>,
    pub added_at: String,
}

impl From<&EvidenceItem> for EvidenceOut {
    fn from(e: &EvidenceItem) -> Self {
        Self {
            id: e.id,
            kind: e.kind.as_str().into(),
            title: e.title.clone(),
            text: e.body.clone(),
            filename: e.filename.clone(),
            content_type: e.content_type.clone(),
            size_bytes: e.size_bytes,
            attachment_id: e.attachment_id,
            added_by: e.added_by.map(|u| u.0),
            added_at: format(e.added_at),
        }
    }
}

/// A dispute with everything needed to work it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DisputeDetail {
    #[serde(flatten)]
    pub dispute: DisputeOut,
    pub reason_explained: ReasonOut,
    pub checklist: Vec<ChecklistOut>,
    pub evidence: Vec<EvidenceOut>,
    /// The ticket's deadline clock (metric dispute_response).
    pub clock: Option<ClockOut>,
    pub transaction_id: Option<i64>,
}

impl From<&DisputeView> for DisputeDetail {
    fn from(v: &DisputeView) -> Self {
        Self {
            dispute: DisputeOut::from(&v.record),
            reason_explained: ReasonOut::from(&v.reason),
            checklist: v.checklist.iter().map(ChecklistOut::from).collect(),
            evidence: v.evidence.iter().map(EvidenceOut::from).collect(),
            clock: v.clock.as_ref().map(ClockOut::from),
            transaction_id: v.transaction.as_ref().map(|t| t.id.0),
        }
    }
}

/// A file sent as evidence, its bytes in base64.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceFileIn {
    pub filename: String,
    #[serde(default)]
    pub content_type: String,
    /// The file's bytes, base64 (standard alphabet); at most 10 MiB decoded.
    pub content_base64: String,
}

/// Evidence to add: a text, a file, or one of the ticket's attachments (or a text with
/// one of the others).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceIn {
    /// delivery_proof, customer_communication, refund_policy, authorisation_record,
    /// authentication_record, prior_payments, transaction_receipt, duplicate_explanation,
    /// refund_issued, cancellation_record or product_description.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub file: Option<EvidenceFileIn>,
    #[serde(default)]
    pub attachment_id: Option<i64>,
}

/// The network's decision.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeIn {
    /// won or lost.
    pub outcome: String,
    /// Minor units kept; default: all of it when won, none when lost.
    #[serde(default)]
    pub amount_won: Option<i64>,
    /// Minor units lost; default: the rest.
    #[serde(default)]
    pub amount_lost: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
}
