//! Builds the snapshot rules read for one ticket: the ticket, its customer, payments, SLA,
//! escalation and the durations time rules test (on the desk's business calendar).

use crate::App;
use crate::error::AppError;
use paydesk_domain::Timestamp;
use paydesk_domain::calendar::{Calendar, CalendarSpec};
use paydesk_domain::rules::{
    CustomerFacts, EscalationFacts, SlaFacts, TicketFacts, TicketSnapshot, TimeFacts,
};
use paydesk_domain::ticket::{Status, Ticket};

/// Due times at or past this mean "no clock runs" (the store's far-future instant).
const NO_DUE_TIME: i64 = 9_000_000_000_000_000_000;
/// Most business days counted back (a year), so a ticket forgotten for years stays cheap.
const MAX_DAYS_COUNTED: i64 = 366;
const HOUR: i64 = Timestamp::HOUR;

/// Business days between two instants: whole 24-hour periods since `from` in which the
/// calendar was open at all.
fn business_days(calendar: &Calendar, from: Timestamp, to: Timestamp) -> i64 {
    let periods = (to.since(from) / Timestamp::DAY).clamp(0, MAX_DAYS_COUNTED);
    (0..periods)
        .filter(|i| {
            let start = from.plus_millis(i * Timestamp::DAY);
            calendar.between(start, start.plus_millis(Timestamp::DAY)) > 0
        })
        .count()
        .try_into()
        .unwrap_or(i64::MAX)
}

impl App {
    /// The desk's business calendar: the first calendar by name, or plain wall time when
    /// none is set up.
    pub(crate) async fn desk_calendar(&self) -> Result<Calendar, AppError> {
        let calendars = self.store.calendars().await?;
        let spec = calendars
            .first()
            .and_then(|c| serde_json::from_value::<CalendarSpec>(c.spec.clone()).ok());
        Ok(spec
            .and_then(|s| Calendar::new(&s).ok())
            .unwrap_or_else(Calendar::always))
    }

    /// The ticket's live escalation (the one due first), and whether its partner response
    /// target has passed: breached, or due before `now` while the clock runs.
    async fn escalation_facts(
        &self,
        ticket: &Ticket,
        now: Timestamp,
    ) -> Result<EscalationFacts, AppError> {
        let escalations = self.store.ticket_escalations(ticket.id).await?;
        let live = escalations
            .iter()
            .filter(|e| e.status.is_live())
            .min_by_key(|e| e.clock.due_at.map_or(i64::MAX, |d| d.0));
        Ok(
            live.map_or_else(EscalationFacts::default, |e| EscalationFacts {
                is_open: true,
                team: Some(e.team_name.clone()),
                is_partner_sla_breached: e.is_breached()
                    || e.clock.due_at.is_some_and(|due| due <= now),
            }),
        )
    }

    /// The facts rules read about `ticket`, now.
    pub(crate) async fn rule_facts(
        &self,
        ticket: &Ticket,
        calendar: &Calendar,
    ) -> Result<TicketFacts, AppError> {
        let now = self.clock.now();
        let row = self.store.rule_fact_row(ticket.id).await?;
        let customer = match ticket.customer_id {
            Some(id) => self.store.customer(id).await.ok().map(|c| CustomerFacts {
                tier: c.tier,
                country: c.country,
                locale: c.locale,
            }),
            None => None,
        };
        let status_since = row.status_since.unwrap_or(ticket.created_at);
        let hours_since = |at: Option<Timestamp>| at.map(|t| now.since(t) / HOUR);
        let escalation = self.escalation_facts(ticket, now).await?;
        Ok(TicketFacts {
            ticket: TicketSnapshot {
                status: ticket.status,
                priority: ticket.priority,
                category: ticket.category.clone(),
                tags: ticket.tags.clone(),
                queue_id: ticket.queue_id,
                assignee_id: ticket.assignee_id,
                business_line: ticket.business_line,
                channel: ticket.channel,
                language: ticket.language.clone(),
                subject: ticket.subject.clone(),
                version: ticket.version,
                created_at: ticket.created_at,
                updated_at: ticket.updated_at,
            },
            customer,
            payment: row.payment,
            sla: SlaFacts {
                is_at_risk: row.sla_at_risk,
                is_breached: row.sla_breached,
                minutes_to_next_due: (row.sla_due_at < NO_DUE_TIME)
                    .then(|| (row.sla_due_at - now.0) / Timestamp::MINUTE),
            },
            time: TimeFacts {
                business_hours_in_status: calendar.between(status_since, now) / HOUR,
                business_days_in_status: business_days(calendar, status_since, now),
                hours_since_public_reply: hours_since(row.last_public_reply_at),
                hours_since_customer_message: hours_since(row.last_customer_message_at),
                is_on_hold_past_partner_sla: ticket.status == Status::OnHold
                    && escalation.is_partner_sla_breached,
            },
            escalation,
        })
    }
}
