//! The queue-view and "next ticket" half of `bench queues`: queues and agents made through
//! the services, then timed requests through the services on the filled desk.

use super::report::Latency;
use paydesk_app::routing::AgentInput;
use paydesk_app::{App, Caller};
use paydesk_domain::UserId;
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::routing::{Presence, Skills};
use paydesk_domain::{QueueId, Timestamp};
use paydesk_store::{Engine, NewQueue, NewUser, PageRequest};
use std::time::{Duration, Instant};

/// Agents pressing "next": each works three queues.
const AGENTS: i64 = 20;
/// "Next ticket" presses, spread over the agents.
const NEXTS: usize = 1_000;

fn agent_caller(id: UserId) -> Caller {
    Caller::new(
        Principal::User {
            id,
            role: Role::Agent,
            vendor_id: None,
        },
        None,
    )
}

/// Creates `queues` queues (ids 1..=queues on a fresh database) and the agents, online,
/// each a member of three queues and skilled for English.
pub async fn prepare(app: &App, queues: i64) -> anyhow::Result<()> {
    let system = Caller::system();
    for q in 1..=queues {
        let queue = app
            .store()
            .insert_queue(
                &NewQueue {
                    key: format!("q{q}"),
                    name: format!("Queue {q}"),
                    business_line: None,
                    vendor_id: None,
                },
                Timestamp(0),
            )
            .await?;
        anyhow::ensure!(queue.id == QueueId(q), "the bench needs a fresh database");
    }
    for a in 0..AGENTS {
        let user = app
            .store()
            .insert_user(
                &NewUser {
                    email: format!("agent{a}@bench.test"),
                    name: format!("Agent {a}"),
                    role: Role::Agent,
                    vendor_id: None,
                    password_hash: None,
                },
                Timestamp(0),
            )
            .await?;
        let input = AgentInput {
            skills: Skills {
                languages: vec!["en".into()],
                ..Skills::default()
            },
            capacity: 1_000,
            chat_capacity: 3,
            team_id: None,
            calendar_id: None,
            expected_version: None,
        };
        app.save_agent(&system, user.id, input).await?;
        for k in 0..3 {
            let queue = QueueId(1 + (a * 3 + k) % queues);
            app.add_queue_member(&system, queue, user.id).await?;
        }
        app.set_presence(&system, user.id, Presence::Online).await?;
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Times `views` first pages of queue views and [`NEXTS`] "next ticket" presses.
pub async fn measure(app: &App, engine: Engine, views: usize, queues: i64) -> anyhow::Result<()> {
    let system = Caller::system();
    let page = PageRequest {
        limit: 50,
        cursor: None,
    };
    let mut samples = Vec::with_capacity(views);
    let mut second_pages = Vec::with_capacity(views);
    for i in 0..views {
        let queue = QueueId(1 + i64::try_from(i)? % queues);
        let started = Instant::now();
        let first = app.queue_tickets(&system, queue, &page).await?;
        samples.push(started.elapsed());
        anyhow::ensure!(
            first.items.len() == 50,
            "queue {} has a short first page",
            queue.0
        );
        let next = PageRequest {
            limit: 50,
            cursor: first.next_cursor,
        };
        let started = Instant::now();
        app.queue_tickets(&system, queue, &next).await?;
        second_pages.push(started.elapsed());
    }
    let first = Latency::of(samples).ok_or_else(|| anyhow::anyhow!("no views"))?;
    let second = Latency::of(second_pages).ok_or_else(|| anyhow::anyhow!("no views"))?;
    println!(
        "{}: queue view, first page of 50: p50 {:.2} ms, p99 {:.2} ms (second page p50 {:.2} ms, p99 {:.2} ms)",
        engine.name(),
        ms(first.p50),
        ms(first.p99),
        ms(second.p50),
        ms(second.p99),
    );
    let mut samples = Vec::with_capacity(NEXTS);
    for i in 0..NEXTS {
        let agent = UserId(1 + i64::try_from(i)? % AGENTS);
        let started = Instant::now();
        let got = app.next_ticket(&agent_caller(agent)).await?;
        samples.push(started.elapsed());
        anyhow::ensure!(got.is_some(), "agent {} found no next ticket", agent.0);
    }
    let next = Latency::of(samples).ok_or_else(|| anyhow::anyhow!("no presses"))?;
    println!(
        "{}: next ticket (a claim): p50 {:.2} ms, p99 {:.2} ms",
        engine.name(),
        ms(next.p50),
        ms(next.p99),
    );
    Ok(())
}
