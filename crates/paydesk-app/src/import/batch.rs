//! An import in progress: batches of read tickets go in, each batch in one transaction.
//!
//! Every row is checked on its own first, so a bad row is reported and the rest of its
//! batch still goes in. A row whose source id is already recorded (an earlier run got it
//! in) is skipped; a repeat of an id earlier in the same file is refused. Should the
//! batch's insert fail all the same, its rows are retried one by one to find the culprit.

use super::record::{Context, Prepared, attach, key_of};
use super::{ImportedAuthor, ImportedTicket, Rejected};
use crate::error::AppError;
use crate::tickets::{refuse_nul, refuse_unstorable};
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::policy::Action;
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{Actor, QueueId, UserId};
use paydesk_store::{ImportedRow, StoreError};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// How an import runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// Names the source (`zendesk`, `csv:<file name>`, see
    /// [`super::TicketFile::default_source`]); its ids are recorded under `import:<source>`,
    /// so that a rerun of the same source skips what already landed.
    pub source: String,
    /// For rows that name no business line.
    pub default_business_line: Option<BusinessLine>,
    /// Check every row and report, but write nothing.
    pub is_dry_run: bool,
}

/// What one batch came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Tickets that went in (in a dry run: that would have).
    pub imported: usize,
    /// Rows whose source id an earlier run already recorded.
    pub skipped: usize,
    /// Rows refused, with the reason, in file order.
    pub rejected: Vec<Rejected>,
}

/// An import of one source, batch after batch.
pub struct TicketImport {
    app: App,
    caller: Caller,
    actor: Actor,
    scope: String,
    options: ImportOptions,
    queues: HashMap<String, QueueId>,
    may_leave_unqueued: bool,
    /// The desk's users by email, looked up once each (None: no such user).
    staff: HashMap<String, Option<UserId>>,
    /// Each source id seen so far in this run, with the row it was first seen on.
    seen: HashMap<String, u64>,
}

impl App {
    /// Starts an import for `caller`, who must be allowed to create tickets and customers.
    /// Errors: [`AppError::Forbidden`]; [`AppError::Invalid`] for a source name that cannot
    /// be recorded.
    pub async fn ticket_import(
        &self,
        caller: &Caller,
        options: ImportOptions,
    ) -> Result<TicketImport, AppError> {
        caller.require(Action::TicketCreate)?;
        caller.require(Action::CustomerWrite)?;
        let source = options.source.trim();
        if source.is_empty() || source.chars().count() > 200 {
            return Err(AppError::invalid("source", "1-200 characters"));
        }
        refuse_unstorable("source", source)?;
        refuse_nul("source", source)?;
        let mut queues = HashMap::new();
        for q in self.store.queues().await? {
            if self.queue_in_scope(caller, Some(q.id)).await? {
                queues.insert(q.key, q.id);
            }
        }
        Ok(TicketImport {
            app: self.clone(),
            caller: caller.clone(),
            actor: caller.actor(),
            scope: format!("import:{source}"),
            may_leave_unqueued: self.queue_in_scope(caller, None).await?,
            options,
            queues,
            staff: HashMap::new(),
            seen: HashMap::new(),
        })
    }
}

impl TicketImport {
    /// Where this import records its source ids: `import:<source>`.
    #[must_use]
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// Imports one batch: rows already recorded are skipped, bad rows refused with the
    /// reason, and the rest inserted, with their requesters found or created by email, in
    /// one transaction (a failure there is retried row by row). Errors: the store failed in
    /// a way no single row explains (nothing of the failed transaction is kept; a rerun
    /// resumes).
    pub async fn import(&mut self, batch: Vec<ImportedTicket>) -> Result<BatchOutcome, AppError> {
        let mut out = BatchOutcome::default();
        let mut fresh = Vec::with_capacity(batch.len());
        for t in batch {
            let key = key_of(&t.external_id);
            if let Some(k) = &key {
                if let Some(first) = self.seen.get(k) {
                    let reason = format!("external_id: repeats the one on row {first}");
                    out.rejected.push(Rejected::of(&t, reason));
                    continue;
                }
                self.seen.insert(k.clone(), t.row);
            }
            fresh.push((key, t));
        }
        let keys: Vec<String> = fresh.iter().filter_map(|(k, _)| k.clone()).collect();
        let recorded = self.app.store.recorded_keys(&self.scope, &keys).await?;
        self.look_up_staff(fresh.iter().map(|(_, t)| t)).await?;
        let mut ready = Vec::with_capacity(fresh.len());
        {
            let context = self.context();
            for (key, t) in fresh {
                if key.is_some_and(|k| recorded.contains(&k)) {
                    out.skipped += 1;
                    continue;
                }
                match context.prepare(&t) {
                    Ok(p) => ready.push((t, p)),
                    Err(e) => out.rejected.push(Rejected::of(&t, e.to_string())),
                }
            }
        }
        if self.options.is_dry_run {
            out.imported = ready.len();
        } else {
            self.insert(ready, &mut out).await?;
        }
        out.rejected.sort_by_key(|r| r.row);
        Ok(out)
    }

    fn context(&self) -> Context<'_> {
        Context {
            app: &self.app,
            actor: &self.actor,
            ip: self.caller.ip.as_deref(),
            scope: &self.scope,
            default_line: self.options.default_business_line,
            queues: &self.queues,
            may_leave_unqueued: self.may_leave_unqueued,
            staff: &self.staff,
            now: self.app.clock.now(),
        }
    }

    /// Finds the desk's users among the authors of these tickets' messages.
    async fn look_up_staff<'a>(
        &mut self,
        tickets: impl Iterator<Item = &'a ImportedTicket>,
    ) -> Result<(), AppError> {
        let emails: HashSet<String> = tickets
            .flat_map(|t| &t.messages)
            .filter_map(|m| match &m.author {
                ImportedAuthor::Other { email: Some(e), .. } => Some(e.trim().to_lowercase()),
                _ => None,
            })
            .filter(|e| !self.staff.contains_key(e))
            .collect();
        for email in emails {
            let user = self.app.store.user_by_email(&email).await?;
            self.staff.insert(email, user.map(|u| u.id));
        }
        Ok(())
    }

    /// Inserts the batch, requesters found or created by email, in one transaction; row
    /// by row if that fails, to refuse only the rows at fault.
    async fn insert(
        &self,
        ready: Vec<(ImportedTicket, Prepared)>,
        out: &mut BatchOutcome,
    ) -> Result<(), AppError> {
        if ready.is_empty() {
            return Ok(());
        }
        let now = self.app.clock.now();
        let (tickets, rows): (Vec<ImportedTicket>, Vec<ImportedRow>) = ready
            .into_iter()
            .map(|(t, p)| {
                let requester = p.requester.map(|c| (c, self.customer_created(now)));
                let row = ImportedRow {
                    record: p.record,
                    key: p.key,
                    requester,
                };
                (t, row)
            })
            .unzip();
        let store = &self.app.store;
        if store.insert_imported(&rows, now, attach).await.is_ok() {
            out.imported += rows.len();
            return Ok(());
        }
        for (t, row) in tickets.iter().zip(&rows) {
            match store
                .insert_imported(std::slice::from_ref(row), now, attach)
                .await
            {
                Ok(_) => out.imported += 1,
                // Recorded meanwhile (another run of the same source): it is in.
                Err(StoreError::Duplicate) => out.skipped += 1,
                Err(e) => {
                    if store.ping().await.is_err() {
                        return Err(e.into());
                    }
                    let reason = format!("the database refused it: {}", AppError::from(e));
                    out.rejected.push(Rejected::of(t, reason));
                }
            }
        }
        Ok(())
    }

    /// The event of a customer created for a requester.
    fn customer_created(&self, at: paydesk_domain::Timestamp) -> NewEvent {
        NewEvent {
            ticket_id: None,
            customer_id: None,
            actor: self.actor.clone(),
            at,
            kind: EventKind::CustomerCreated,
            data: json!({ "imported": self.scope }),
            ip: self.caller.ip.clone(),
        }
    }
}
