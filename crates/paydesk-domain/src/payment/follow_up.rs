//! What a gateway event does to tickets: open one, note the ones already about the
//! payment object, or nothing. Pure: the intake finds the linked tickets and the customer,
//! asks [`follow_up`], then does what it says in the same transaction as the change.
//!
//! - A dispute event with no open ticket linked to its dispute opens one in the disputes
//!   queue (priority high, a dispute category); otherwise each open linked ticket gets a
//!   note. A closed ticket never changes, so a dispute whose tickets are all closed is
//!   followed up on a new one.
//! - A failed payout works the same way, in the payouts queue: urgent for a creator (it is
//!   their earnings), high for anyone else.
//! - A failed or refunded transaction notes the open tickets about it and opens none.

use super::fact::GatewayEventKind;
use crate::id::TicketId;
use crate::ticket::{BusinessLine, Priority, Status};

/// A queue the intake files tickets in, made when the database has none with the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueKey {
    pub key: &'static str,
    pub name: &'static str,
}

/// Where dispute tickets go.
pub const DISPUTES_QUEUE: QueueKey = QueueKey {
    key: "disputes",
    name: "Disputes",
};

/// Where failed payouts go.
pub const PAYOUTS_QUEUE: QueueKey = QueueKey {
    key: "payouts",
    name: "Payout failures",
};

/// The category of dispute tickets, from the payment categories of the triage taxonomy
/// (chargebacks file under unrecognised payments and fraud).
pub const DISPUTE_CATEGORY: &str = "unrecognised_or_fraud";

/// The category of payout tickets.
pub const PAYOUT_CATEGORY: &str = "transfer_or_payout";

/// A ticket already about the payment object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkedTicket {
    pub id: TicketId,
    pub status: Status,
}

/// A ticket to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewCase {
    pub queue: QueueKey,
    pub category: &'static str,
    pub priority: Priority,
    pub business_line: BusinessLine,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    Open(NewCase),
    /// An internal note on each of these tickets (none closed).
    Note(Vec<TicketId>),
    Nothing,
}

/// Decides what `kind` does, given the tickets linked to its payment object and the
/// business line of the matched customer, if any.
#[must_use]
pub fn follow_up(
    kind: GatewayEventKind,
    linked: &[LinkedTicket],
    customer_line: Option<BusinessLine>,
) -> FollowUp {
    let open: Vec<TicketId> = linked
        .iter()
        .filter(|t| t.status != Status::Closed)
        .map(|t| t.id)
        .collect();
    if !open.is_empty() {
        return FollowUp::Note(open);
    }
    match kind {
        GatewayEventKind::DisputeCreated
        | GatewayEventKind::DisputeUpdated
        | GatewayEventKind::DisputeClosed
        | GatewayEventKind::DisputeFundsWithdrawn
        | GatewayEventKind::DisputeFundsReinstated => FollowUp::Open(NewCase {
            queue: DISPUTES_QUEUE,
            category: DISPUTE_CATEGORY,
            priority: Priority::High,
            business_line: customer_line.unwrap_or(BusinessLine::Buyer),
        }),
        GatewayEventKind::PayoutFailed => {
            let line = customer_line.unwrap_or(BusinessLine::Creator);
            FollowUp::Open(NewCase {
                queue: PAYOUTS_QUEUE,
                category: PAYOUT_CATEGORY,
                priority: if line == BusinessLine::Creator {
                    Priority::Urgent
                } else {
                    Priority::High
                },
                business_line: line,
            })
        }
        GatewayEventKind::TransactionFailed | GatewayEventKind::TransactionRefunded => {
            FollowUp::Nothing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linked(id: i64, status: Status) -> LinkedTicket {
        LinkedTicket {
            id: TicketId(id),
            status,
        }
    }

    #[test]
    fn a_new_dispute_opens_a_high_priority_ticket_in_the_disputes_queue() {
        let FollowUp::Open(case) = follow_up(GatewayEventKind::DisputeCreated, &[], None) else {
            panic!("no ticket opened");
        };
        assert_eq!(case.queue.key, "disputes");
        assert_eq!(case.priority, Priority::High);
        assert_eq!(case.category, DISPUTE_CATEGORY);
        assert_eq!(case.business_line, BusinessLine::Buyer);
        let FollowUp::Open(case) = follow_up(
            GatewayEventKind::DisputeCreated,
            &[],
            Some(BusinessLine::Merchant),
        ) else {
            panic!("no ticket opened");
        };
        assert_eq!(case.business_line, BusinessLine::Merchant);
    }

    #[test]
    fn later_dispute_events_note_the_open_tickets() {
        let tickets = [linked(1, Status::Open), linked(2, Status::Closed)];
        for kind in [
            GatewayEventKind::DisputeUpdated,
            GatewayEventKind::DisputeFundsWithdrawn,
            GatewayEventKind::DisputeClosed,
        ] {
            assert_eq!(
                follow_up(kind, &tickets, None),
                FollowUp::Note(vec![TicketId(1)])
            );
        }
    }

    #[test]
    fn a_dispute_whose_tickets_are_closed_opens_a_new_one() {
        let tickets = [linked(2, Status::Closed)];
        assert!(matches!(
            follow_up(GatewayEventKind::DisputeUpdated, &tickets, None),
            FollowUp::Open(_)
        ));
    }

    #[test]
    fn failed_payouts_are_urgent_for_creators() {
        let FollowUp::Open(case) = follow_up(GatewayEventKind::PayoutFailed, &[], None) else {
            panic!("no ticket opened");
        };
        assert_eq!(
            (case.queue.key, case.priority, case.business_line),
            ("payouts", Priority::Urgent, BusinessLine::Creator)
        );
        let FollowUp::Open(case) = follow_up(
            GatewayEventKind::PayoutFailed,
            &[],
            Some(BusinessLine::Merchant),
        ) else {
            panic!("no ticket opened");
        };
        assert_eq!(case.priority, Priority::High);
    }

    #[test]
    fn transactions_only_note_open_tickets() {
        assert_eq!(
            follow_up(GatewayEventKind::TransactionFailed, &[], None),
            FollowUp::Nothing
        );
        assert_eq!(
            follow_up(
                GatewayEventKind::TransactionRefunded,
                &[linked(3, Status::Solved)],
                None
            ),
            FollowUp::Note(vec![TicketId(3)])
        );
        assert_eq!(
            follow_up(
                GatewayEventKind::TransactionRefunded,
                &[linked(3, Status::Closed)],
                None
            ),
            FollowUp::Nothing
        );
    }
}
