//! The card networks' dispute reason codes, as data: which group each belongs to, what it
//! means, how long the merchant typically has to answer, and what evidence wins it.
//!
//! The catalogue is `data/card_networks/reason_codes.csv` in the repository (facts from the
//! public sources its README lists), compiled into the binary and read once. Each network's
//! own group ("Consumer Disputes", "Point-of-Interaction Error", ...) maps onto four
//! categories every network shares, and the evidence checklist follows the category, with
//! additions for codes that call for something particular (a duplicate, a credit never
//! processed, a cancelled recurring payment). Stripe's dispute reasons map onto the same
//! categories, for disputes whose network code the gateway did not give.

#[cfg(test)]
mod tests;

use serde::Serialize;
use std::sync::OnceLock;

const CATALOGUE: &str = include_str!("../../../../data/card_networks/reason_codes.csv");

crate::label_enum!(
    /// What the card holder's complaint is about, across networks.
    DisputeCategory {
        /// The card holder says they did not make the payment.
        Fraud = "fraud",
        /// The payment lacked a valid authorisation.
        Authorisation = "authorisation",
        /// The merchant processed it wrongly (amount, currency, duplicate, late).
        ProcessingError = "processing_error",
        /// The card holder made it but disputes what they got (not received, not as
        /// described, cancelled, credit not processed).
        ConsumerDispute = "consumer_dispute",
    }
);

crate::label_enum!(
    /// Something to collect to answer a dispute.
    Evidence {
        /// Carrier tracking with delivery confirmation, or proof a service was used.
        DeliveryProof = "delivery_proof",
        /// The conversation with the customer (the ticket's messages).
        CustomerCommunication = "customer_communication",
        /// The refund and return policy the customer accepted.
        RefundPolicy = "refund_policy",
        /// The authorisation approval for the amount, with its code and date.
        AuthorisationRecord = "authorisation_record",
        /// Strong customer authentication, AVS and CVC results, device and IP data.
        AuthenticationRecord = "authentication_record",
        /// The customer's earlier undisputed payments with the same card or account.
        PriorPayments = "prior_payments",
        /// The receipt or invoice of the payment as processed.
        TransactionReceipt = "transaction_receipt",
        /// Both payments of a claimed duplicate and why each is its own.
        DuplicateExplanation = "duplicate_explanation",
        /// The refund or credit already issued, with its date.
        RefundIssued = "refund_issued",
        /// The cancellation policy and when and how the customer cancelled (or did not).
        CancellationRecord = "cancellation_record",
        /// What was sold as described to the customer (listing, terms).
        ProductDescription = "product_description",
    }
);

/// One reason code of one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCode {
    /// `visa`, `mastercard`, ...
    pub network: String,
    pub code: String,
    pub name: String,
    /// The network's own group, as it names it.
    pub group: String,
    pub category: DisputeCategory,
    /// Whether the network has folded the code into another but still sends it.
    pub is_legacy: bool,
    pub notes: String,
}

impl ReasonCode {
    /// What to collect to answer a dispute with this code.
    #[must_use]
    pub fn checklist(&self) -> Vec<Evidence> {
        let mut list = checklist(self.category);
        let name = self.name.to_lowercase();
        let extra = if name.contains("duplicate") {
            Some(Evidence::DuplicateExplanation)
        } else if name.contains("credit not processed") {
            Some(Evidence::RefundIssued)
        } else if name.contains("recurring") || name.contains("cancelled") {
            Some(Evidence::CancellationRecord)
        } else if name.contains("not as described") || name.contains("misrepresentation") {
            Some(Evidence::ProductDescription)
        } else {
            None
        };
        list.extend(extra.filter(|e| !list.contains(e)));
        list
    }

    /// Typical calendar days the merchant has to answer the first chargeback (see the
    /// catalogue's README: Visa 30, Mastercard 45, American Express about 20; Discover
    /// unconfirmed, 30 assumed).
    #[must_use]
    pub fn response_days(&self) -> i64 {
        match self.network.as_str() {
            "mastercard" => 45,
            "amex" => 20,
            _ => 30,
        }
    }
}

/// The evidence every dispute of `category` calls for.
#[must_use]
pub fn checklist(category: DisputeCategory) -> Vec<Evidence> {
    use Evidence as E;
    match category {
        DisputeCategory::Fraud => vec![
            E::AuthenticationRecord,
            E::PriorPayments,
            E::DeliveryProof,
            E::CustomerCommunication,
        ],
        DisputeCategory::Authorisation => vec![E::AuthorisationRecord, E::TransactionReceipt],
        DisputeCategory::ProcessingError => vec![
            E::TransactionReceipt,
            E::AuthorisationRecord,
            E::CustomerCommunication,
        ],
        DisputeCategory::ConsumerDispute => {
            vec![E::DeliveryProof, E::CustomerCommunication, E::RefundPolicy]
        }
    }
}

/// A network's group name as one of the shared categories.
fn category_of(group: &str) -> Option<DisputeCategory> {
    let g = group.to_lowercase();
    if g.starts_with("fraud") {
        Some(DisputeCategory::Fraud)
    } else if g.starts_with("authori") {
        Some(DisputeCategory::Authorisation)
    } else if g.starts_with("processing")
        || g.starts_with("point-of-interaction")
        || g.starts_with("miscellaneous")
        || g.starts_with("dispute compliance")
    {
        Some(DisputeCategory::ProcessingError)
    } else if g.starts_with("consumer")
        || g.starts_with("cardholder")
        || g.starts_with("card member")
        || g.starts_with("services")
    {
        Some(DisputeCategory::ConsumerDispute)
    } else {
        None
    }
}

/// A catalogue row that does not read: which line and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueError {
    pub line: u64,
    pub reason: String,
}

/// Reads a catalogue in the CSV form of `data/card_networks/reason_codes.csv`.
pub fn parse(text: &str) -> Result<Vec<ReasonCode>, CatalogueError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut codes = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CatalogueError {
            line: e.position().map_or(0, csv::Position::line),
            reason: e.to_string(),
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |i: usize| record.get(i).unwrap_or_default().trim().to_string();
        let group = field(3);
        let category = category_of(&group).ok_or_else(|| CatalogueError {
            line,
            reason: format!("unknown group {group:?}"),
        })?;
        codes.push(ReasonCode {
            network: field(0).to_lowercase(),
            code: field(1),
            name: field(2),
            is_legacy: group.to_lowercase().contains("legacy"),
            group,
            category,
            notes: field(4),
        });
    }
    Ok(codes)
}

/// The catalogue compiled into paydesk (empty only if the file shipped broken, which a test
/// rules out).
#[must_use]
pub fn catalogue() -> &'static [ReasonCode] {
    static CODES: OnceLock<Vec<ReasonCode>> = OnceLock::new();
    CODES.get_or_init(|| parse(CATALOGUE).unwrap_or_default())
}

/// The reason code `code` of `network` (names as gateways send them: `visa`, `Visa`,
/// `mastercard`, `MasterCard`, `amex`, `american_express`, `discover`).
#[must_use]
pub fn lookup(network: &str, code: &str) -> Option<&'static ReasonCode> {
    let network = network.trim().to_lowercase().replace([' ', '_', '-'], "");
    let network = match network.as_str() {
        "americanexpress" => "amex".to_string(),
        _ => network,
    };
    let code = code.trim();
    catalogue()
        .iter()
        .find(|r| r.network == network && r.code.eq_ignore_ascii_case(code))
}

/// The category of one of Stripe's dispute reasons, for disputes without a network code.
#[must_use]
pub fn stripe_category(reason: &str) -> Option<DisputeCategory> {
    Some(match reason {
        "fraudulent" | "unrecognized" => DisputeCategory::Fraud,
        "duplicate"
        | "incorrect_account_details"
        | "bank_cannot_process"
        | "check_returned"
        | "noncompliant" => DisputeCategory::ProcessingError,
        "debit_not_authorized" | "insufficient_funds" => DisputeCategory::Authorisation,
        "product_not_received"
        | "product_unacceptable"
        | "subscription_canceled"
        | "credit_not_processed"
        | "customer_initiated"
        | "general" => DisputeCategory::ConsumerDispute,
        _ => return None,
    })
}
