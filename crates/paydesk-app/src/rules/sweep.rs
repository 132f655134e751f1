//! Time-rule sweeps over unresolved tickets, and dry runs that show which tickets a rule
//! would touch now, without writing anything.

use super::trigger::LEASE_MS;
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::id::RuleId;
use paydesk_domain::policy::Action;
use paydesk_domain::rules::{Rule, RuleKind, explain, sweep_time_rules};
use paydesk_domain::ticket::{Status, ticket_number};
use paydesk_domain::{EventId, TicketId};
use paydesk_store::RuleLoop;

/// Tickets read per page of a sweep or a dry run.
const PAGE: i64 = 200;
/// Most tickets one dry-run request reads before it returns a cursor to go on from.
const DRY_RUN_SCAN: i64 = 2_000;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub tickets: usize,
    pub firings: usize,
}

/// A ticket a dry run found, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRunHit {
    pub ticket_id: TicketId,
    pub number: String,
    pub subject: String,
    pub status: Status,
    /// The conditions that held.
    pub why: Vec<String>,
}

/// One page of a dry run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRunPage {
    pub hits: Vec<DryRunHit>,
    /// How many tickets were looked at.
    pub scanned: usize,
    /// Pass as `after` to go on; `None` when every unresolved ticket was looked at.
    pub next_after: Option<TicketId>,
}

impl App {
    /// Runs the active time rules over every unresolved ticket, for instance `owner`.
    /// Each rule fires on a ticket at most once per ticket version, so a second sweep in a
    /// row changes nothing. Does nothing while another instance sweeps.
    pub async fn sweep_time_rules(&self, owner: &str) -> Result<SweepReport, AppError> {
        let mut report = SweepReport::default();
        let rules: Vec<Rule> = self
            .store
            .active_rules()
            .await?
            .into_iter()
            .filter(|r| r.spec.kind == RuleKind::Time)
            .collect();
        if rules.is_empty() {
            return Ok(report);
        }
        let now = self.clock.now();
        if self
            .store
            .lease_rule_loop(RuleLoop::Sweep, owner, now, LEASE_MS)
            .await?
            .is_none()
        {
            return Ok(report);
        }
        let calendar = self.desk_calendar().await?;
        let mut after = TicketId(0);
        loop {
            let ids = self.store.unresolved_ticket_ids(after, PAGE).await?;
            let Some(last) = ids.last() else { break };
            after = *last;
            for id in ids {
                report.tickets += 1;
                let ticket = self.store.ticket(id).await?;
                let facts = self.rule_facts(&ticket, &calendar).await?;
                let ledger = self.store.time_rule_ledger(id).await?;
                let sweep = sweep_time_rules(&rules, &facts, &ledger, self.clock.now().0);
                let mut taken = Vec::with_capacity(sweep.firings.len());
                for firing in &sweep.firings {
                    taken.push(self.take_actions(id, firing, "time").await?);
                }
                for (firing, errors) in sweep.firings.iter().zip(taken) {
                    self.record_firing(id, firing, "time", None, errors).await?;
                    report.firings += 1;
                }
            }
        }
        self.store
            .advance_rule_loop(RuleLoop::Sweep, owner, EventId(0), true)
            .await?;
        Ok(report)
    }

    /// Which unresolved tickets rule `id` (active or not) would touch now, and why:
    /// reads up to 2,000 tickets after `after`, returns those whose conditions hold and
    /// where to go on. Writes nothing.
    pub async fn dry_run_rule(
        &self,
        caller: &Caller,
        id: RuleId,
        after: Option<TicketId>,
    ) -> Result<DryRunPage, AppError> {
        caller.require(Action::RuleManage)?;
        let rule = self.store.rule(id).await?.rule;
        let calendar = self.desk_calendar().await?;
        let now = self.clock.now().0;
        let mut page = DryRunPage {
            hits: vec![],
            scanned: 0,
            next_after: None,
        };
        let mut cursor = after.unwrap_or(TicketId(0));
        let mut scanned = 0;
        while scanned < DRY_RUN_SCAN {
            let ids = self.store.unresolved_ticket_ids(cursor, PAGE).await?;
            let Some(last) = ids.last() else {
                return Ok(page);
            };
            cursor = *last;
            scanned += i64::try_from(ids.len()).unwrap_or(PAGE);
            for id in ids {
                page.scanned += 1;
                let ticket = self.store.ticket(id).await?;
                let facts = self.rule_facts(&ticket, &calendar).await?;
                if let Some(why) = explain(&rule, &facts, now) {
                    page.hits.push(DryRunHit {
                        ticket_id: id,
                        number: ticket_number(id),
                        subject: ticket.subject,
                        status: ticket.status,
                        why,
                    });
                }
            }
        }
        page.next_after = Some(cursor);
        Ok(page)
    }
}
