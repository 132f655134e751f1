//! The tickets every phase creates: the same N inputs, generated from a seed, so the
//! three ways of writing them are compared on identical data.
//!
//! Each ticket looks like real intake (a subject and a first message of about 300 bytes
//! together, varied business lines, channels, categories, priorities, tags and languages).
//! About one ticket in forty carries a card number or a security code, so redaction has
//! real work to do and records its `redacted` event.

use paydesk_app::tickets::NewTicketInput;
use paydesk_domain::ticket::{BusinessLine, Channel, Priority};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom as _;
use rand::{Rng as _, SeedableRng as _};

/// One template: category, subject, body. `{amount}`, `{ref}`, `{date}`, `{merchant}` and
/// `{name}` are filled in per ticket.
type Template = (&'static str, &'static str, &'static str);

const BUYER: &[Template] = &[
    (
        "refund_request",
        "Refund not received for order {ref}",
        "Hello, I returned the item from {merchant} on {date} and they confirmed the return, but the refund of {amount} has still not reached my account. Could you check where it is?",
    ),
    (
        "unrecognized_charge",
        "Charge of {amount} I do not recognise",
        "There is a payment of {amount} to {merchant} on {date} in my statement that I never made. I still have my card with me. Please block it and tell me what to do next.",
    ),
    (
        "double_charge",
        "Charged twice by {merchant}",
        "I paid {merchant} once on {date} ({ref}) but I see two identical charges of {amount}. The shop says it is your side. Please reverse the duplicate one.",
    ),
    (
        "card_declined",
        "Payment declined at checkout",
        "My payment of {amount} at {merchant} was declined three times today although my balance is fine and the card is not expired. Order {ref}. What is blocking it?",
    ),
    (
        "dispute_status",
        "Status of my dispute {ref}",
        "I opened a dispute about {merchant} on {date} for {amount} and I have not heard anything since. Could you tell me where it stands and when I will get an answer?",
    ),
];

const MERCHANT: &[Template] = &[
    (
        "payout_delay",
        "Payout for {date} is late",
        "Our payout of {amount} scheduled for {date} has not arrived in the bank account on file. Reference {ref}. We have suppliers to pay this week; please tell us when it will land.",
    ),
    (
        "settlement_mismatch",
        "Settlement report does not match transactions",
        "The settlement report for {date} shows {amount} less than the sum of captured transactions in the dashboard. Batch {ref}. Can you send the breakdown of fees and refunds?",
    ),
    (
        "kyc_review",
        "Account under review, documents already sent",
        "Hi, {name} here from {merchant}. Our account has been under review since {date} and payouts are on hold. We uploaded the registration documents twice. Case {ref}.",
    ),
    (
        "api_integration",
        "Webhook signature check fails",
        "Since {date} our webhook endpoint rejects your events because the signature does not match. Nothing changed on our side. Example event {ref}, amount {amount}.",
    ),
    (
        "chargeback_response",
        "Need more time to answer chargeback {ref}",
        "We received a chargeback of {amount} on {date} and we are collecting the delivery proof from the carrier. Can the deadline be extended by a few days?",
    ),
];

const CREATOR: &[Template] = &[
    (
        "payout_delay",
        "Where is my monthly payout?",
        "Hello, my payout of {amount} for last month should have arrived on {date}. My dashboard says sent ({ref}) but the bank has nothing. Can you trace it?",
    ),
    (
        "tax_form",
        "Tax form rejected",
        "I submitted my tax form on {date} and it was rejected without a reason. My earnings of {amount} are on hold until it is accepted. Reference {ref}.",
    ),
    (
        "subscription_revenue",
        "Subscriber revenue lower than expected",
        "My subscribers paid {amount} in total this month according to my records but my statement for {date} shows much less. Could you explain the difference? {ref}",
    ),
    (
        "account_verification",
        "Cannot finish identity verification",
        "Hi, this is {name}. The identity check stops at the selfie step every time since {date}. I have {amount} waiting to be paid out. Request {ref}.",
    ),
    (
        "fee_question",
        "Which fees apply to my sales?",
        "On {date} I sold items for {amount} and the fee taken looks higher than the rate on your pricing page. Could you list the fees for order {ref}?",
    ),
];

const MERCHANTS: &[&str] = &[
    "Northwind Outfitters",
    "Blue Lantern Books",
    "Kopi Kita",
    "Maison Durand",
    "Pixel Forge",
    "Green Basket Market",
    "Sol y Mar Travel",
];
const NAMES: &[&str] = &[
    "Ana Souza",
    "Budi Santoso",
    "Claire Martin",
    "David Okafor",
    "Elena Rossi",
    "Farah Khan",
    "Liam Walsh",
];
const CURRENCIES: &[&str] = &["EUR", "USD", "BRL", "IDR", "GBP"];
const CLOSINGS: &[&str] = &[
    " Thank you for your help.",
    " I have attached nothing yet; tell me what you need.",
    " This is the second time I write about it, please answer quickly.",
    " Best regards.",
    " Thanks in advance, I am available by phone all day.",
];
/// Card data customers really paste into messages: test numbers that pass the Luhn check.
const CARD_DATA: &[&str] = &[
    " The card is 4111 1111 1111 1111, CVV 123.",
    " Card used: 5555-5555-5555-4444.",
    " My Amex is 378282246310005 if that helps.",
    " Security code: 4821.",
];
const TAGS: &[&str] = &[
    "first-contact",
    "vip",
    "mobile-app",
    "3ds",
    "eu",
    "us",
    "latam",
    "apac",
    "recurring",
    "fraud-suspected",
    "escalated",
    "web-checkout",
    "pos",
    "marketplace",
];
const LANGUAGES: &[&str] = &["en", "en", "en", "en", "pt-BR", "fr", "es", "id"];

/// The `n` tickets of one run, the same for a given `seed`.
pub fn tickets(n: usize, seed: u64) -> Vec<NewTicketInput> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n).map(|i| ticket(&mut rng, i)).collect()
}

fn pick<'a>(rng: &mut StdRng, from: &'a [&'a str]) -> &'a str {
    from.choose(rng).copied().unwrap_or_default()
}

fn ticket(rng: &mut StdRng, i: usize) -> NewTicketInput {
    let line = match rng.random_range(0..10) {
        0..=4 => BusinessLine::Buyer,
        5..=7 => BusinessLine::Merchant,
        _ => BusinessLine::Creator,
    };
    let templates = match line {
        BusinessLine::Buyer => BUYER,
        BusinessLine::Merchant => MERCHANT,
        BusinessLine::Creator => CREATOR,
    };
    let (category, subject, body) = templates.choose(rng).copied().unwrap_or(BUYER[0]);
    let amount = format!(
        "{} {}.{:02}",
        pick(rng, CURRENCIES),
        rng.random_range(5..5_000),
        rng.random_range(0..100)
    );
    let reference = format!(
        "ORD-{}-{:05}",
        2025 + rng.random_range(0..2),
        rng.random_range(0..100_000)
    );
    let date = format!(
        "2026-0{}-{:02}",
        rng.random_range(1..10),
        rng.random_range(1..29)
    );
    let fill = |t: &str| {
        t.replace("{amount}", &amount)
            .replace("{ref}", &reference)
            .replace("{date}", &date)
            .replace("{merchant}", MERCHANTS[i % MERCHANTS.len()])
            .replace("{name}", NAMES[i % NAMES.len()])
    };
    let mut text = fill(body);
    text.push_str(pick(rng, CLOSINGS));
    if i % 40 == 7 {
        text.push_str(CARD_DATA[(i / 40) % CARD_DATA.len()]);
    }
    let channel = *Channel::ALL.choose(rng).unwrap_or(&Channel::Email);
    let mut input = NewTicketInput::new(&fill(subject), &text, line, channel);
    input.priority = match rng.random_range(0..20) {
        0 => Priority::Urgent,
        1..=3 => Priority::High,
        4..=6 => Priority::Low,
        _ => Priority::Normal,
    };
    input.category = Some(category.to_string());
    input.tags = (0..rng.random_range(0..4))
        .map(|_| pick(rng, TAGS).to_string())
        .collect();
    input.language = pick(rng, LANGUAGES).to_string();
    input
}

/// The JSON body `POST /api/v1/tickets` takes for `input`.
pub fn json_body(input: &NewTicketInput) -> String {
    serde_json::json!({
        "subject": input.subject,
        "body": input.body,
        "business_line": input.business_line.as_str(),
        "channel": input.channel.as_str(),
        "priority": input.priority.as_str(),
        "category": input.category,
        "tags": input.tags,
        "language": input.language,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_tickets_of_realistic_size() {
        let a = tickets(400, 1);
        assert_eq!(a, tickets(400, 1));
        let avg = a
            .iter()
            .map(|t| t.subject.len() + t.body.len())
            .sum::<usize>()
            / a.len();
        assert!((220..=380).contains(&avg), "average size {avg}");
        let with_cards = a
            .iter()
            .filter(|t| paydesk_domain::redaction::redact(&t.body).count() > 0)
            .count();
        assert_eq!(with_cards, 10);
    }
}
