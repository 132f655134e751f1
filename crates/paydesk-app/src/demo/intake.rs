//! How one demo ticket comes in: who writes, about what, through which channel, in
//! which words, and where routing sends it; then its life ([`super::history`]).

use super::card::card_sentence;
use super::category_mix;
use super::chance::weighted;
use super::customer::Crowd;
use super::history::{Scene, live};
use super::life::Life;
use super::people::{Desk, QueueKind};
use super::template::{GATEWAY, Library};
use super::text::{Facts, ProductKind, fill};
use super::volume::Arrival;
use crate::error::AppError;
use paydesk_domain::customer::Tier;
use paydesk_domain::message::Author;
use paydesk_domain::ticket::{BusinessLine, Channel, NewTicket, Priority, Status, Ticket};
use paydesk_domain::{Actor, TicketId, Timestamp};
use paydesk_store::TicketRecord;
use rand::Rng;
use rand::rngs::SmallRng;

/// Ticket shares by business line.
const LINES: [(BusinessLine, u32); 3] = [
    (BusinessLine::Buyer, 58),
    (BusinessLine::Merchant, 24),
    (BusinessLine::Creator, 18),
];

/// Channel shares of tickets written by people (gateway notices come on their own).
const CHANNELS: [(Channel, u32); 6] = [
    (Channel::Email, 40),
    (Channel::Web, 23),
    (Channel::Chat, 16),
    (Channel::Api, 9),
    (Channel::Phone, 6),
    (Channel::Social, 6),
];

/// Share of first messages in which the customer pastes a full card number.
const CARD_PASTE_RATE: f64 = 0.02;

/// The queue that routing sends a ticket of this line and category to.
fn route(line: BusinessLine, category: &str) -> QueueKind {
    match (line, category) {
        (BusinessLine::Buyer, "refund" | "duplicate_charge" | "top_up" | "wrong_amount") => {
            QueueKind::BuyerRefunds
        }
        (BusinessLine::Buyer, _) => QueueKind::BuyerPayments,
        (BusinessLine::Merchant, "unrecognised_or_fraud" | "refund") => QueueKind::MerchantDisputes,
        (BusinessLine::Merchant, _) => QueueKind::MerchantPayouts,
        (BusinessLine::Creator, _) => QueueKind::CreatorEarnings,
    }
}

/// A gateway's webhook notice for a merchant ticket, sometimes: (subject, body).
fn gateway_notice(
    rng: &mut SmallRng,
    line: BusinessLine,
    category: &str,
) -> Option<(&'static str, &'static str)> {
    let rate = match (line, category) {
        (BusinessLine::Merchant, "unrecognised_or_fraud" | "refund") => 0.35,
        (BusinessLine::Merchant, "transfer_or_payout") => 0.12,
        _ => return None,
    };
    if !rng.random_bool(rate) {
        return None;
    }
    let notices: Vec<_> = GATEWAY.iter().filter(|g| g.0 == category).collect();
    notices
        .get(rng.random_range(0..notices.len().max(1)))
        .map(|g| (g.1, g.2))
}

fn priority(rng: &mut SmallRng, tier: Tier, category: &str) -> Priority {
    let drawn = weighted(
        rng,
        &[
            (Priority::Low, 8),
            (Priority::Normal, 80),
            (Priority::High, 10),
            (Priority::Urgent, 2),
        ],
    )
    .unwrap_or(Priority::Normal);
    let fraud = category == "unrecognised_or_fraud";
    match (drawn, tier) {
        (Priority::Low | Priority::Normal, Tier::Strategic) => Priority::High,
        (Priority::Normal, Tier::Vip) if rng.random_bool(0.25) => Priority::High,
        (Priority::Normal, _) if fraud && rng.random_bool(0.35) => Priority::High,
        (p, _) => p,
    }
}

fn tags(
    rng: &mut SmallRng,
    line: BusinessLine,
    category: &str,
    tier: Tier,
    channel: Channel,
    campaign: Option<&str>,
) -> Vec<String> {
    let mut tags: Vec<&str> = Vec::new();
    match tier {
        Tier::Vip => tags.push("vip"),
        Tier::Strategic => tags.extend(["vip", "strategic"]),
        Tier::Standard => {}
    }
    tags.extend(campaign);
    match (line, category) {
        (_, "payment_declined") if rng.random_bool(0.3) => tags.push("gateway-b"),
        (_, "payment_declined") if rng.random_bool(0.15) => tags.push("gateway-a"),
        (BusinessLine::Buyer, "top_up") if rng.random_bool(0.5) => tags.push("coins"),
        (BusinessLine::Merchant, "unrecognised_or_fraud" | "refund")
            if channel == Channel::Gateway || rng.random_bool(0.4) =>
        {
            tags.push("chargeback");
        }
        (BusinessLine::Creator, "identity_verification") => tags.push(if rng.random_bool(0.5) {
            "tax-form"
        } else {
            "kyc"
        }),
        _ => {}
    }
    if channel == Channel::Social && rng.random_bool(0.5) {
        tags.push("public-post");
    }
    tags.into_iter().map(str::to_string).collect()
}

/// One ticket arriving at `arrival`, lived until `end`; with how many texts were redacted,
/// and what it talks about (for the payments it names, see [`super::payments`]).
pub(super) fn ticket(
    rng: &mut SmallRng,
    desk: &Desk,
    crowd: &Crowd,
    library: &Library,
    arrival: &Arrival,
    end: Timestamp,
) -> Result<(TicketRecord, usize, Topic), AppError> {
    let line = weighted(rng, &LINES).unwrap_or(BusinessLine::Buyer);
    let missing = || AppError::invalid("demo", "the generated desk is incomplete");
    let person = crowd.pick(rng, line).ok_or_else(missing)?;
    let category = weighted(rng, category_mix(line)).unwrap_or("account_other");
    let notice = gateway_notice(rng, line, category);
    let channel = if notice.is_some() {
        Channel::Gateway
    } else {
        weighted(rng, &CHANNELS).unwrap_or(Channel::Email)
    };
    let (subject, body, lang) = match notice {
        Some((subject, body)) => (subject, body, "en"),
        None => {
            let tpl = library
                .pick(rng, line, category, person.lang)
                .ok_or_else(missing)?;
            (tpl.subject, tpl.body, tpl.lang)
        }
    };
    let kind = match ProductKind::of(subject) {
        ProductKind::Any => ProductKind::of(body),
        kind => kind,
    };
    let mut facts = Facts::draw(rng, line, kind, person, arrival.at);
    let mut subject = fill(subject, &facts, lang);
    let mut body = fill(body, &facts, lang);
    if notice.is_none() && rng.random_bool(CARD_PASTE_RATE) {
        let sentence = card_sentence(rng, lang);
        if rng.random_bool(0.15) {
            subject = format!("{subject} - {sentence}");
        } else {
            body = format!("{body}\n\n{sentence}");
        }
    }
    let queue = desk.queue(route(line, category)).ok_or_else(missing)?;
    let new = NewTicket {
        subject,
        priority: priority(rng, person.tier, category),
        channel,
        business_line: line,
        category: Some(category.to_string()),
        tags: tags(rng, line, category, person.tier, channel, arrival.campaign),
        queue_id: Some(queue.id),
        assignee_id: None,
        customer_id: Some(person.id),
        language: lang.to_string(),
    }
    .validated()?;
    let ticket = Ticket {
        id: TicketId(0),
        subject: new.subject,
        status: Status::New,
        priority: new.priority,
        channel: new.channel,
        business_line: new.business_line,
        category: new.category,
        tags: new.tags,
        queue_id: new.queue_id,
        assignee_id: None,
        customer_id: new.customer_id,
        language: new.language,
        version: 1,
        created_at: arrival.at,
        updated_at: arrival.at,
        solved_at: None,
        closed_at: None,
    };
    let (actor, author) = match notice {
        Some(_) => (
            Actor::Api {
                client: "gateway-webhooks".into(),
            },
            Author::System,
        ),
        None => (
            Actor::Customer { id: person.id },
            Author::Customer {
                id: Some(person.id),
            },
        ),
    };
    let mut life = Life::new(ticket, end);
    life.created(&actor, author, &body);
    let scene = Scene {
        desk,
        queue,
        person,
        category,
        lang,
        is_campaign: arrival.campaign.is_some(),
    };
    live(rng, &mut life, &scene, &mut facts)?;
    let (record, redacted) = life.finish();
    Ok((record, redacted, Topic { category, facts }))
}

/// What a ticket talks about: its category and the facts its texts were filled with.
pub(super) struct Topic {
    pub category: &'static str,
    pub facts: Facts,
}
