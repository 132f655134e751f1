use super::evaluate::urgency;
use super::*;
use crate::customer::Tier;
use crate::ticket::{BusinessLine, Channel, Priority, Status};
use crate::{QueueId, VendorId};
use proptest::prelude::*;

const MIN: i64 = Timestamp::MINUTE;
const T0: Timestamp = Timestamp(1_780_000_000_000);

fn at(minutes: i64) -> Timestamp {
    T0.plus_millis(minutes * MIN)
}

fn target(metric: Metric, minutes: i64) -> Target {
    Target {
        metric,
        priority: Priority::Normal,
        minutes,
        calendar_id: None,
    }
}

fn spec(targets: Vec<Target>) -> PolicySpec {
    serde_json::from_value::<PolicySpec>(serde_json::json!({ "targets": [] }))
        .map(|mut s| {
            s.targets = targets;
            s
        })
        .unwrap_or_else(|e| unreachable!("{e}"))
}

fn standard() -> Vec<SlaPolicy> {
    vec![SlaPolicy {
        id: 1,
        spec: spec(vec![
            target(Metric::FirstReply, 60),
            target(Metric::NextReply, 120),
            target(Metric::PeriodicUpdate, 1440),
            target(Metric::Resolution, 600),
        ]),
    }]
}

fn facts(status: Status) -> TicketFacts {
    TicketFacts {
        status,
        priority: Priority::Normal,
        channel: Channel::Email,
        business_line: BusinessLine::Buyer,
        category: None,
        queue_id: None,
        vendor_id: None,
        customer_tier: Some(Tier::Standard),
        dispute: None,
    }
}

struct Desk {
    policies: Vec<SlaPolicy>,
    policy: Option<i64>,
    clocks: Vec<SlaClock>,
    changes: Vec<SlaChange>,
}

impl Desk {
    fn new(policies: Vec<SlaPolicy>) -> Self {
        Self {
            policies,
            policy: None,
            clocks: vec![],
            changes: vec![],
        }
    }

    fn step(&mut self, facts: &TicketFacts, happenings: &[Happening], now: Timestamp) {
        let out = evaluate(
            &self.policies,
            self.policy,
            self.clocks.clone(),
            facts,
            happenings,
            &AlwaysOpen,
            now,
        );
        self.policy = out.policy_id;
        self.clocks = out.clocks;
        self.changes = out.changes;
    }

    fn clock(&self, metric: Metric) -> &SlaClock {
        self.clocks
            .iter()
            .find(|c| c.metric == metric)
            .unwrap_or_else(|| unreachable!("no {metric} clock"))
    }

    fn has(&self, metric: Metric) -> bool {
        self.clocks.iter().any(|c| c.metric == metric)
    }
}

#[test]
fn a_new_ticket_starts_first_reply_and_resolution() {
    let mut desk = Desk::new(standard());
    desk.step(&facts(Status::New), &[], at(0));
    assert_eq!(
        desk.changes,
        vec![SlaChange::PolicyApplied {
            from: None,
            to: Some(1)
        }]
    );
    assert_eq!(desk.clock(Metric::FirstReply).due_at, Some(at(60)));
    assert_eq!(desk.clock(Metric::FirstReply).warn_at, Some(at(45)));
    assert_eq!(desk.clock(Metric::Resolution).due_at, Some(at(600)));
    assert!(!desk.has(Metric::NextReply));
    assert!(!desk.has(Metric::PeriodicUpdate));
    assert_eq!(urgency(&desk.clocks), (Some(at(60)), false, false));
}

#[test]
fn replies_meet_first_and_next_reply_and_restart_periodic_updates() {
    let mut desk = Desk::new(standard());
    desk.step(&facts(Status::New), &[], at(0));
    desk.step(&facts(Status::Open), &[Happening::StaffReply], at(30));
    let first = desk.clock(Metric::FirstReply);
    assert_eq!(first.state, ClockState::Achieved);
    assert_eq!(first.achieved_at, Some(at(30)));
    assert_eq!(first.breached_at, None);
    assert_eq!(
        desk.clock(Metric::PeriodicUpdate).due_at,
        Some(at(30 + 1440))
    );

    // The customer answers: the next reply is due in two hours.
    desk.step(&facts(Status::Open), &[Happening::CustomerMessage], at(40));
    assert_eq!(desk.clock(Metric::NextReply).due_at, Some(at(160)));
    // A second customer message does not move it.
    desk.step(&facts(Status::Open), &[Happening::CustomerMessage], at(50));
    assert_eq!(desk.clock(Metric::NextReply).due_at, Some(at(160)));

    desk.step(&facts(Status::Open), &[Happening::StaffReply], at(100));
    assert_eq!(desk.clock(Metric::NextReply).state, ClockState::Achieved);
    let periodic = desk.clock(Metric::PeriodicUpdate);
    assert_eq!(periodic.cycle, 1);
    assert_eq!(periodic.due_at, Some(at(100 + 1440)));

    // And the next customer message starts a new next-reply cycle.
    desk.step(&facts(Status::Open), &[Happening::CustomerMessage], at(200));
    assert_eq!(desk.clock(Metric::NextReply).cycle, 1);
    assert_eq!(desk.clock(Metric::NextReply).due_at, Some(at(320)));
}

#[test]
fn a_customer_message_before_the_first_reply_starts_no_next_reply() {
    let mut desk = Desk::new(standard());
    desk.step(&facts(Status::New), &[], at(0));
    desk.step(&facts(Status::New), &[Happening::CustomerMessage], at(5));
    assert!(!desk.has(Metric::NextReply));
}

#[test]
fn pending_pauses_resolution_and_periodic_updates_but_not_replies() {
    let mut desk = Desk::new(standard());
    desk.step(&facts(Status::New), &[], at(0));
    desk.step(&facts(Status::Open), &[Happening::StaffReply], at(10));
    desk.step(&facts(Status::Open), &[Happening::CustomerMessage], at(20));
    desk.step(&facts(Status::Pending), &[], at(100));
    let resolution = desk.clock(Metric::Resolution);
    assert_eq!(resolution.state, ClockState::Paused);
    assert_eq!(resolution.elapsed_ms, 100 * MIN);
    assert_eq!(resolution.due_at, None);
    assert_eq!(desk.clock(Metric::PeriodicUpdate).state, ClockState::Paused);
    assert_eq!(desk.clock(Metric::NextReply).state, ClockState::Running);

    // Three hours later the customer's answer reopens it: 500 minutes are left.
    desk.step(&facts(Status::Open), &[], at(280));
    let resolution = desk.clock(Metric::Resolution);
    assert_eq!(resolution.state, ClockState::Running);
    assert_eq!(resolution.paused_ms, 180 * MIN);
    assert_eq!(resolution.due_at, Some(at(280 + 500)));
}

#[test]
fn a_configured_pause_stops_the_named_metric_only() {
    let mut policies = standard();
    policies[0].spec.pauses = vec![Pause {
        metric: Metric::FirstReply,
        statuses: vec![Status::OnHold],
    }];
    let mut desk = Desk::new(policies);
    desk.step(&facts(Status::New), &[], at(0));
    desk.step(&facts(Status::OnHold), &[], at(20));
    assert_eq!(desk.clock(Metric::FirstReply).state, ClockState::Paused);
    assert_eq!(desk.clock(Metric::Resolution).state, ClockState::Running);
    desk.step(&facts(Status::Pending), &[], at(50));
    // Pending pauses nothing under this policy; first reply counts again from 50.
    assert_eq!(desk.clock(Metric::FirstReply).due_at, Some(at(50 + 40)));
}

#[test]
fn solving_meets_resolution_and_drops_the_rest_and_reopening_goes_on() {
    let mut desk = Desk::new(standard());
    desk.step(&facts(Status::New), &[], at(0));
    desk.step(&facts(Status::Solved), &[], at(100));
    assert_eq!(desk.clock(Metric::Resolution).state, ClockState::Achieved);
    assert_eq!(desk.clock(Metric::FirstReply).state, ClockState::Cancelled);
    assert_eq!(urgency(&desk.clocks), (None, false, false));

    desk.step(
        &facts(Status::Open),
        &[Happening::CustomerMessage],
        at(1000),
    );
    let resolution = desk.clock(Metric::Resolution);
    assert_eq!(resolution.state, ClockState::Running);
    assert_eq!(resolution.achieved_at, None);
    assert_eq!(resolution.due_at, Some(at(1000 + 500)));
    assert_eq!(desk.clock(Metric::FirstReply).state, ClockState::Cancelled);
    assert_eq!(desk.clock(Metric::NextReply).due_at, Some(at(1000 + 120)));
}

#[test]
fn a_reply_after_the_due_time_records_the_breach_once() {
    let mut desk = Desk::new(standard());
    desk.step(&facts(Status::New), &[], at(0));
    desk.step(&facts(Status::Open), &[Happening::StaffReply], at(75));
    assert_eq!(
        desk.changes,
        vec![SlaChange::Breached {
            metric: Metric::FirstReply,
            due_at: at(60)
        }]
    );
    let mut first = desk.clock(Metric::FirstReply).clone();
    assert_eq!(first.breached_at, Some(at(60)));
    // The breach timer, firing late, finds nothing left to do.
    assert_eq!(fire(&mut first, TimerKind::Breach, at(76)), None);
}

#[test]
fn timers_mark_at_risk_then_breached_each_once() {
    let mut desk = Desk::new(standard());
    desk.step(&facts(Status::New), &[], at(0));
    let mut first = desk.clock(Metric::FirstReply).clone();
    assert_eq!(fire(&mut first, TimerKind::Warning, at(44)), None, "early");
    assert_eq!(
        fire(&mut first, TimerKind::Warning, at(45)),
        Some(SlaChange::AtRisk {
            metric: Metric::FirstReply,
            at: at(45)
        })
    );
    assert_eq!(fire(&mut first, TimerKind::Warning, at(46)), None);
    assert_eq!(
        fire(&mut first, TimerKind::Breach, at(61)),
        Some(SlaChange::Breached {
            metric: Metric::FirstReply,
            due_at: at(60)
        })
    );
    assert_eq!(fire(&mut first, TimerKind::Breach, at(62)), None);
    desk.clocks[0] = first;
    desk.clocks.sort_by_key(|c| c.metric);
    assert_eq!(urgency(&desk.clocks), (Some(at(60)), true, false));
}

#[test]
fn a_paused_clock_ignores_its_timers() {
    let mut desk = Desk::new(standard());
    desk.step(&facts(Status::New), &[], at(0));
    let stale = desk.clock(Metric::Resolution).clone();
    desk.step(&facts(Status::Pending), &[], at(10));
    let mut paused = desk.clock(Metric::Resolution).clone();
    assert_eq!(fire(&mut paused, TimerKind::Breach, at(700)), None);
    assert_eq!(stale.due_at, Some(at(600)));
}

#[test]
fn a_policy_change_keeps_the_time_used_and_applies_the_new_target() {
    let mut desk = Desk::new(standard());
    desk.step(&facts(Status::New), &[], at(0));
    desk.policies[0].spec.targets[3].minutes = 300;
    desk.step(&facts(Status::New), &[], at(100));
    assert!(desk.changes.is_empty(), "same policy: {:?}", desk.changes);
    let resolution = desk.clock(Metric::Resolution);
    assert_eq!(resolution.elapsed_ms, 100 * MIN);
    assert_eq!(resolution.due_at, Some(at(300)));

    // A priority without targets drops the clocks.
    let mut urgent = facts(Status::New);
    urgent.priority = Priority::Urgent;
    desk.step(&urgent, &[], at(110));
    assert_eq!(desk.clock(Metric::Resolution).state, ClockState::Cancelled);
}

#[test]
fn the_first_matching_policy_applies() {
    let mut vip = standard();
    vip[0].id = 7;
    vip[0].spec.conditions.customer_tiers = vec![Tier::Vip];
    vip[0].spec.conditions.vendors = vec![VendorId(3)];
    vip[0].spec.targets[0].minutes = 15;
    let mut policies = vip;
    policies.extend(standard());
    let mut f = facts(Status::New);
    assert_eq!(policy_for(&policies, &f), Some(1));
    f.customer_tier = Some(Tier::Vip);
    assert_eq!(policy_for(&policies, &f), Some(1), "vendor must match too");
    f.queue_id = Some(QueueId(9));
    f.vendor_id = Some(VendorId(3));
    assert_eq!(policy_for(&policies, &f), Some(7));
}

fn policy_for(policies: &[SlaPolicy], f: &TicketFacts) -> Option<i64> {
    evaluate(policies, None, vec![], f, &[], &AlwaysOpen, at(0)).policy_id
}

#[test]
fn validation_names_what_is_wrong() {
    let mut s = spec(vec![target(Metric::FirstReply, 0)]);
    assert!(s.validate().is_err());
    s.targets = vec![target(Metric::FirstReply, 5), target(Metric::FirstReply, 6)];
    assert!(
        s.validate()
            .is_err_and(|e| e.to_string().contains("two targets"))
    );
    s.targets.pop();
    s.at_risk_percent = 100;
    assert!(s.validate().is_err());
    s.at_risk_percent = 80;
    assert_eq!(s.validate(), Ok(()));
}

fn happening() -> impl Strategy<Value = (Status, Option<Happening>, i64)> {
    (
        prop::sample::select(Status::ALL.to_vec()),
        prop::option::of(prop::sample::select(vec![
            Happening::StaffReply,
            Happening::CustomerMessage,
        ])),
        0_i64..500,
    )
}

proptest! {
    /// Evaluating again with nothing new changes nothing; breaches are recorded at most
    /// once per clock cycle; a running clock always has a due time after its start.
    #[test]
    fn evaluation_is_idempotent(steps in prop::collection::vec(happening(), 1..25)) {
        let mut desk = Desk::new(standard());
        let mut now = at(0);
        desk.step(&facts(Status::New), &[], now);
        for (status, h, gap) in steps {
            now = now.plus_millis(gap * MIN);
            let f = facts(status);
            desk.step(&f, h.as_slice(), now);
            let before = desk.clocks.clone();
            desk.step(&f, &[], now);
            prop_assert_eq!(&desk.clocks, &before);
            prop_assert!(desk.changes.is_empty());
            for c in &desk.clocks {
                if c.is_running() {
                    prop_assert!(c.due_at.is_some_and(|d| d > c.started_at));
                    prop_assert!(c.elapsed_ms <= c.target_ms || c.breached_at.is_some()
                        || c.due_at.is_some_and(|d| d <= now));
                }
            }
        }
    }
}

mod dispute {
    use super::*;

    const DAY: i64 = 24 * 60;

    fn disputed(status: Status, due: i64, answered: bool) -> TicketFacts {
        TicketFacts {
            dispute: Some(DisputeDeadline {
                opened_at: at(0),
                due_at: at(due),
                answered,
            }),
            ..facts(status)
        }
    }

    #[test]
    fn a_dispute_deadline_runs_without_any_policy_and_leads_the_queue_order() {
        let mut desk = Desk::new(vec![]);
        desk.step(&disputed(Status::New, 30 * DAY, false), &[], at(60));
        let c = desk.clock(Metric::DisputeResponse);
        assert_eq!(c.state, ClockState::Running);
        assert_eq!(c.started_at, at(0), "counted from the dispute's opening");
        assert_eq!(c.due_at, Some(at(30 * DAY)));
        assert_eq!(c.warn_at, Some(at(30 * DAY * 3 / 4)));
        assert_eq!(urgency(&desk.clocks), (Some(at(30 * DAY)), false, false));
    }

    #[test]
    fn pending_and_on_hold_never_pause_a_network_deadline() {
        let mut desk = Desk::new(standard());
        desk.step(&disputed(Status::New, 20 * DAY, false), &[], at(0));
        for status in [Status::Pending, Status::OnHold] {
            desk.step(&disputed(status, 20 * DAY, false), &[], at(DAY));
            let c = desk.clock(Metric::DisputeResponse);
            assert_eq!(c.state, ClockState::Running, "{status}");
            assert_eq!(c.due_at, Some(at(20 * DAY)));
        }
    }

    #[test]
    fn answering_in_time_meets_it_and_late_records_the_breach() {
        let mut desk = Desk::new(vec![]);
        desk.step(&disputed(Status::Open, 10 * DAY, false), &[], at(0));
        desk.step(&disputed(Status::Open, 10 * DAY, true), &[], at(DAY));
        let c = desk.clock(Metric::DisputeResponse);
        assert_eq!((c.state, c.breached_at), (ClockState::Achieved, None));

        let mut late = Desk::new(vec![]);
        late.step(&disputed(Status::Open, 10 * DAY, false), &[], at(0));
        late.step(&disputed(Status::Open, 10 * DAY, true), &[], at(11 * DAY));
        assert_eq!(
            late.changes,
            vec![SlaChange::Breached {
                metric: Metric::DisputeResponse,
                due_at: at(10 * DAY)
            }]
        );
    }

    #[test]
    fn a_moved_due_date_moves_the_clock_and_its_breach_fires_once() {
        let mut desk = Desk::new(vec![]);
        desk.step(&disputed(Status::Open, 10 * DAY, false), &[], at(0));
        desk.step(&disputed(Status::Open, 7 * DAY, false), &[], at(60));
        assert_eq!(
            desk.clock(Metric::DisputeResponse).due_at,
            Some(at(7 * DAY))
        );
        let mut c = desk.clock(Metric::DisputeResponse).clone();
        assert!(fire(&mut c, TimerKind::Breach, at(7 * DAY)).is_some());
        assert_eq!(fire(&mut c, TimerKind::Breach, at(7 * DAY + 1)), None);
    }

    #[test]
    fn a_new_stage_starts_a_new_deadline_and_no_dispute_drops_it() {
        let mut desk = Desk::new(vec![]);
        desk.step(&disputed(Status::Open, 10 * DAY, false), &[], at(0));
        desk.step(&disputed(Status::Open, 10 * DAY, true), &[], at(DAY));
        // Pre-arbitration: the dispute needs an answer again, by a later date.
        desk.step(&disputed(Status::Open, 40 * DAY, false), &[], at(30 * DAY));
        let c = desk.clock(Metric::DisputeResponse);
        assert_eq!((c.state, c.cycle), (ClockState::Running, 1));
        assert_eq!((c.started_at, c.due_at), (at(30 * DAY), Some(at(40 * DAY))));
        desk.step(&facts(Status::Open), &[], at(31 * DAY));
        assert_eq!(
            desk.clock(Metric::DisputeResponse).state,
            ClockState::Cancelled
        );
    }

    #[test]
    fn evaluating_again_changes_nothing() {
        let mut desk = Desk::new(standard());
        let f = disputed(Status::Open, 10 * DAY, false);
        desk.step(&f, &[], at(0));
        let before = desk.clocks.clone();
        desk.step(&f, &[], at(5));
        assert_eq!(desk.clocks, before);
        assert!(desk.changes.is_empty());
    }
}
