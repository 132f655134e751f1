-- Durable background jobs and outgoing mail (SQLite). Keep in step with postgres/0003_jobs.sql.
-- Times are epoch milliseconds (UTC).

-- A job waits (status queued) until run_at, is claimed by a worker that sets
-- locked_by/locked_until (status running) and ends done or failed. A crashed worker's
-- claim lapses at locked_until and another worker takes the job again. attempts counts
-- claims; a job that fails is queued again with a later run_at until max_attempts.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ticket_id INTEGER REFERENCES tickets(id),
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    locked_by TEXT,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(status, run_at);
CREATE INDEX jobs_ticket ON jobs(ticket_id, id);

-- One email per public staff reply, queued in the reply's transaction and sent by a job.
-- mail_id is its Message-ID (also in mail_threads, so replies to it thread back);
-- mail_references the Message-IDs it refers to, oldest first, separated by spaces.
-- status: queued, sent, failed.
CREATE TABLE outbound_mail (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    message_id INTEGER NOT NULL REFERENCES messages(id),
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    mail_id TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    in_reply_to TEXT,
    mail_references TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbound_mail_ticket ON outbound_mail(ticket_id, id);
CREATE UNIQUE INDEX outbound_mail_job ON outbound_mail(job_id);
CREATE UNIQUE INDEX outbound_mail_message ON outbound_mail(message_id);
CREATE INDEX outbound_mail_status ON outbound_mail(status, id);
