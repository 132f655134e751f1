//! Taking a firing's actions: field changes as one ticket change, notes as internal notes,
//! mails and webhooks as durable jobs, all as the rule (`Actor::Rule`).

use crate::error::AppError;
use crate::tickets::{NewReply, TicketChange};
use crate::{App, Caller};
use hmac::{Hmac, Mac};
use paydesk_domain::TicketId;
use paydesk_domain::id::{MacroId, PartnerTeamId};
use paydesk_domain::message::Visibility;
use paydesk_domain::rules::{Action, Firing, NotifyTarget};
use paydesk_domain::ticket::{TicketPatch, ticket_number};
use paydesk_store::NewJob;
use serde_json::json;
use sha2::Sha256;

/// Job kind: one email a rule sends (`{to, subject, text, ticket_number, rule_id}`).
pub const RULE_NOTIFY_JOB: &str = "rule_notify";
/// Job kind: one webhook call a rule makes (`{url, secret, body}`).
pub const RULE_WEBHOOK_JOB: &str = "rule_webhook";
/// The header carrying `sha256=<hex HMAC-SHA256 of the body>` when the rule has a secret.
pub const WEBHOOK_SIGNATURE_HEADER: &str = "X-Paydesk-Signature";
const ATTEMPTS: i64 = 8;

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
#[must_use]
pub fn webhook_signature(secret: &str, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The ticket change the field actions make, given the ticket's tags before them.
fn patch_of(actions: &[Action], tags: &[String]) -> TicketPatch {
    let mut patch = TicketPatch::default();
    let mut next_tags = tags.to_vec();
    for action in actions {
        match action {
            Action::SetStatus { status } => patch.status = Some(*status),
            Action::SetPriority { priority } => patch.priority = Some(*priority),
            Action::SetCategory { category } => patch.category = Some(category.clone()),
            Action::AddTags { tags } => {
                next_tags.extend(tags.iter().cloned());
                patch.tags = Some(next_tags.clone());
            }
            Action::RemoveTags { tags } => {
                next_tags.retain(|t| !tags.iter().any(|r| r.eq_ignore_ascii_case(t)));
                patch.tags = Some(next_tags.clone());
            }
            Action::Assign { user_id } => patch.assignee_id = Some(*user_id),
            Action::MoveToQueue { queue_id } => patch.queue_id = Some(Some(*queue_id)),
            _ => {}
        }
    }
    patch
}

impl App {
    /// Takes `firing`'s actions on ticket `id`: field changes first as one change, then
    /// the rest in order. An action that fails does not stop the others; the reasons are
    /// returned (to be recorded on the firing).
    pub(crate) async fn take_actions(
        &self,
        id: TicketId,
        firing: &Firing,
        event: &str,
    ) -> Result<Vec<String>, AppError> {
        let caller = Caller::for_rule(firing.rule_id, &firing.rule_name);
        let mut errors = Vec::new();
        let ticket = self.store.ticket(id).await?;
        let patch = patch_of(&firing.actions, &ticket.tags);
        if patch != TicketPatch::default() {
            let change = TicketChange {
                patch,
                expected_version: None,
            };
            if let Err(e) = self.change_ticket(&caller, id, change).await {
                errors.push(format!("ticket change: {e}"));
            }
        }
        for action in &firing.actions {
            let done = match action {
                Action::AddNote { text } => self.rule_note(&caller, id, text).await,
                Action::Notify { to, subject, text } => {
                    self.rule_notify(id, firing, to, subject, text).await
                }
                Action::CallWebhook { url, secret } => {
                    self.rule_webhook(id, firing, event, url, secret.as_deref())
                        .await
                }
                Action::Escalate {
                    team_id,
                    reason,
                    severity,
                    summary,
                    question,
                } => {
                    self.escalate_for_rule(
                        &caller,
                        id,
                        *team_id,
                        [reason, severity, summary, question],
                    )
                    .await
                }
                Action::SendMacro { macro_id } => {
                    self.send_macro_for_rule(&caller, id, *macro_id).await
                }
                _ => Ok(()),
            };
            if let Err(e) = done {
                errors.push(format!("{}: {e}", action.kind()));
            }
        }
        Ok(errors)
    }

    async fn rule_note(&self, caller: &Caller, id: TicketId, text: &str) -> Result<(), AppError> {
        let reply = NewReply {
            visibility: Visibility::Internal,
            from_customer: false,
            body: text.to_owned(),
            attachments: vec![],
            expected_version: None,
        };
        self.add_message(caller, id, reply).await.map(|_| ())
    }

    async fn rule_notify(
        &self,
        id: TicketId,
        firing: &Firing,
        to: &NotifyTarget,
        subject: &str,
        text: &str,
    ) -> Result<(), AppError> {
        let address = match to {
            NotifyTarget::Email { address } => address.clone(),
            NotifyTarget::User { user_id } => self.store.user(*user_id).await?.email,
            NotifyTarget::Assignee => match self.store.ticket(id).await?.assignee_id {
                Some(user) => self.store.user(user).await?.email,
                None => return Err(AppError::invalid("to", "the ticket has no assignee")),
            },
        };
        let job = NewJob {
            kind: RULE_NOTIFY_JOB.to_owned(),
            ticket_id: Some(id),
            payload: json!({
                "to": address,
                "subject": format!("{subject} [{}]", ticket_number(id)),
                "text": text,
                "rule_id": firing.rule_id,
            }),
            max_attempts: ATTEMPTS,
            run_at: self.clock.now(),
        };
        self.store.enqueue_job(&job, self.clock.now()).await?;
        Ok(())
    }

    async fn rule_webhook(
        &self,
        id: TicketId,
        firing: &Firing,
        event: &str,
        url: &str,
        secret: Option<&str>,
    ) -> Result<(), AppError> {
        let body = json!({
            "ticket": ticket_number(id),
            "rule": {"id": firing.rule_id, "name": firing.rule_name},
            "event": event,
            "actions": firing.actions.iter().map(Action::kind).collect::<Vec<_>>(),
            "at": self.clock.now().rfc3339(),
        });
        let job = NewJob {
            kind: RULE_WEBHOOK_JOB.to_owned(),
            ticket_id: Some(id),
            payload: json!({"url": url, "secret": secret, "body": body.to_string()}),
            max_attempts: ATTEMPTS,
            run_at: self.clock.now(),
        };
        self.store.enqueue_job(&job, self.clock.now()).await?;
        Ok(())
    }

    /// Escalates ticket `id` to a partner team for a rule, through the escalation use case
    /// (the rule is the requester). The rule names the reason by its label (one of the
    /// team's active reasons, any case) and the severity as `sev1`..`sev4`; a ticket that
    /// already has a live escalation to the team is not escalated again.
    pub async fn escalate_for_rule(
        &self,
        caller: &Caller,
        id: TicketId,
        team: PartnerTeamId,
        [reason, severity, summary, question]: [&String; 4],
    ) -> Result<(), AppError> {
        let open = self.store.ticket_escalations(id).await?;
        if open.iter().any(|e| e.team_id == team && e.status.is_live()) {
            return Ok(());
        }
        let stored = self.store.partner_team(team).await?;
        let reason_id = stored
            .reasons
            .iter()
            .find(|r| r.is_active && r.label.eq_ignore_ascii_case(reason.trim()))
            .map(|r| r.id)
            .ok_or_else(|| {
                AppError::invalid(
                    "reason",
                    format!("'{reason}' is not one of {}'s reasons", stored.name),
                )
            })?;
        let severity = severity
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("severity", "use sev1, sev2, sev3 or sev4"))?;
        let input = crate::escalations::NewEscalation {
            team_id: team,
            reason_id,
            severity,
            summary: summary.clone(),
            question: question.clone(),
            hold_ticket: false,
        };
        self.escalate(caller, id, input).await.map(|_| ())
    }

    /// Applies a macro on ticket `id` for a rule: its reply (emailed to the customer when
    /// public) and its actions, recorded as the rule's.
    pub async fn send_macro_for_rule(
        &self,
        caller: &Caller,
        id: TicketId,
        macro_id: MacroId,
    ) -> Result<(), AppError> {
        self.apply_macro_as(caller, &caller.actor(), id, macro_id, None)
            .await
            .map(|_| ())
    }
}
