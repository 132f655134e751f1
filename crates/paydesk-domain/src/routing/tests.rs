use super::*;
use crate::customer::Tier as CustomerTier;
use crate::id::TicketId;
use crate::ticket::{Channel, Priority, Status};
use proptest::prelude::*;

fn ticket(language: &str, line: BusinessLine, category: Option<&str>) -> Ticket {
    Ticket {
        id: TicketId(1),
        subject: "Charged twice".into(),
        status: Status::New,
        priority: Priority::Normal,
        channel: Channel::Email,
        business_line: line,
        category: category.map(str::to_string),
        tags: vec![],
        queue_id: None,
        assignee_id: None,
        customer_id: None,
        language: language.into(),
        version: 1,
        created_at: Timestamp(0),
        updated_at: Timestamp(0),
        solved_at: None,
        closed_at: None,
    }
}

fn buyer() -> Ticket {
    ticket("en", BusinessLine::Buyer, Some("duplicate_charge"))
}

fn agent(id: i64, load: i64, capacity: i64, presence: Presence) -> Candidate {
    Candidate {
        profile: AgentProfile {
            user_id: UserId(id),
            skills: Skills::default(),
            capacity,
            chat_capacity: 2,
            presence,
            presence_at: Timestamp(0),
            team_id: None,
            calendar_id: None,
            last_assigned_at: None,
            version: 1,
        },
        load,
    }
}

#[test]
fn skills_cover_by_language_line_and_category() {
    let mut s = Skills {
        languages: vec!["tl".into(), "pt".into()],
        ..Skills::default()
    };
    assert!(!s.covers(&buyer()));
    assert!(s.covers(&ticket("pt-BR", BusinessLine::Buyer, None)));
    s.languages.push("en".into());
    s.business_lines = vec![BusinessLine::Merchant];
    assert!(!s.covers(&buyer()));
    s.business_lines.push(BusinessLine::Buyer);
    s.categories = vec!["refund".into()];
    assert!(!s.covers(&buyer()));
    assert!(s.covers(&ticket("en", BusinessLine::Buyer, None)));
    s.categories.push("duplicate_charge".into());
    assert_eq!(s.specificity(&buyer()), 3);
    assert_eq!(Skills::default().specificity(&buyer()), 0);
}

#[test]
fn conditions_match_every_named_field() {
    let c: QueueConditions = serde_json::from_str(
        r#"{"business_lines":["buyer"],"languages":["en"],"customer_tiers":["vip"]}"#,
    )
    .unwrap_or_default();
    assert!(c.needs_customer_tier());
    assert!(c.matches(&buyer(), Some(CustomerTier::Vip)));
    assert!(!c.matches(&buyer(), Some(CustomerTier::Standard)));
    assert!(!c.matches(&buyer(), None));
    assert!(QueueConditions::default().matches(&buyer(), None));
    let bad = serde_json::from_str::<QueueConditions>(r#"{"colour":["red"]}"#);
    assert!(bad.is_err(), "unknown conditions are refused");
    let cat = QueueConditions {
        categories: Some(vec!["payout_delay".into()]),
        ..QueueConditions::default()
    };
    assert!(!cat.matches(&buyer(), None));
}

#[test]
fn modes_choose_as_documented() {
    let mut a = agent(1, 3, 5, Presence::Online);
    let mut b = agent(2, 1, 5, Presence::Online);
    a.profile.last_assigned_at = Some(Timestamp(10));
    b.profile.last_assigned_at = Some(Timestamp(20));
    let all = [a.clone(), b.clone()];
    assert_eq!(
        choose(RoutingMode::RoundRobin, &all, &buyer()),
        Some(UserId(1))
    );
    assert_eq!(
        choose(RoutingMode::LeastLoaded, &all, &buyer()),
        Some(UserId(2))
    );
    assert_eq!(choose(RoutingMode::Manual, &all, &buyer()), None);
    a.profile.skills.categories = vec!["duplicate_charge".into()];
    let all = [a, b];
    assert_eq!(choose(RoutingMode::Skills, &all, &buyer()), Some(UserId(1)));
}

#[test]
fn nobody_away_offline_or_full_is_chosen() {
    let all = [
        agent(1, 0, 5, Presence::Away),
        agent(2, 0, 5, Presence::Offline),
        agent(3, 5, 5, Presence::Online),
        agent(4, 0, 0, Presence::Online),
    ];
    for mode in RoutingMode::ALL {
        assert_eq!(choose(*mode, &all, &buyer()), None, "{mode}");
    }
}

#[test]
fn sla_standing_reads_the_stored_columns() {
    assert_eq!(
        SlaStanding::of(crate::sla::NO_DUE, false, false),
        SlaStanding::None
    );
    assert_eq!(SlaStanding::of(5, false, false), SlaStanding::OnTrack);
    assert_eq!(SlaStanding::of(5, false, true), SlaStanding::AtRisk);
    assert_eq!(SlaStanding::of(5, true, true), SlaStanding::Breached);
}

#[test]
fn skills_are_normalised_and_checked() {
    let s = Skills {
        languages: vec![" EN ".into(), "en".into()],
        ..Skills::default()
    }
    .validated();
    assert_eq!(s.map(|s| s.languages), Ok(vec!["en".to_string()]));
    let bad = Skills {
        categories: vec![String::new()],
        ..Skills::default()
    };
    assert!(bad.validated().is_err());
    assert!(check_capacity("capacity", -1).is_err());
    assert_eq!(check_capacity("capacity", 4), Ok(4));
}

fn presence() -> impl Strategy<Value = Presence> {
    prop::sample::select(Presence::ALL.to_vec())
}

fn mode() -> impl Strategy<Value = RoutingMode> {
    prop::sample::select(RoutingMode::ALL.to_vec())
}

fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(
        (0..6_i64, 0..6_i64, presence(), prop::option::of(0..100_i64)),
        0..12,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (load, capacity, presence, last))| {
                let mut c = agent(i64::try_from(i).unwrap_or(0) + 1, load, capacity, presence);
                c.profile.last_assigned_at = last.map(Timestamp);
                c
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn never_picks_an_agent_at_capacity_or_not_online(all in candidates(), mode in mode()) {
        if let Some(id) = choose(mode, &all, &buyer()) {
            let c = all.iter().find(|c| c.user_id() == id);
            prop_assert!(c.is_some_and(|c| c.profile.presence == Presence::Online && c.load < c.profile.capacity));
        } else {
            prop_assert!(mode == RoutingMode::Manual || all.iter().all(|c| !c.is_eligible(&buyer())));
        }
    }

    #[test]
    fn round_robin_cycles_fairly(n in 1..8_usize, rounds in 1..5_usize) {
        let mut all: Vec<Candidate> = (1..=n)
            .map(|i| agent(i64::try_from(i).unwrap_or(0), 0, 1_000, Presence::Online))
            .collect();
        let mut counts = vec![0_usize; n];
        for step in 0..n * rounds {
            let chosen = choose(RoutingMode::RoundRobin, &all, &buyer());
            let Some(id) = chosen else { return Err(TestCaseError::fail("nobody chosen")) };
            let i = usize::try_from(id.0).unwrap_or(1) - 1;
            counts[i] += 1;
            all[i].load += 1;
            all[i].profile.last_assigned_at = Some(Timestamp(i64::try_from(step).unwrap_or(0)));
        }
        prop_assert!(counts.iter().all(|c| *c == rounds), "{counts:?}");
    }

    #[test]
    fn least_loaded_picks_a_minimum(all in candidates()) {
        if let Some(id) = choose(RoutingMode::LeastLoaded, &all, &buyer()) {
            let min = all.iter().filter(|c| c.is_eligible(&buyer())).map(|c| c.load).min();
            let chosen = all.iter().find(|c| c.user_id() == id).map(|c| c.load);
            prop_assert_eq!(chosen, min);
        }
    }
}
