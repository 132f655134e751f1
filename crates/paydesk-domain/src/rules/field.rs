//! The fields a condition can test, their types, and how each is read from the facts.

use super::facts::TicketFacts;

crate::label_enum!(
    /// A fact a condition tests, named `<group>.<field>`.
    Field {
        TicketStatus = "ticket.status",
        TicketPriority = "ticket.priority",
        TicketCategory = "ticket.category",
        TicketTags = "ticket.tags",
        TicketQueue = "ticket.queue_id",
        TicketAssignee = "ticket.assignee_id",
        TicketBusinessLine = "ticket.business_line",
        TicketChannel = "ticket.channel",
        TicketLanguage = "ticket.language",
        TicketSubject = "ticket.subject",
        TicketAgeHours = "ticket.age_hours",
        TicketHoursSinceUpdate = "ticket.hours_since_update",
        CustomerTier = "customer.tier",
        CustomerCountry = "customer.country",
        CustomerLocale = "customer.locale",
        PaymentFailureCodes = "payment.failure_codes",
        PaymentGateways = "payment.gateways",
        PaymentMethods = "payment.methods",
        PaymentLargestAmount = "payment.largest_amount",
        PaymentOpenDispute = "payment.open_dispute",
        PaymentRefundPending = "payment.refund_pending",
        SlaAtRisk = "sla.at_risk",
        SlaBreached = "sla.breached",
        SlaMinutesToNextDue = "sla.minutes_to_next_due",
        EscalationOpen = "escalation.open",
        EscalationTeam = "escalation.team",
        EscalationPartnerSlaBreached = "escalation.partner_sla_breached",
        TimeBusinessHoursInStatus = "time.business_hours_in_status",
        TimeBusinessDaysInStatus = "time.business_days_in_status",
        TimeHoursSincePublicReply = "time.hours_since_public_reply",
        TimeHoursSinceCustomerMessage = "time.hours_since_customer_message",
        TimeOnHoldPastPartnerSla = "time.on_hold_past_partner_sla",
    }
);

/// The type of a field, which decides the operators and values it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One of a closed set of labels.
    Label(&'static [&'static str]),
    /// Free text (compared case-insensitively).
    Text,
    /// A set of short labels (tags, failure codes).
    List,
    /// A whole number (ids, amounts, hours).
    Number,
    /// Yes or no.
    Flag,
}

/// A field's value in one snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FactValue {
    Text(Option<String>),
    List(Vec<String>),
    Number(Option<i64>),
    Flag(bool),
}

const STATUS: &[&str] = &["new", "open", "pending", "on_hold", "solved", "closed"];
const PRIORITY: &[&str] = &["low", "normal", "high", "urgent"];
const LINE: &[&str] = &["buyer", "merchant", "creator"];
const CHANNEL: &[&str] = &["email", "web", "chat", "api", "phone", "social", "gateway"];
const TIER: &[&str] = &["standard", "vip", "strategic"];

impl Field {
    /// The field's type.
    #[must_use]
    pub fn kind(self) -> FieldKind {
        use Field as F;
        match self {
            F::TicketStatus => FieldKind::Label(STATUS),
            F::TicketPriority => FieldKind::Label(PRIORITY),
            F::TicketBusinessLine => FieldKind::Label(LINE),
            F::TicketChannel => FieldKind::Label(CHANNEL),
            F::CustomerTier => FieldKind::Label(TIER),
            F::TicketCategory
            | F::TicketLanguage
            | F::TicketSubject
            | F::CustomerCountry
            | F::CustomerLocale
            | F::EscalationTeam => FieldKind::Text,
            F::TicketTags | F::PaymentFailureCodes | F::PaymentGateways | F::PaymentMethods => {
                FieldKind::List
            }
            F::TicketQueue
            | F::TicketAssignee
            | F::TicketAgeHours
            | F::TicketHoursSinceUpdate
            | F::PaymentLargestAmount
            | F::SlaMinutesToNextDue
            | F::TimeBusinessHoursInStatus
            | F::TimeBusinessDaysInStatus
            | F::TimeHoursSincePublicReply
            | F::TimeHoursSinceCustomerMessage => FieldKind::Number,
            F::PaymentOpenDispute
            | F::PaymentRefundPending
            | F::SlaAtRisk
            | F::SlaBreached
            | F::EscalationOpen
            | F::EscalationPartnerSlaBreached
            | F::TimeOnHoldPastPartnerSla => FieldKind::Flag,
        }
    }

    /// Reads this field from `facts`; `now_millis` turns instants into ages.
    pub(crate) fn read(self, facts: &TicketFacts, now_millis: i64) -> FactValue {
        use Field as F;
        let t = &facts.ticket;
        let customer = facts.customer.as_ref();
        let hours = |since: i64| Some(now_millis.saturating_sub(since) / 3_600_000);
        match self {
            F::TicketStatus => label(t.status.as_str()),
            F::TicketPriority => label(t.priority.as_str()),
            F::TicketBusinessLine => label(t.business_line.as_str()),
            F::TicketChannel => label(t.channel.as_str()),
            F::CustomerTier => FactValue::Text(customer.map(|c| c.tier.as_str().to_owned())),
            F::TicketCategory => FactValue::Text(t.category.clone()),
            F::TicketLanguage => FactValue::Text(Some(t.language.clone())),
            F::TicketSubject => FactValue::Text(Some(t.subject.clone())),
            F::CustomerCountry => FactValue::Text(customer.and_then(|c| c.country.clone())),
            F::CustomerLocale => FactValue::Text(customer.and_then(|c| c.locale.clone())),
            F::EscalationTeam => FactValue::Text(facts.escalation.team.clone()),
            F::TicketTags => FactValue::List(t.tags.clone()),
            F::PaymentFailureCodes => FactValue::List(facts.payment.failure_codes.clone()),
            F::PaymentGateways => FactValue::List(facts.payment.gateways.clone()),
            F::PaymentMethods => FactValue::List(facts.payment.methods.clone()),
            F::TicketQueue => FactValue::Number(t.queue_id.map(|q| q.0)),
            F::TicketAssignee => FactValue::Number(t.assignee_id.map(|u| u.0)),
            F::TicketAgeHours => FactValue::Number(hours(t.created_at.0)),
            F::TicketHoursSinceUpdate => FactValue::Number(hours(t.updated_at.0)),
            F::PaymentLargestAmount => FactValue::Number(facts.payment.largest_amount),
            F::SlaMinutesToNextDue => FactValue::Number(facts.sla.minutes_to_next_due),
            F::TimeBusinessHoursInStatus => {
                FactValue::Number(Some(facts.time.business_hours_in_status))
            }
            F::TimeBusinessDaysInStatus => {
                FactValue::Number(Some(facts.time.business_days_in_status))
            }
            F::TimeHoursSincePublicReply => FactValue::Number(facts.time.hours_since_public_reply),
            F::TimeHoursSinceCustomerMessage => {
                FactValue::Number(facts.time.hours_since_customer_message)
            }
            F::PaymentOpenDispute => FactValue::Flag(facts.payment.has_open_dispute),
            F::PaymentRefundPending => FactValue::Flag(facts.payment.has_refund_pending),
            F::SlaAtRisk => FactValue::Flag(facts.sla.is_at_risk),
            F::SlaBreached => FactValue::Flag(facts.sla.is_breached),
            F::EscalationOpen => FactValue::Flag(facts.escalation.is_open),
            F::EscalationPartnerSlaBreached => {
                FactValue::Flag(facts.escalation.is_partner_sla_breached)
            }
            F::TimeOnHoldPastPartnerSla => FactValue::Flag(facts.time.is_on_hold_past_partner_sla),
        }
    }
}

fn label(s: &str) -> FactValue {
    FactValue::Text(Some(s.to_owned()))
}

/// The closed vocabularies, checked against the domain's enums in tests.
#[cfg(test)]
pub(crate) fn vocabularies_match() -> bool {
    use crate::customer::Tier;
    use crate::ticket::{BusinessLine, Channel, Priority, Status};
    fn labels<T: Copy>(all: &'static [T], name: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|v| name(*v)).collect()
    }
    labels(Status::ALL, Status::as_str) == STATUS
        && labels(Priority::ALL, Priority::as_str) == PRIORITY
        && labels(BusinessLine::ALL, BusinessLine::as_str) == LINE
        && labels(Channel::ALL, Channel::as_str) == CHANNEL
        && labels(Tier::ALL, Tier::as_str) == TIER
}
