//! `paydesk bench rules`: how many ticket events per second go through 200 active rules.
//!
//! Two measurements: the domain evaluator alone (a stream of ticket events, each evaluated
//! against the 200 rules on a ticket's facts), and end to end through the app on each
//! engine (a ticket written, the trigger loop reading its events, evaluating the rules and
//! taking the firings' actions through the use cases).

use super::database::{FreshDb, Place};
use super::report;
use paydesk_app::rules::RuleInput;
use paydesk_app::tickets::{NewTicketInput, TicketChange};
use paydesk_app::{App, Caller, Clock as _, SystemClock};
use paydesk_domain::TicketId;
use paydesk_domain::customer::Tier;
use paydesk_domain::id::RuleId;
use paydesk_domain::rules::{
    CustomerFacts, PaymentFacts, Rule, RuleSpec, TicketFacts, TicketSnapshot, TriggerEvent,
    evaluate_triggers,
};
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, Status, TicketPatch};
use paydesk_store::Engine;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;

/// Active rules in every measurement.
pub const RULES: usize = 200;

const CATEGORIES: &[&str] = &["payment_declined", "refund", "payout", "chargeback", "fees"];
const TAGS: &[&str] = &["card", "wallet", "vip", "duplicate", "fraud", "tax"];
const EVENTS: &[&str] = &["ticket_created", "ticket_updated", "customer_replied"];

/// One run's settings.
pub struct RuleBench {
    /// Events through the domain evaluator.
    pub events: usize,
    /// Tickets written end to end (each created, then changed once).
    pub tickets: usize,
    pub place: Place,
}

/// Rule `i` of 200: a mix of what desks write (category and tier routing, tag hygiene,
/// priority bumps), most of which do not match a given ticket.
fn rule_spec(i: usize) -> Value {
    let category = CATEGORIES[i % CATEGORIES.len()];
    let tag = TAGS[i % TAGS.len()];
    let on = EVENTS[i % EVENTS.len()];
    let conditions = match i % 4 {
        0 => json!({"all": [{"field": "ticket.category", "op": "is", "value": category},
                            {"field": "customer.tier", "op": "in", "value": ["vip", "strategic"]}]}),
        1 => json!({"all": [{"field": "ticket.tags", "op": "contains", "value": tag}],
                    "any": [{"field": "ticket.priority", "op": "is", "value": "low"},
                            {"field": "payment.largest_amount", "op": "greater_than", "value": 50_000 + i}]}),
        2 => {
            json!({"all": [{"field": "ticket.subject", "op": "contains", "value": format!("order {i}")}]})
        }
        _ => json!({"all": [{"field": "ticket.business_line", "op": "is", "value": "merchant"},
                            {"field": "ticket.status", "op": "not_in", "value": ["solved", "closed"]},
                            {"field": "ticket.tags", "op": "not_contains", "value": format!("r{i}")}]}),
    };
    let actions = match i % 3 {
        0 => json!([{"type": "add_tags", "tags": [format!("r{i}")]}]),
        1 => json!([{"type": "set_priority", "priority": "high"}]),
        _ => {
            json!([{"type": "add_tags", "tags": [tag]}, {"type": "set_category", "category": category}])
        }
    };
    json!({"kind": {"type": "trigger", "on": [on, "ticket_created"]}, "conditions": conditions, "actions": actions})
}

fn domain_rules() -> anyhow::Result<Vec<Rule>> {
    (0..RULES)
        .map(|i| {
            let spec: RuleSpec = serde_json::from_value(rule_spec(i))?;
            spec.validate()?;
            Ok(Rule {
                id: RuleId(i64::try_from(i)? + 1),
                name: format!("rule {i}"),
                position: i64::try_from(i)?,
                is_active: true,
                spec,
            })
        })
        .collect()
}

fn facts(i: usize) -> TicketFacts {
    let now = SystemClock.now();
    TicketFacts {
        ticket: TicketSnapshot {
            status: Status::Open,
            priority: Priority::ALL[i % Priority::ALL.len()],
            category: Some(CATEGORIES[i % CATEGORIES.len()].into()),
            tags: vec![TAGS[i % TAGS.len()].into()],
            queue_id: None,
            assignee_id: None,
            business_line: BusinessLine::ALL[i % BusinessLine::ALL.len()],
            channel: Channel::Email,
            language: "en".into(),
            subject: format!("Problem with order {}", i % 400),
            version: 1,
            created_at: now,
            updated_at: now,
        },
        customer: Some(CustomerFacts {
            tier: Tier::ALL[i % Tier::ALL.len()],
            country: Some("DE".into()),
            locale: None,
        }),
        payment: PaymentFacts {
            largest_amount: Some(i64::try_from(i % 100_000).unwrap_or(0)),
            ..PaymentFacts::default()
        },
        sla: Default::default(),
        escalation: Default::default(),
        time: Default::default(),
    }
}

impl RuleBench {
    pub async fn run(&self, engines: Vec<Engine>) -> anyhow::Result<()> {
        println!(
            "bench rules: {RULES} active rules; {} events through the evaluator, {} tickets end to end, {} build",
            self.events,
            self.tickets,
            if cfg!(debug_assertions) {
                "DEBUG (figures are not meaningful; use --release)"
            } else {
                "release"
            }
        );
        self.domain()?;
        for engine in engines {
            let db = FreshDb::create(engine, &self.place).await?;
            let outcome = self.end_to_end(engine, &db).await;
            db.remove().await?;
            outcome?;
        }
        Ok(())
    }

    fn domain(&self) -> anyhow::Result<()> {
        let rules = domain_rules()?;
        let snapshots: Vec<TicketFacts> = (0..1_000).map(facts).collect();
        let events = [
            TriggerEvent::TicketCreated,
            TriggerEvent::TicketUpdated,
            TriggerEvent::CustomerReplied,
        ];
        let now = SystemClock.now().0;
        let started = Instant::now();
        let mut firings = 0;
        for i in 0..self.events {
            let out =
                evaluate_triggers(&rules, events[i % 3], &snapshots[i % snapshots.len()], now);
            firings += out.firings.len();
        }
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        println!(
            "domain evaluator: {} events in {:.3} s = {:.0} events/s ({firings} firings, {:.1} per event)",
            self.events,
            secs,
            self.events as f64 / secs,
            firings as f64 / self.events.max(1) as f64
        );
        Ok(())
    }

    async fn end_to_end(&self, engine: Engine, db: &FreshDb) -> anyhow::Result<()> {
        let app = App::new(db.store.clone(), Arc::new(SystemClock));
        let system = Caller::system();
        for i in 0..RULES {
            let input = RuleInput {
                name: format!("Rule {i}"),
                spec: rule_spec(i),
                is_active: true,
            };
            app.create_rule(&system, &input).await?;
        }
        let bar = report::bar(engine, "rules", self.tickets);
        let started = Instant::now();
        let mut ids: Vec<TicketId> = Vec::with_capacity(self.tickets);
        let mut firings = 0;
        for i in 0..self.tickets {
            let input = NewTicketInput {
                category: Some(CATEGORIES[i % CATEGORIES.len()].into()),
                tags: vec![TAGS[i % TAGS.len()].into()],
                ..NewTicketInput::new(
                    &format!("Problem with order {}", i % 400),
                    "The payment went through twice.",
                    BusinessLine::ALL[i % BusinessLine::ALL.len()],
                    Channel::Email,
                )
            };
            let id = app.create_ticket(&system, input, None).await?.ticket.id;
            ids.push(id);
            let change = TicketChange {
                patch: TicketPatch {
                    priority: Some(Priority::Low),
                    ..TicketPatch::default()
                },
                expected_version: None,
            };
            app.change_ticket(&system, id, change).await?;
            loop {
                let report = app.run_triggers("bench", 500).await?;
                firings += report.firings;
                if report.events_read == 0 {
                    break;
                }
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        let events = self.tickets * 2;
        println!(
            "{} end to end: {events} ticket events (create + change) with triggers and actions in {:.1} s = {:.0} events/s ({firings} firings)",
            engine.name(),
            secs,
            events as f64 / secs,
        );
        Ok(())
    }
}
