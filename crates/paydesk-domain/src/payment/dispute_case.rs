//! Working a dispute: what it is about (its reason code explained), what to collect
//! (the checklist and how far the evidence covers it), and the moves the desk makes —
//! answering with evidence, accepting, recording the outcome — with the rules each must
//! keep. The store applies a move with a guarded update, so two people cannot both make it.

#[cfg(test)]
mod tests;

use super::reason_code::{self, DisputeCategory, Evidence, ReasonCode};
use super::{Dispute, DisputeStatus};
use crate::error::DomainError;
use serde::Serialize;

/// The networks (and wallets) whose disputes the desk works. Card networks have reason
/// codes in the catalogue; PayPal and wallets use the gateway's reason only.
pub const NETWORKS: &[&str] = &[
    "visa",
    "mastercard",
    "amex",
    "discover",
    "jcb",
    "diners",
    "unionpay",
    "paypal",
    "wallet",
];

/// A network's name as the catalogue spells it (`American Express` → `amex`).
///
/// Errors: a network paydesk does not know ([`NETWORKS`]).
pub fn normalize_network(raw: &str) -> Result<String, DomainError> {
    let n = raw.trim().to_ascii_lowercase().replace([' ', '_', '-'], "");
    let n = match n.as_str() {
        "americanexpress" => "amex".to_string(),
        "dinersclub" => "diners".to_string(),
        _ => n,
    };
    if NETWORKS.contains(&n.as_str()) {
        Ok(n)
    } else {
        Err(DomainError::invalid(
            "network",
            format!("one of {}", NETWORKS.join(", ")),
        ))
    }
}

/// Where a dispute's reason came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonSource {
    /// The network's reason code, found in the catalogue.
    NetworkCode,
    /// The gateway's own reason label (the network code was missing or unknown).
    GatewayReason,
    /// Neither said anything paydesk knows.
    Unknown,
}

/// A dispute's reason, explained for the agent working it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExplainedReason {
    pub source: ReasonSource,
    /// The catalogue entry, when the network code is known.
    pub code: Option<ReasonCode>,
    pub category: Option<DisputeCategory>,
    /// One paragraph: what the card holder claims and what wins it.
    pub explanation: String,
}

/// What a category of dispute claims, in the agent's words.
fn claim(category: DisputeCategory) -> &'static str {
    match category {
        DisputeCategory::Fraud => "The card holder says they did not make or allow this payment.",
        DisputeCategory::Authorisation => {
            "The issuer says the payment was not properly authorised (declined, expired or no approval)."
        }
        DisputeCategory::ProcessingError => {
            "The card holder says the payment was processed wrongly (amount, currency, duplicate or late)."
        }
        DisputeCategory::ConsumerDispute => {
            "The card holder made the payment but disputes what they got (not received, not as described, cancelled, or a credit not processed)."
        }
    }
}

/// Explains `d`'s reason: by its network code when the catalogue knows it, else by the
/// gateway's reason label.
#[must_use]
pub fn explain(d: &Dispute) -> ExplainedReason {
    let known = match (&d.network, &d.network_reason_code) {
        (Some(n), Some(c)) => reason_code::lookup(n, c),
        _ => None,
    };
    if let Some(code) = known {
        let legacy = if code.is_legacy {
            " The network has folded this code into another but still sends it."
        } else {
            ""
        };
        return ExplainedReason {
            source: ReasonSource::NetworkCode,
            category: Some(code.category),
            explanation: format!(
                "{} {}: {} (network group: {}). {}{legacy} Answer within about {} days of the chargeback.",
                network_name(&code.network),
                code.code,
                code.name,
                code.group,
                claim(code.category),
                code.response_days()
            ),
            code: Some(code.clone()),
        };
    }
    let by_reason = d.reason.as_deref().and_then(reason_code::stripe_category);
    match by_reason {
        Some(category) => ExplainedReason {
            source: ReasonSource::GatewayReason,
            code: None,
            category: Some(category),
            explanation: format!(
                "The gateway gives the reason \"{}\"{}. {}",
                d.reason.as_deref().unwrap_or_default(),
                d.network_reason_code
                    .as_deref()
                    .map(|c| format!(" (network code {c}, not in the catalogue)"))
                    .unwrap_or_default(),
                claim(category)
            ),
        },
        None => ExplainedReason {
            source: ReasonSource::Unknown,
            code: None,
            category: None,
            explanation: "Neither the network code nor the gateway's reason is known: read the \
                          dispute at the gateway and collect the customer communication and the receipt."
                .to_string(),
        },
    }
}

/// A network's name for people.
#[must_use]
pub fn network_name(network: &str) -> &str {
    match network {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        "paypal" => "PayPal",
        other => other,
    }
}

/// What to collect for `d`: the code's checklist, the category's when only that is known,
/// the customer communication and receipt otherwise.
#[must_use]
pub fn checklist(reason: &ExplainedReason) -> Vec<Evidence> {
    match (&reason.code, reason.category) {
        (Some(code), _) => code.checklist(),
        (None, Some(category)) => reason_code::checklist(category),
        (None, None) => vec![
            Evidence::CustomerCommunication,
            Evidence::TransactionReceipt,
        ],
    }
}

/// One line of a checklist and whether the evidence gathered covers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistLine {
    pub evidence: Evidence,
    /// What to collect, in words.
    pub what: &'static str,
    pub covered: bool,
}

/// The checklist with what `gathered` (the kinds of evidence attached) covers. The
/// customer communication counts as covered when the ticket has public messages, since the
/// packet always carries the conversation.
#[must_use]
pub fn coverage(
    checklist: &[Evidence],
    gathered: &[Evidence],
    has_conversation: bool,
) -> Vec<ChecklistLine> {
    checklist
        .iter()
        .map(|e| ChecklistLine {
            evidence: *e,
            what: describe(*e),
            covered: gathered.contains(e)
                || (*e == Evidence::CustomerCommunication && has_conversation),
        })
        .collect()
}

/// What a kind of evidence is, in words.
#[must_use]
pub fn describe(e: Evidence) -> &'static str {
    match e {
        Evidence::DeliveryProof => {
            "Carrier tracking with delivery confirmation, or proof the service was used"
        }
        Evidence::CustomerCommunication => "The conversation with the customer",
        Evidence::RefundPolicy => "The refund and return policy the customer accepted",
        Evidence::AuthorisationRecord => "The authorisation approval, with its code and date",
        Evidence::AuthenticationRecord => {
            "3-D Secure / strong authentication, AVS and CVC results, device and IP data"
        }
        Evidence::PriorPayments => "Earlier undisputed payments with the same card or account",
        Evidence::TransactionReceipt => "The receipt or invoice of the payment as processed",
        Evidence::DuplicateExplanation => {
            "Both payments of the claimed duplicate, and why each is its own"
        }
        Evidence::RefundIssued => "The refund or credit already issued, with its date",
        Evidence::CancellationRecord => {
            "The cancellation policy, and when and how the customer cancelled (or did not)"
        }
        Evidence::ProductDescription => "What was sold, as described to the customer",
    }
}

/// A move the desk makes on a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Evidence was submitted at the gateway: the dispute goes under review.
    Submit,
    /// The desk accepts the chargeback (the money stays with the card holder).
    Accept,
    /// The network decided.
    Outcome(Outcome),
}

/// What the network decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub won: bool,
    /// Minor units kept by the desk (won) and lost to the card holder.
    pub amount_won: i64,
    pub amount_lost: i64,
}

/// Why a move cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("the dispute is {status}: {reason}")]
    WrongStatus {
        status: DisputeStatus,
        reason: &'static str,
    },
    #[error("amounts must not be negative, and won plus lost may not exceed the disputed {amount}")]
    Amounts { amount: i64 },
}

impl MoveError {
    /// A stable code for API problems.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongStatus { .. } => "dispute_status",
            Self::Amounts { .. } => "dispute_amounts",
        }
    }
}

/// The status `d` takes after `m`, with the amounts to record.
///
/// Errors: submitting or accepting a dispute that does not need an answer; recording the
/// outcome of one that is already decided or of an inquiry; amounts out of range.
pub fn apply(d: &Dispute, m: Move) -> Result<(DisputeStatus, Option<Outcome>), MoveError> {
    use DisputeStatus as S;
    let wrong = |reason| MoveError::WrongStatus {
        status: d.status,
        reason,
    };
    match m {
        Move::Submit => match d.status {
            S::WarningNeedsResponse => Ok((S::WarningUnderReview, None)),
            S::NeedsResponse => Ok((S::UnderReview, None)),
            _ => Err(wrong(
                "only a dispute that needs a response can be answered",
            )),
        },
        Move::Accept => match d.status {
            S::NeedsResponse | S::WarningNeedsResponse => Ok((
                S::Accepted,
                Some(Outcome {
                    won: false,
                    amount_won: 0,
                    amount_lost: d.money.amount,
                }),
            )),
            _ => Err(wrong(
                "only a dispute that needs a response can be accepted",
            )),
        },
        Move::Outcome(o) => {
            if d.status.is_closed() {
                return Err(wrong("its outcome is already recorded"));
            }
            let amount = d.money.amount;
            if o.amount_won < 0
                || o.amount_lost < 0
                || o.amount_won.saturating_add(o.amount_lost) > amount
            {
                return Err(MoveError::Amounts { amount });
            }
            let status = if o.won { S::Won } else { S::Lost };
            Ok((status, Some(o)))
        }
    }
}

/// An outcome with the amounts a person left out filled in: a win keeps the whole
/// disputed amount, a loss loses it.
#[must_use]
pub fn outcome(
    d: &Dispute,
    won: bool,
    amount_won: Option<i64>,
    amount_lost: Option<i64>,
) -> Outcome {
    let all = d.money.amount;
    let (w, l) = match (won, amount_won, amount_lost) {
        (_, Some(w), Some(l)) => (w, l),
        (true, Some(w), None) => (w, all.saturating_sub(w).max(0)),
        (true, None, l) => (all.saturating_sub(l.unwrap_or(0)), l.unwrap_or(0)),
        (false, None, Some(l)) => (all.saturating_sub(l).max(0), l),
        (false, w, None) => (w.unwrap_or(0), all.saturating_sub(w.unwrap_or(0))),
    };
    Outcome {
        won,
        amount_won: w,
        amount_lost: l,
    }
}
