//! The ticket status machine of DESIGN.md.

use crate::error::DomainError;

crate::label_enum!(
    /// Where a ticket stands. `closed` is final.
    Status {
        New = "new",
        Open = "open",
        /// Waiting on the customer.
        Pending = "pending",
        /// Waiting on a partner team.
        OnHold = "on_hold",
        Solved = "solved",
        Closed = "closed",
    }
);

impl Status {
    /// Whether a ticket may move from `self` to `to` by an explicit change.
    ///
    /// new → open / pending / on_hold / solved; open, pending and on_hold move freely
    /// among themselves and to solved; solved → open (reopen) or closed; closed → nothing.
    /// Nothing moves back to new.
    #[must_use]
    pub fn can_move_to(self, to: Status) -> bool {
        use Status::{Closed, New, OnHold, Open, Pending, Solved};
        match (self, to) {
            (Closed, _) | (_, New) => false,
            (New | Open | Pending | OnHold, Open | Pending | OnHold | Solved) => self != to,
            (Solved, Open | Closed) => true,
            (New | Open | Pending | OnHold, Closed) | (Solved, _) => false,
        }
    }

    /// [`Status::can_move_to`] as a result with the reason.
    pub fn check_transition(self, to: Status) -> Result<(), DomainError> {
        if self == Status::Closed {
            return Err(DomainError::TicketClosed);
        }
        if self.can_move_to(to) {
            Ok(())
        } else {
            Err(DomainError::InvalidTransition {
                from: self.as_str(),
                to: to.as_str(),
            })
        }
    }

    /// Whether the ticket still needs work from the desk.
    #[must_use]
    pub fn is_unresolved(self) -> bool {
        matches!(
            self,
            Status::New | Status::Open | Status::Pending | Status::OnHold
        )
    }
}
