use super::*;
use proptest::prelude::*;

fn ticket(status: Status) -> Ticket {
    Ticket {
        id: TicketId(1),
        subject: "Charged twice".into(),
        status,
        priority: Priority::Normal,
        channel: Channel::Email,
        business_line: BusinessLine::Buyer,
        category: None,
        tags: vec![],
        queue_id: None,
        assignee_id: None,
        customer_id: None,
        language: "en".into(),
        version: 1,
        created_at: Timestamp(0),
        updated_at: Timestamp(0),
        solved_at: None,
        closed_at: None,
    }
}

#[test]
fn closed_ticket_never_changes() {
    let mut t = ticket(Status::Closed);
    let patch = TicketPatch {
        priority: Some(Priority::High),
        ..TicketPatch::default()
    };
    assert_eq!(
        t.apply(&patch, Timestamp(5)),
        Err(DomainError::TicketClosed)
    );
    assert_eq!(t.priority, Priority::Normal);
    assert_eq!(
        t.on_customer_reply(Timestamp(5)),
        Err(DomainError::TicketClosed)
    );
}

#[test]
fn customer_reply_reopens_solved_and_pending() {
    for from in [Status::Solved, Status::Pending] {
        let mut t = ticket(from);
        let change = t.on_customer_reply(Timestamp(9)).unwrap().unwrap();
        assert_eq!(t.status, Status::Open);
        assert_eq!(change.field, "status");
        assert_eq!(t.solved_at, None);
    }
    let mut t = ticket(Status::OnHold);
    assert_eq!(t.on_customer_reply(Timestamp(9)).unwrap(), None);
}

#[test]
fn solved_can_only_reopen_or_close() {
    assert!(Status::Solved.can_move_to(Status::Open));
    assert!(Status::Solved.can_move_to(Status::Closed));
    assert!(!Status::Solved.can_move_to(Status::Pending));
    assert!(!Status::Open.can_move_to(Status::Closed));
    assert!(!Status::Open.can_move_to(Status::New));
}

#[test]
fn patch_records_each_change_and_bumps_version_once() {
    let mut t = ticket(Status::Open);
    let patch = TicketPatch {
        status: Some(Status::Solved),
        priority: Some(Priority::Urgent),
        tags: Some(vec!["VIP".into(), "vip".into(), "refund".into()]),
        ..TicketPatch::default()
    };
    let changes = t.apply(&patch, Timestamp(77)).unwrap();
    let fields: Vec<_> = changes.iter().map(|c| c.field).collect();
    assert_eq!(fields, ["priority", "tags", "status"]);
    assert_eq!(t.version, 2);
    assert_eq!(t.tags, ["refund", "vip"]);
    assert_eq!(t.solved_at, Some(Timestamp(77)));
    assert_eq!(
        t.apply(&patch, Timestamp(78)).unwrap(),
        vec![],
        "a repeated patch changes nothing"
    );
    assert_eq!(t.version, 2);
}

#[test]
fn failed_patch_leaves_ticket_unchanged() {
    let mut t = ticket(Status::Solved);
    let before = t.clone();
    let patch = TicketPatch {
        priority: Some(Priority::High),
        status: Some(Status::Pending),
        ..TicketPatch::default()
    };
    assert!(matches!(
        t.apply(&patch, Timestamp(1)),
        Err(DomainError::InvalidTransition { .. })
    ));
    assert_eq!(t, before);
}

#[test]
fn ticket_numbers_round_trip() {
    assert_eq!(ticket_number(TicketId(42)), "PD-42");
    assert_eq!(parse_ticket_number("PD-42"), Some(TicketId(42)));
    assert_eq!(parse_ticket_number(" 42 "), Some(TicketId(42)));
    assert_eq!(parse_ticket_number("PD-0"), None);
    assert_eq!(parse_ticket_number("PD-x"), None);
}

fn any_status() -> impl Strategy<Value = Status> {
    proptest::sample::select(Status::ALL.to_vec())
}

proptest! {
    #[test]
    fn no_sequence_of_moves_leaves_closed(moves in proptest::collection::vec(any_status(), 1..20)) {
        let mut t = ticket(Status::New);
        let mut was_closed = false;
        for (i, to) in moves.into_iter().enumerate() {
            let now = Timestamp(i64::try_from(i).unwrap_or(0));
            let before = t.clone();
            let result = t.apply(&TicketPatch { status: Some(to), ..TicketPatch::default() }, now);
            if was_closed {
                prop_assert!(result.is_err());
                prop_assert_eq!(&t, &before);
            }
            if result.is_err() {
                prop_assert_eq!(&t, &before);
            }
            was_closed |= t.status == Status::Closed;
            prop_assert_eq!(t.solved_at.is_some(), matches!(t.status, Status::Solved | Status::Closed));
        }
    }
}
