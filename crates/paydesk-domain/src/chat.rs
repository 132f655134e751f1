//! Chat sessions: a live conversation relayed by the consumer platform, carried by one
//! ticket (channel `chat`). A session is active until it has been idle too long; then it
//! ends, and a new conversation opens a new session.

use crate::id::{CustomerId, TicketId};
use crate::time::Timestamp;

crate::label_enum!(
    /// Whether a chat session still takes messages.
    ChatStatus {
        Active = "active",
        Ended = "ended",
    }
);

crate::label_enum!(
    /// Why a chat session ended.
    ChatEndReason {
        /// No message for longer than the session's idle limit.
        Idle = "idle",
    }
);

/// A chat session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatSession {
    pub id: i64,
    /// The ticket whose messages are the session's transcript.
    pub ticket_id: TicketId,
    pub customer_id: CustomerId,
    pub status: ChatStatus,
    pub started_at: Timestamp,
    /// The last message in either direction (or the start).
    pub last_activity_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub end_reason: Option<ChatEndReason>,
    /// The idle limit in force when the session started.
    pub idle_minutes: i64,
}

impl ChatSession {
    /// The instant before which the last activity must lie for the session to count as
    /// idle at `now` (idle *longer* than the limit: exactly the limit is not yet idle).
    #[must_use]
    pub fn idle_cutoff(now: Timestamp, idle_minutes: i64) -> Timestamp {
        Timestamp(
            now.0
                .saturating_sub(idle_minutes.saturating_mul(Timestamp::MINUTE)),
        )
    }

    /// Whether an active session has been idle longer than its limit at `now`.
    #[must_use]
    pub fn is_idle_at(&self, now: Timestamp) -> bool {
        self.status == ChatStatus::Active
            && self.last_activity_at < Self::idle_cutoff(now, self.idle_minutes)
    }

    /// Whole minutes since the last activity, at `now`.
    #[must_use]
    pub fn idle_minutes_at(&self, now: Timestamp) -> i64 {
        now.0.saturating_sub(self.last_activity_at.0) / Timestamp::MINUTE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(last: i64) -> ChatSession {
        ChatSession {
            id: 1,
            ticket_id: TicketId(1),
            customer_id: CustomerId(1),
            status: ChatStatus::Active,
            started_at: Timestamp(0),
            last_activity_at: Timestamp(last),
            ended_at: None,
            end_reason: None,
            idle_minutes: 30,
        }
    }

    #[test]
    fn idle_means_longer_than_the_limit() {
        let s = session(0);
        assert!(!s.is_idle_at(Timestamp(30 * Timestamp::MINUTE)));
        assert!(s.is_idle_at(Timestamp(30 * Timestamp::MINUTE + 1)));
        let ended = ChatSession {
            status: ChatStatus::Ended,
            ..s
        };
        assert!(!ended.is_idle_at(Timestamp(i64::MAX)));
    }
}
