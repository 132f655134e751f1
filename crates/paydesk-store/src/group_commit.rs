//! Group commit for single ticket creates, on both engines.
//!
//! Every commit waits for the disk (SQLite with `synchronous = FULL`, PostgreSQL with
//! `fsync`), and appends to the audit chain are serialised (SQLite's single writer,
//! PostgreSQL's advisory lock held to the commit). Creating tickets one per transaction
//! would make the disk's flush time the desk's ceiling, so concurrent single
//! creates are queued to one task that writes up to [`MAX_GROUP`] of them in one
//! transaction, with one multi-row statement per table. If the group fails (a bad
//! reference, a reused idempotency key), it is rolled back to a savepoint and retried one
//! ticket at a time, each in its own savepoint: a failing insert fails alone, the others
//! commit together. Every caller is answered only after
//! the shared commit is durable, so an acknowledged ticket is always on disk.

use crate::error::StoreError;
use crate::sql::Tx;
use crate::ticket::{IdempotencyKey, TicketRecord, insert_with_key};
use crate::ticket_insert;
use paydesk_domain::ticket::Ticket;
use tokio::sync::{mpsc, oneshot};

/// Most inserts in one shared transaction.
pub const MAX_GROUP: usize = 256;

struct Job {
    record: TicketRecord,
    key: Option<IdempotencyKey>,
    reply: oneshot::Sender<Result<Ticket, StoreError>>,
}

/// The queue in front of the committing task.
#[derive(Clone, Debug)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl GroupCommit {
    /// Starts the committing task; it ends when the last handle is dropped.
    pub fn start<F, Fut>(begin: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<Tx, StoreError>> + Send + 'static,
    {
        let (jobs, rx) = mpsc::channel::<Job>(MAX_GROUP * 4);
        tokio::spawn(run(rx, begin));
        Self { jobs }
    }

    /// Inserts one ticket as part of the next group; answers after the group's commit.
    pub async fn insert(
        &self,
        record: TicketRecord,
        key: Option<IdempotencyKey>,
    ) -> Result<Ticket, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { record, key, reply })
            .await
            .map_err(|_| StoreError::Open("the database writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Open("the database writer has stopped".into()))?
    }
}

async fn run<F, Fut>(mut rx: mpsc::Receiver<Job>, begin: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Tx, StoreError>>,
{
    while let Some(first) = rx.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        commit_group(&begin, group).await;
    }
}

async fn commit_group<F, Fut>(begin: &F, group: Vec<Job>)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Tx, StoreError>>,
{
    let mut tx = match begin().await {
        Ok(tx) => tx,
        Err(e) => {
            let cause = e.to_string();
            for job in group {
                let _ = job.reply.send(Err(StoreError::Open(cause.clone())));
            }
            return;
        }
    };
    let outcomes = match insert_group(&mut tx, &group).await {
        Ok(outcomes) => outcomes,
        Err(e) => {
            let cause = e.to_string();
            for job in group {
                let _ = job.reply.send(Err(StoreError::Open(cause.clone())));
            }
            return;
        }
    };
    let committed = tx.commit().await;
    for (job, outcome) in group.into_iter().zip(outcomes) {
        let answer = match (&committed, outcome) {
            (Ok(()), outcome) => outcome,
            (Err(e), _) => Err(StoreError::Open(format!("commit failed: {e}"))),
        };
        let _ = job.reply.send(answer);
    }
}

/// The whole group in one go; if that fails (a bad reference, a reused key), each ticket
/// alone, so that only the failing ones fail.
async fn insert_group(
    tx: &mut Tx,
    group: &[Job],
) -> Result<Vec<Result<Ticket, StoreError>>, StoreError> {
    tx.exec("SAVEPOINT whole_group", &[]).await?;
    let all: Vec<_> = group.iter().map(|j| (&j.record, j.key.as_ref())).collect();
    match ticket_insert::insert_all(tx, &all).await {
        Ok(tickets) => {
            tx.exec("RELEASE whole_group", &[]).await?;
            return Ok(tickets.into_iter().map(Ok).collect());
        }
        Err(_) => {
            tx.exec("ROLLBACK TO whole_group", &[]).await?;
            tx.exec("RELEASE whole_group", &[]).await?;
        }
    }
    let mut outcomes = Vec::with_capacity(group.len());
    for job in group {
        outcomes.push(insert_isolated(tx, &job.record, job.key.as_ref()).await);
    }
    Ok(outcomes)
}

async fn insert_isolated(
    tx: &mut Tx,
    record: &TicketRecord,
    key: Option<&IdempotencyKey>,
) -> Result<Ticket, StoreError> {
    tx.exec("SAVEPOINT one_ticket", &[]).await?;
    match insert_with_key(tx, record, key).await {
        Ok(ticket) => {
            tx.exec("RELEASE one_ticket", &[]).await?;
            Ok(ticket)
        }
        Err(e) => {
            tx.exec("ROLLBACK TO one_ticket", &[]).await?;
            tx.exec("RELEASE one_ticket", &[]).await?;
            Err(e)
        }
    }
}
