//! Integer id newtypes, so a ticket id can never be passed where a customer id is meant.

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The raw integer, for storage.
            #[must_use]
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A ticket's internal id. Outside, tickets are named by [`crate::ticket::TicketNumber`].
    TicketId
);
id_type!(
    /// A customer's id.
    CustomerId
);
id_type!(
    /// A staff user's id (agents, leads, admins, ...).
    UserId
);
id_type!(
    /// A message's id.
    MessageId
);
id_type!(
    /// An event's id; ids grow with the log, so they order events.
    EventId
);
id_type!(
    /// A queue's id.
    QueueId
);
id_type!(
    /// A BPO vendor's id.
    VendorId
);
id_type!(
    /// A team's id (in-house, a vendor's, or a partner team).
    TeamId
);
id_type!(
    /// An escalation's id.
    EscalationId
);
id_type!(
    /// A partner team's id (L2, engineering, finance, risk, legal, ...).
    PartnerTeamId
);
id_type!(
    /// An SOP's id (the procedure; its versions are numbered within it).
    SopId
);
id_type!(
    /// A macro's id.
    MacroId
);
id_type!(
    /// A trigger or time rule's id.
    RuleId
);
