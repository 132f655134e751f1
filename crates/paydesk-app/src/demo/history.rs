//! One ticket's life, from the customer's first message to its close: the first reply
//! after a plausible wait, questions and answers, escalations to L2 with partner and
//! finance notes, solves, reopenings and the close four days later. Every step goes
//! through the domain's status machine, and whatever would happen after the demo's end
//! does not happen, so recent tickets are still new, open, pending or on hold.

use super::card::card_sentence;
use super::chance::{wait, weighted};
use super::customer::Person;
use super::life::Life;
use super::people::{Desk, DeskQueue, QueueKind, Worker};
use super::reply::{Note, Say, note, text};
use super::text::Facts;
use super::volume::is_weekend;
use crate::error::AppError;
use paydesk_domain::customer::Tier;
use paydesk_domain::message::{AttachmentMeta, Visibility};
use paydesk_domain::ticket::{Channel, Priority, Status, TicketPatch};
use paydesk_domain::{Actor, Timestamp};
use rand::Rng;
use rand::rngs::SmallRng;

const MINUTE: i64 = Timestamp::MINUTE;
const HOUR: i64 = Timestamp::HOUR;
const DAY: i64 = Timestamp::DAY;

/// Solved tickets close this long after their (last) solve.
const CLOSE_AFTER: i64 = 4 * DAY;
/// Share of solved tickets the customer reopens.
const REOPEN_RATE: f64 = 0.07;

/// How much slower than usual the desk answers this ticket.
fn slowness(created: Timestamp, is_campaign: bool, tier: Tier, channel: Channel) -> f64 {
    let weekend = if is_weekend(created) { 1.7 } else { 1.0 };
    let peak = if is_campaign { 2.5 } else { 1.0 };
    let tier = match tier {
        Tier::Standard => 1.0,
        Tier::Vip => 0.6,
        Tier::Strategic => 0.4,
    };
    let channel = match channel {
        Channel::Chat => 0.25,
        Channel::Phone => 0.15,
        Channel::Social => 1.3,
        _ => 1.0,
    };
    weekend * peak * tier * channel
}

/// The screenshot a customer sends with an answer (its metadata: the file is not kept).
fn screenshot(rng: &mut SmallRng) -> AttachmentMeta {
    AttachmentMeta::metadata(
        format!("Screenshot_2026{:04}.png", rng.random_range(0..10_000)),
        "image/png".into(),
        rng.random_range(40_000..900_000),
    )
}

fn pick_worker<'a>(rng: &mut SmallRng, workers: &'a [Worker]) -> Option<&'a Worker> {
    workers.get(rng.random_range(0..workers.len().max(1)))
}

/// How the front line handles a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    Solve,
    Ask,
    Investigate,
    Escalate,
}

/// What a ticket's life needs besides the ticket.
pub(super) struct Scene<'a> {
    pub desk: &'a Desk,
    pub queue: &'a DeskQueue,
    pub person: &'a Person,
    pub category: &'static str,
    pub lang: &'static str,
    pub is_campaign: bool,
}

/// Lives the ticket's story after its creation.
pub(super) fn live(
    rng: &mut SmallRng,
    life: &mut Life,
    scene: &Scene<'_>,
    facts: &mut Facts,
) -> Result<(), AppError> {
    let created = life.ticket().created_at;
    let q = scene.queue;
    let Some(agent) = pick_worker(rng, &q.workers) else {
        return Ok(());
    };
    facts.agent.clone_from(&agent.first_name);
    let slow = slowness(
        created,
        scene.is_campaign,
        scene.person.tier,
        life.ticket().channel,
    );
    let median = q.first_reply_minutes * MINUTE as f64 * slow;
    let first = created.plus_millis(wait(rng, median, 0.9, MINUTE, 5 * DAY));
    let take = first.plus_millis(-rng.random_range(0..3 * MINUTE));
    let assign = TicketPatch {
        assignee_id: Some(Some(agent.id)),
        ..TicketPatch::default()
    };
    if !life.change(take, &Actor::User { id: agent.id }, &assign)? {
        return Ok(());
    }
    if rng.random_bool(0.2) {
        life.staff(
            first,
            agent,
            Visibility::Internal,
            &note(rng, Note::Finding, scene.category, facts),
        )?;
    }
    let escalation_weight = match q.kind {
        _ if scene.category == "unrecognised_or_fraud" => 18,
        QueueKind::BuyerRefunds | QueueKind::BuyerPayments | QueueKind::CreatorEarnings => 10,
        _ => 6,
    };
    let path = weighted(
        rng,
        &[
            (Path::Solve, 42),
            (Path::Ask, 34),
            (Path::Investigate, 13),
            (Path::Escalate, escalation_weight),
        ],
    )
    .unwrap_or(Path::Solve);
    let next_reply =
        q.first_reply_minutes * MINUTE as f64 * 1.5 * if scene.is_campaign { 2.0 } else { 1.0 };
    let turn = Turn {
        agent,
        at: first,
        next_reply,
    };
    let owner = match path {
        Path::Solve => {
            resolve(rng, life, scene, facts, agent, first)?;
            agent.clone()
        }
        Path::Ask => ask(rng, life, scene, facts, &turn)?,
        Path::Investigate => investigate(rng, life, scene, facts, &turn)?,
        Path::Escalate => escalate(rng, life, scene, facts, &turn)?,
    };
    after_solve(rng, life, scene, facts, &owner, next_reply)
}

/// Who answers first, when, and how long the next replies usually take (ms).
struct Turn<'a> {
    agent: &'a Worker,
    at: Timestamp,
    next_reply: f64,
}

/// `who` writes the resolution at `at` and solves the ticket a moment later.
fn resolve(
    rng: &mut SmallRng,
    life: &mut Life,
    scene: &Scene<'_>,
    facts: &Facts,
    who: &Worker,
    at: Timestamp,
) -> Result<bool, AppError> {
    let body = text(rng, Say::Resolve, scene.category, scene.lang, facts);
    life.staff(at, who, Visibility::Public, &body)?;
    let solved = at.plus_millis(rng.random_range(20_000..3 * MINUTE));
    life.set_status(solved, who, Status::Solved)
}

/// The agent asks for something, the customer answers (or goes quiet), up to three rounds.
fn ask(
    rng: &mut SmallRng,
    life: &mut Life,
    scene: &Scene<'_>,
    facts: &Facts,
    turn: &Turn<'_>,
) -> Result<Worker, AppError> {
    let (agent, mut t) = (turn.agent, turn.at);
    for round in 0..3 {
        let question = text(rng, Say::Ask, scene.category, scene.lang, facts);
        life.staff(t, agent, Visibility::Public, &question)?;
        let pending = t.plus_millis(rng.random_range(5_000..60_000));
        life.set_status(pending, agent, Status::Pending)?;
        if !rng.random_bool(0.8) {
            t = t.plus_millis(3 * DAY + rng.random_range(0..6 * HOUR));
            let body = text(rng, Say::NoAnswer, scene.category, scene.lang, facts);
            life.staff(t, agent, Visibility::Public, &body)?;
            life.set_status(t.plus_millis(30_000), agent, Status::Solved)?;
            break;
        }
        t = t.plus_millis(wait(rng, 4.0 * HOUR as f64, 1.1, 3 * MINUTE, 4 * DAY));
        let mut answer = text(rng, Say::Answer, scene.category, scene.lang, facts);
        if rng.random_bool(0.004) {
            answer = format!("{answer} {}", card_sentence(rng, scene.lang));
        }
        let attachments = if answer.contains("ttached") || answer.contains("captura") {
            vec![screenshot(rng)]
        } else {
            vec![]
        };
        life.customer(t, &answer, attachments)?;
        t = t.plus_millis(wait(rng, turn.next_reply, 0.9, 2 * MINUTE, 3 * DAY));
        if round < 2 && rng.random_bool(0.2) {
            continue;
        }
        resolve(rng, life, scene, facts, agent, t)?;
        break;
    }
    Ok(agent.clone())
}

/// The agent checks with the payment provider; the customer may chase meanwhile.
fn investigate(
    rng: &mut SmallRng,
    life: &mut Life,
    scene: &Scene<'_>,
    facts: &Facts,
    turn: &Turn<'_>,
) -> Result<Worker, AppError> {
    let (agent, t) = (turn.agent, turn.at);
    let working = text(rng, Say::Working, scene.category, scene.lang, facts);
    life.staff(t, agent, Visibility::Public, &working)?;
    let finding = note(rng, Note::Finding, scene.category, facts);
    let noted = t.plus_millis(rng.random_range(MINUTE..20 * MINUTE));
    life.staff(noted, agent, Visibility::Internal, &finding)?;
    let done = t.plus_millis(wait(rng, 20.0 * HOUR as f64, 0.8, HOUR, 6 * DAY));
    if done.since(t) > DAY && rng.random_bool(0.5) {
        let chase = text(rng, Say::Chase, scene.category, scene.lang, facts);
        life.customer(t.plus_millis(DAY), &chase, vec![])?;
        if life.ticket().priority == Priority::Normal && rng.random_bool(0.3) {
            let patch = TicketPatch {
                priority: Some(Priority::High),
                ..TicketPatch::default()
            };
            life.change(
                t.plus_millis(DAY + 10 * MINUTE),
                &Actor::User { id: agent.id },
                &patch,
            )?;
        }
    }
    resolve(rng, life, scene, facts, agent, done)?;
    Ok(agent.clone())
}

/// The agent hands over to an L2 specialist (on hold meanwhile); finance or a partner
/// team answers in a note; the specialist resolves.
fn escalate(
    rng: &mut SmallRng,
    life: &mut Life,
    scene: &Scene<'_>,
    facts: &mut Facts,
    turn: &Turn<'_>,
) -> Result<Worker, AppError> {
    let (agent, t) = (turn.agent, turn.at);
    let mut owner = agent.clone();
    let l2 = scene.desk.queue(QueueKind::Escalations);
    let specialist = l2.and_then(|q| pick_worker(rng, &q.workers)).cloned();
    let why = note(rng, Note::Escalation, scene.category, facts);
    life.staff(t, agent, Visibility::Internal, &why)?;
    let told = text(rng, Say::Escalated, scene.category, scene.lang, facts);
    life.staff(t.plus_millis(MINUTE), agent, Visibility::Public, &told)?;
    if let (Some(l2), Some(specialist)) = (l2, specialist) {
        let mut tags = life.ticket().tags.clone();
        tags.push("escalated".into());
        let priority = match life.ticket().priority {
            Priority::Low | Priority::Normal if rng.random_bool(0.4) => Some(Priority::High),
            Priority::High if rng.random_bool(0.2) => Some(Priority::Urgent),
            _ => None,
        };
        let patch = TicketPatch {
            status: Some(Status::OnHold),
            queue_id: Some(Some(l2.id)),
            assignee_id: Some(Some(specialist.id)),
            tags: Some(tags),
            priority,
            ..TicketPatch::default()
        };
        life.change(
            t.plus_millis(2 * MINUTE),
            &Actor::User { id: agent.id },
            &patch,
        )?;
        owner = specialist;
    }
    let done = t.plus_millis(wait(rng, 22.0 * HOUR as f64, 0.8, HOUR, 8 * DAY));
    let for_finance = matches!(
        scene.category,
        "transfer_or_payout" | "wrong_amount" | "fees" | "identity_verification"
    );
    let (helpers, kind) = if for_finance || (scene.category == "refund" && rng.random_bool(0.5)) {
        (&scene.desk.finance, Note::Finance)
    } else {
        (&scene.desk.partners, Note::Partner)
    };
    if rng.random_bool(0.7)
        && let Some(helper) = pick_worker(rng, helpers)
    {
        let answer = note(rng, kind, scene.category, facts);
        life.staff(
            t.plus_millis(done.since(t) * 7 / 10),
            helper,
            Visibility::Internal,
            &answer,
        )?;
    }
    facts.agent.clone_from(&owner.first_name);
    resolve(rng, life, scene, facts, &owner, done)?;
    Ok(owner)
}

/// Reopen (sometimes), solve again, and close four days after the last solve.
fn after_solve(
    rng: &mut SmallRng,
    life: &mut Life,
    scene: &Scene<'_>,
    facts: &Facts,
    owner: &Worker,
    next_reply: f64,
) -> Result<(), AppError> {
    if life.status() != Status::Solved {
        return Ok(());
    }
    let Some(mut solved) = life.ticket().solved_at else {
        return Ok(());
    };
    if rng.random_bool(REOPEN_RATE) {
        let back = solved.plus_millis(wait(rng, 20.0 * HOUR as f64, 0.8, HOUR, CLOSE_AFTER - HOUR));
        let body = text(rng, Say::NotFixed, scene.category, scene.lang, facts);
        if !life.customer(back, &body, vec![])? {
            return Ok(());
        }
        let again = back.plus_millis(wait(rng, next_reply, 0.9, 5 * MINUTE, 3 * DAY));
        life.staff(
            again,
            owner,
            Visibility::Internal,
            &note(rng, Note::Finding, scene.category, facts),
        )?;
        let resolved = again.plus_millis(5 * MINUTE);
        if !resolve(rng, life, scene, facts, owner, resolved)? {
            return Ok(());
        }
        solved = life.ticket().solved_at.unwrap_or(resolved);
    }
    let close = solved.plus_millis(CLOSE_AFTER + rng.random_range(0..15 * MINUTE));
    let patch = TicketPatch {
        status: Some(Status::Closed),
        ..TicketPatch::default()
    };
    life.change(close, &Actor::System, &patch)?;
    Ok(())
}
